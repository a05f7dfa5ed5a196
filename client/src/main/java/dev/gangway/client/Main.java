package dev.gangway.client;

import dev.gangway.client.connect.ConnectCommand;
import dev.gangway.client.device.DevicesCommand;
import dev.gangway.client.device.ServicesCommand;
import dev.gangway.client.device.OfflineCommand;
import dev.gangway.client.device.WakeCommand;
import dev.gangway.client.portal.PortalClient;
import dev.gangway.client.portal.PortalTrust;
import dev.gangway.client.portal.ProxyAddress;
import dev.gangway.client.session.LoginCommand;
import dev.gangway.client.session.LogoutCommand;
import dev.gangway.client.session.SessionStore;
import dev.gangway.tunnel.ProxySettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The client's entry point, {@code gangway <command>}, and the options every command shares (given before or
 * after the command's name). Commands reach these through {@code @ParentCommand}.
 *
 * <p>Errors are one line on standard error, {@code gangway: <plain words>}, and the process exits with an
 * {@link ExitCode}.
 */
@Command(name = "gangway", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        usageHelpWidth = 100,
        description = {"Gangway client: reach the LAN services of your machines through the portal's relay, "
            + "as local ports and a SOCKS5 proxy on this computer.", ""},
        subcommands = {LoginCommand.class, LogoutCommand.class, DevicesCommand.class, ServicesCommand.class,
            WakeCommand.class, OfflineCommand.class, ConnectCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Start with:  gangway login --portal https://portal.example --account ACME --user alice",
            "then:        gangway devices",
            "             gangway connect press-4",
            "", "Exit codes: 0 ok, 1 unexpected, 2 usage, 3 not signed in, 4 sign-in refused, 5 no right,",
            "            6 no such device or offline, 7 portal, relay or proxy unreachable."})
public final class Main implements Callable<Integer> {

    /** A password file larger than this is a mistake (the wrong file). */
    static final int MAX_SECRET_FILE = 64 * 1024;

    @Option(names = "--session-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "where the session is kept (default $XDG_CONFIG_HOME/gangway/session.json or "
                    + "~/.config/gangway/session.json)")
    private Path sessionFile;

    @Option(names = "--proxy", paramLabel = "HOST:PORT", scope = ScopeType.INHERIT,
            description = "reach the portal and the relay through this HTTP proxy (CONNECT)")
    private String proxy;

    @Option(names = "--proxy-user", paramLabel = "USER", scope = ScopeType.INHERIT,
            description = "user name for the proxy's Basic or NTLM authentication")
    private String proxyUser;

    @Option(names = "--proxy-password-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "file holding the proxy password (first line)")
    private Path proxyPasswordFile;

    @Option(names = "--proxy-auth", paramLabel = "SCHEME", scope = ScopeType.INHERIT,
            description = "how to sign in to the proxy: basic (the default with --proxy-user) or ntlm")
    private String proxyAuth;

    @Option(names = "--proxy-domain", paramLabel = "DOMAIN", scope = ScopeType.INHERIT,
            description = "Windows domain of the proxy user (with --proxy-auth ntlm)")
    private String proxyDomain;

    @Option(names = "--portal-ca", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "PEM CA certificate to trust for an https portal, besides the system's")
    private Path portalCa;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "machine-readable output: one line of JSON on standard output")
    private boolean json;

    @Spec
    private CommandSpec spec;

    private final ClientEnv env;

    public Main(ClientEnv env) {
        this.env = env;
    }

    public static void main(String[] args) {
        configureLogging(System.getenv("GANGWAY_LOG_LEVEL"));
        System.exit(run(args, ClientEnv.system()));
    }

    /** Runs one command line and returns its exit code (tests call this). */
    public static int run(String[] args, ClientEnv env) {
        int code = commandLine(env).execute(args);
        env.out().flush();
        env.err().flush();
        return code;
    }

    /** The configured command line: usage errors exit 2, a {@link ClientException} exits with its code. */
    public static CommandLine commandLine(ClientEnv env) {
        CommandLine cl = new CommandLine(new Main(env));
        cl.setOut(env.out());
        cl.setErr(env.err());
        cl.setParameterExceptionHandler((ex, args) -> {
            String command = ex.getCommandLine().getCommandSpec().qualifiedName();
            env.warn(Text.clean(ex.getMessage()) + " (see '" + command + " --help')");
            return ExitCode.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ClientException e) {
                env.warn(e.getMessage());
                return e.exitCode();
            }
            env.warn("unexpected error: " + ex);
            if (env.variable("GANGWAY_DEBUG") != null) {
                ex.printStackTrace(env.err());
            }
            return ExitCode.UNEXPECTED;
        });
        return cl;
    }

