package dev.gangway.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.client.connect.ConnectCommand;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Argument parsing and usage errors: exit code 2 with one plain line on stderr, nothing on stdout. */
class CommandLineTest {

    @TempDir
    Path home;

    private TestEnv t;

    @BeforeEach
    void setUp() {
        t = new TestEnv(home);
    }

    private void assertUsage(int code, String... fragments) {
        assertThat(code).as(t.err()).isEqualTo(ExitCode.USAGE);
        assertThat(t.err()).startsWith("gangway: ");
        for (String f : fragments) {
            assertThat(t.err()).contains(f);
        }
        assertThat(t.out()).isEmpty();
    }

    @Test
    void noCommandPrintsUsageAndExits2() {
        assertThat(t.run()).isEqualTo(ExitCode.USAGE);
        assertThat(t.err()).contains("Usage: gangway").contains("connect");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertUsage(t.run("devices", "--frobnicate"), "Unknown option: '--frobnicate'", "gangway devices --help");
    }

    @Test
    void connectNeedsADevice() {
        assertUsage(t.run("connect"), "Missing required parameter: 'DEVICE'");
    }

    @Test
    void badForwardIsAUsageError() {
        assertUsage(t.run("connect", "press-4", "--forward", "198.19.0.2"), "--forward '198.19.0.2' has no port");
        t = new TestEnv(home);
        assertUsage(t.run("connect", "press-4", "--forward", "8080:198.19.0.2:http"), "is not a number");
        t = new TestEnv(home);
        assertUsage(t.run("connect", "press-4", "--forward", "fd00::2:502"), "IPv6 address in brackets");
    }

    @Test
    void socksPortOutOfRangeIsAUsageError() {
        assertUsage(t.run("connect", "press-4", "--socks", "70000"), "--socks 70000 is not a TCP port");
    }

    @Test
    void noServicesAloneHasNothingToForward() {
        assertUsage(t.run("connect", "press-4", "--no-services"), "nothing to forward");
    }

    @Test
    void socksTakesAPortOnlyWhenANumberFollows() {
        CommandLine cl = Main.commandLine(t.env());
        ParseResult bare = cl.parseArgs("connect", "--socks", "press-4");
        assertThat(bare.subcommand().commandSpec().findOption("--socks").<Integer>getValue()).isEqualTo(1080);
        assertThat(bare.subcommand().matchedPositionalValue(0, "")).isEqualTo("press-4");

        ParseResult zero = Main.commandLine(t.env()).parseArgs("connect", "press-4", "--socks", "0");
        assertThat(zero.subcommand().commandSpec().findOption("--socks").<Integer>getValue()).isEqualTo(0);

        ParseResult attached = Main.commandLine(t.env()).parseArgs("connect", "--socks=1081", "press-4");
        assertThat(attached.subcommand().commandSpec().findOption("--socks").<Integer>getValue()).isEqualTo(1081);

        ParseResult last = Main.commandLine(t.env()).parseArgs("connect", "press-4", "--socks");
        assertThat(last.subcommand().commandSpec().findOption("--socks").<Integer>getValue()).isEqualTo(1080);
        assertThat(last.subcommand().commandSpec().userObject()).isInstanceOf(ConnectCommand.class);
    }

    @Test
    void globalOptionsGoBeforeOrAfterTheCommand() {
        Path file = home.resolve("s.json");
        assertThat(t.run("--json", "--session-file", file.toString(), "devices")).isEqualTo(ExitCode.NOT_SIGNED_IN);
        TestEnv after = new TestEnv(home);
        assertThat(after.run("devices", "--session-file", file.toString(), "--json")).isEqualTo(ExitCode.NOT_SIGNED_IN);
        assertThat(after.err()).isEqualTo("gangway: not signed in: run gangway login --portal URL --account ACCOUNT"
                + " --user USER (or give those options to this command)" + System.lineSeparator());
    }

    @Test
    void loginNeedsPortalAccountAndUser() {
        assertUsage(t.run("login", "--portal", "http://127.0.0.1:1", "--account", "acme"),
                "login needs --portal, --account and --user (missing --user USER)");
    }

    @Test
    void signInOptionsForOneCommandGoTogether() {
        assertUsage(t.run("devices", "--portal", "http://127.0.0.1:1"),
                "give --portal, --account and --user together (missing --account ACCOUNT, --user USER)");
        t = new TestEnv(home);
        assertUsage(t.run("devices", "--password-file", "pw"), "--password-file is only used to sign in");
        t = new TestEnv(home);
        assertUsage(t.run("devices", "--code", "123456"), "--code is only used to sign in");
    }

    @Test
    void portalMustBeAnHttpUrl() {
        assertUsage(t.run("login", "--portal", "ftp://portal.example", "--account", "a", "--user", "u"),
                "--portal 'ftp://portal.example' is not an http(s) URL");
    }

    @Test
    void proxyOptionsMustFitTogether() {
        String[] login = {"login", "--portal", "http://127.0.0.1:1", "--account", "a", "--user", "u"};
        assertUsage(t.run(concat(login, "--proxy-user", "bob")), "--proxy-user is given without --proxy");
        t = new TestEnv(home);
        assertUsage(t.run(concat(login, "--proxy", "proxy.example:3128", "--proxy-user", "bob")),
                "proxy user 'bob' needs a password", "--proxy-password-file FILE");
        t = new TestEnv(home);
        assertUsage(t.run(concat(login, "--proxy", "proxy.example")), "--proxy 'proxy.example' is not host:port");
        t = new TestEnv(home);
        assertUsage(t.run(concat(login, "--proxy", "fd00::1:3128")), "write IPv6 as [::1]:3128");
    }

    @Test
    void ntlmProxyOptionsMustFitTogether() throws Exception {
        java.nio.file.Path pw = java.nio.file.Files.writeString(home.resolve("proxy-pw"), "s3cret\n");
        String[] login = {"login", "--portal", "https://127.0.0.1:1", "--account", "a", "--user", "u"};
        assertUsage(t.run(concat(login, "--proxy", "proxy.example:3128", "--proxy-auth", "digest", "--proxy-user",
                "bob", "--proxy-password-file", pw.toString())),
                "--proxy-auth 'digest' is not a proxy authentication scheme; give basic or ntlm");
        t = new TestEnv(home);
        assertUsage(t.run(concat(login, "--proxy", "proxy.example:3128", "--proxy-auth", "ntlm")),
                "--proxy-auth is given without --proxy-user");
        t = new TestEnv(home);
        assertUsage(t.run(concat(login, "--proxy", "proxy.example:3128", "--proxy-domain", "FACTORY", "--proxy-user",
                "bob", "--proxy-password-file", pw.toString())), "--proxy-domain is only for NTLM; add --proxy-auth ntlm");
        t = new TestEnv(home);
        assertUsage(t.run(concat(login, "--proxy-auth", "ntlm")), "--proxy-auth is given without --proxy");
        t = new TestEnv(home);
        assertUsage(t.run("login", "--portal", "http://127.0.0.1:1", "--account", "a", "--user", "u", "--proxy",
                "127.0.0.1:9", "--proxy-auth", "ntlm", "--proxy-domain", "FACTORY", "--proxy-user", "bob",
                "--proxy-password-file", pw.toString()), "with an NTLM proxy the portal address must be https");
        assertThat(t.err()).doesNotContain("s3cret");
    }

    @Test
    void missingPasswordWithoutConsoleIsAUsageError() {
        assertUsage(t.run("login", "--portal", "http://127.0.0.1:1", "--account", "a", "--user", "u"),
                "no password: give --password-file FILE, set GANGWAY_PASSWORD, or run in a terminal");
    }

    @Test
    void passwordFileMustExist() {
        assertUsage(t.run("login", "--portal", "http://127.0.0.1:1", "--account", "a", "--user", "u",
                "--password-file", home.resolve("nope").toString()), "--password-file", "no such file");
    }

    @Test
    void helpAndVersionExit0() {
        assertThat(t.run("connect", "--help")).isZero();
        assertThat(t.out()).contains("Usage: gangway connect").contains("--forward=[LOCAL:]HOST:PORT");
        TestEnv v = new TestEnv(home);
        assertThat(v.run("--version")).isZero();
        assertThat(v.out()).startsWith("gangway ");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