    /** tunnel-core logs through SLF4J: its warnings go to standard error, the rest only when asked for. */
    static void configureLogging(String level) {
        String chosen = level == null || level.isBlank() ? "warn" : level.trim().toLowerCase(Locale.ROOT);
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", chosen);
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.showThreadName", "false");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.log.io.netty", "warn".equals(chosen) ? "error" : "warn");
    }

    private static void setDefault(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE;
    }

    // ---- what commands share ----------------------------------------------------------------------------------

    public ClientEnv env() {
        return env;
    }

    /** Where the command prints its result (JSON with {@code --json}). */
    public Output output() {
        return new Output(env.out(), json);
    }

    /** The session file ({@code --session-file} or the default location). */
    public SessionStore sessionStore() {
        return sessionFile != null ? new SessionStore(sessionFile.toAbsolutePath(), false)
                : new SessionStore(SessionStore.defaultPath(env.variables(), env.home()), true);
    }

    /** {@code --portal-ca}, absolute, or null. */
    public Path portalCa() {
        return portalCa == null ? null : portalCa.toAbsolutePath();
    }

    /**
     * The HTTP proxy of {@code --proxy}, {@code --proxy-user}, {@code --proxy-password-file}, {@code --proxy-auth}
     * and {@code --proxy-domain}.
     *
     * @throws ClientException (exit code 2) when they do not fit together
     */
    public Optional<ProxySettings> proxy() {
        if (proxy == null) {
            if (proxyUser != null || proxyPasswordFile != null || proxyAuth != null || proxyDomain != null) {
                throw ClientException.usage((proxyUser != null ? "--proxy-user" : proxyPasswordFile != null
                        ? "--proxy-password-file" : proxyAuth != null ? "--proxy-auth" : "--proxy-domain")
                        + " is given without --proxy; give the proxy as --proxy HOST:PORT");
            }
            return Optional.empty();
        }
        ProxySettings.Scheme scheme = ProxySettings.Scheme.BASIC;
        if (proxyAuth != null) {
            scheme = ProxySettings.Scheme.parse(proxyAuth);
            if (scheme == null) {
                throw ClientException.usage("--proxy-auth '" + proxyAuth + "' is not a proxy authentication scheme;"
                        + " give basic or ntlm");
            }
            if (proxyUser == null) {
                throw ClientException.usage("--proxy-auth is given without --proxy-user; give the proxy user name"
                        + " with --proxy-user USER");
            }
        }
        if (proxyDomain != null && scheme != ProxySettings.Scheme.NTLM) {
            throw ClientException.usage("--proxy-domain is only for NTLM; add --proxy-auth ntlm");
        }
        if (scheme == ProxySettings.Scheme.NTLM && proxyUser.indexOf('\\') >= 0) {
            throw ClientException.usage("--proxy-user '" + proxyUser + "' contains a backslash; give the domain with"
                    + " --proxy-domain and only the user name with --proxy-user");
        }
        if (proxyUser == null && proxyPasswordFile != null) {
            throw ClientException.usage("--proxy-password-file is given without --proxy-user; give the proxy user"
                    + " name with --proxy-user USER");
        }
        if (proxyUser != null && proxyPasswordFile == null) {
            throw ClientException.usage("proxy user '" + proxyUser + "' needs a password: put it in a file readable"
                    + " only by you and give --proxy-password-file FILE");
        }
        String password = proxyUser == null ? null : readSecretFile(proxyPasswordFile, "--proxy-password-file",
                env::warn);
        return Optional.of(new ProxySettings(ProxyAddress.parse(proxy), proxyUser == null ? null : scheme,
                proxyDomain, null, proxyUser, password));
    }

    /** A client of the portal at {@code base}, trusting {@code ca} (may be null) besides the system's CAs. */
    public PortalClient portal(URI base, Path ca) {
        Optional<ProxySettings> proxySettings = proxy();
        if (PortalClient.insecure(base)) {
            env.warn("warning: " + base + " is plain http: the password and the session travel unencrypted;"
                    + " use the portal's https address");
        }
        return new PortalClient(base, proxySettings, PortalTrust.sslContext(ca), version());
    }

    /**
     * Reads a secret from the first line of {@code file} (the line ending is not part of it; a UTF-8 byte order
     * mark neither). Warns through {@code warnings} when other users may read the file.
     *
     * @throws ClientException (exit code 2) naming the option and the problem: no such file, unreadable, larger
     *     than 64 KiB, not UTF-8 text, empty first line
     */
    public static String readSecretFile(Path file, String option, Consumer<String> warnings) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_SECRET_FILE + 1);
        } catch (NoSuchFileException e) {
            throw ClientException.usage(option + " " + file + ": no such file");
        } catch (IOException e) {
            throw ClientException.usage(option + " " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        if (bytes.length > MAX_SECRET_FILE) {
            throw ClientException.usage(option + " " + file + " is larger than " + MAX_SECRET_FILE / 1024
                    + " KiB; put only the password in it");
        }
        String content;
        try {
            content = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ClientException.usage(option + " " + file + " is not UTF-8 text; save the password in it as UTF-8");
        }
        if (readableByOthers(file)) {
            warnings.accept("warning: " + option + " " + file + " can be read by other users; run chmod 600 "
                    + file);
        }
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1);
        }
        int end = content.indexOf('\n');
        String line = end < 0 ? content : content.substring(0, end);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            throw ClientException.usage(option + " " + file + ": the file is empty; put the password on its first"
                    + " line");
        }
        return line;
    }

    /** Whether the group or others may read {@code file} (false where there are no POSIX permissions). */
    public static boolean readableByOthers(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return permissions.contains(PosixFilePermission.GROUP_READ)
                    || permissions.contains(PosixFilePermission.OTHERS_READ);
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        }
    }

    /** The client's version (from the build). */
    public static String version() {
        try (InputStream in = Main.class.getResourceAsStream("client-version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isBlank() && !v.contains("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "dev";
    }

    /** Prints the client's version for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gangway " + Main.version()};
        }
    }
}
