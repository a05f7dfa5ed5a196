package dev.gangway.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.client.FakePortal.Reply;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The commands against a local HTTP server that answers like the portal's client API: what they send, what they
 * print, and which exit code each portal answer becomes.
 */
class PortalCommandsTest {

    @TempDir
    Path home;

    private FakePortal portal;
    private TestEnv t;
    private Path sessionFile;

    @BeforeEach
    void setUp() throws Exception {
        portal = new FakePortal().standard();
        t = new TestEnv(home);
        t.variables.put("GANGWAY_PASSWORD", "pw-1");
        sessionFile = home.resolve(".config/gangway/session.json");
    }

    @AfterEach
    void tearDown() {
        portal.close();
    }

    private int login(String... extra) {
        String[] base = {"login", "--portal", portal.url(), "--account", "acme", "--user", "alice"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return t.run(args);
    }

    private void signedIn() throws Exception {
        Files.createDirectories(sessionFile.getParent());
        Files.writeString(sessionFile, "{\"portal\":\"" + portal.url() + "\",\"token\":\"" + FakePortal.TOKEN
                + "\",\"account\":\"acme\",\"user\":\"alice\",\"expiresAt\":\"2026-11-26T12:00:00Z\"}");
        Files.setPosixFilePermissions(sessionFile, PosixFilePermissions.fromString("rw-------"));
    }

    private TestEnv fresh() {
        t = new TestEnv(home);
        return t;
    }

    // ---- login / logout ---------------------------------------------------------------------------------------

    @Test
    void loginSavesTheSessionReadableOnlyByTheUser() throws Exception {
        assertThat(login()).as(t.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sessionFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sessionFile.getParent())))
                .isEqualTo("rwx------");
        JsonNode saved = Output.JSON.readTree(Files.readString(sessionFile));
        assertThat(saved.get("token").stringValue()).isEqualTo(FakePortal.TOKEN);
        assertThat(saved.get("portal").stringValue()).isEqualTo(portal.url());
        JsonNode sent = Output.JSON.readTree(portal.requests("POST /sessions").get(0).body());
        assertThat(sent.get("password").stringValue()).isEqualTo("pw-1");
        assertThat(sent.has("code")).isFalse();
        assertThat(t.out()).contains("Signed in as alice (account acme)").doesNotContain(FakePortal.TOKEN);
        // a portal on loopback is no reason to warn about plain http; another host would be
        assertThat(t.err()).isEmpty();
        assertThat(dev.gangway.client.portal.PortalClient.insecure(java.net.URI.create("http://portal.example")))
                .isTrue();
    }

    @Test
    void loginNoSaveChecksAndSignsOutAgain() {
        assertThat(login("--no-save", "--json")).as(t.err()).isZero();
        assertThat(sessionFile).doesNotExist();
        assertThat(portal.requests("DELETE /sessions/current")).singleElement()
                .satisfies(r -> assertThat(r.authorization()).isEqualTo("Bearer " + FakePortal.TOKEN));
        JsonNode out = Output.JSON.readTree(t.out());
        assertThat(out.get("saved").booleanValue()).isFalse();
        assertThat(out.get("user").stringValue()).isEqualTo("alice");
    }

    @Test
    void passwordFileWinsOverTheEnvironment() throws Exception {
        Path pw = home.resolve("pw.txt");
        Files.writeString(pw, "from file\nsecond line\n");
        assertThat(login("--password-file", pw.toString())).isZero();
        JsonNode sent = Output.JSON.readTree(portal.requests("POST /sessions").get(0).body());
        assertThat(sent.get("password").stringValue()).isEqualTo("from file");
    }

    @Test
    void refusedSignInsExit4WithThePortalsWords() {
        portal.on("POST /sessions", 401, FakePortal.error("bad-credentials", "wrong account, user or password"));
        assertThat(login()).isEqualTo(ExitCode.SIGNIN_REFUSED);
        assertThat(t.err()).isEqualTo("gangway: wrong account, user or password" + System.lineSeparator());
        assertThat(sessionFile).doesNotExist();

        portal.on("POST /sessions", 403, FakePortal.error("signin-refused",
                "your account is locked until 10:15; ask an administrator"));
        assertThat(fresh().run("login", "--portal", portal.url(), "--account", "a", "--user", "u",
                "--password-file", write("pw"))).isEqualTo(ExitCode.SIGNIN_REFUSED);
        assertThat(t.err()).contains("locked until 10:15");

        portal.on("POST /sessions", 429, FakePortal.error("throttled", "too many attempts; wait 5 minutes"));
        assertThat(fresh().run("login", "--portal", portal.url(), "--account", "a", "--user", "u",
                "--password-file", write("pw"))).isEqualTo(ExitCode.SIGNIN_REFUSED);

        portal.on("POST /sessions", 401, FakePortal.error("two-factor-wrong", "that code is wrong"));
        assertThat(fresh().run("login", "--portal", portal.url(), "--account", "a", "--user", "u",
                "--password-file", write("pw"), "--code", "000000")).isEqualTo(ExitCode.SIGNIN_REFUSED);
    }

    @Test
    void twoFactorWithoutAConsoleSaysToGiveTheCode() {
        portal.on("POST /sessions", 401, FakePortal.error("two-factor-required", "enter your code"));
        assertThat(login()).isEqualTo(ExitCode.SIGNIN_REFUSED);
        assertThat(t.err()).contains("give the current code with --code CODE");
    }

    @Test
    void twoFactorCodeIsAskedOnTheConsole() {
        portal.on("POST /sessions", r -> r.body().contains("\"code\":\"123456\"")
                ? new Reply(201, "{\"token\":\"" + FakePortal.TOKEN + "\",\"expiresAt\":\"2026-11-26T12:00:00Z\"}")
                : new Reply(401, FakePortal.error("two-factor-required", "enter your code")));
        t.answers.add("123456");
        assertThat(login()).as(t.err()).isZero();
        assertThat(t.prompts).containsExactly("Two-factor code for alice: ");
        assertThat(portal.requests("POST /sessions")).hasSize(2);
    }

    @Test
    void aPasswordFileOthersCanReadGetsAWarning() throws Exception {
        Path pw = home.resolve("shared-pw.txt");
        Files.writeString(pw, "\uFEFFpw-2\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(login("--password-file", pw.toString(), "--no-save")).as(t.err()).isZero();
        assertThat(t.err()).isEqualTo("gangway: warning: --password-file " + pw + " can be read by other users; run"
                + " chmod 600 " + pw + System.lineSeparator());
        JsonNode sent = Output.JSON.readTree(portal.requests("POST /sessions").get(0).body());
        assertThat(sent.get("password").stringValue()).as("without the byte order mark").isEqualTo("pw-2");

        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        assertThat(fresh().run("login", "--portal", portal.url(), "--account", "acme", "--user", "alice",
                "--password-file", pw.toString(), "--no-save")).isZero();
        assertThat(t.err()).isEmpty();

        Path proxyPw = home.resolve("proxy-pw.txt");
        Files.writeString(proxyPw, "proxy-secret\n");
        Files.setPosixFilePermissions(proxyPw, PosixFilePermissions.fromString("rw-r--r--"));
        fresh().run("devices", "--proxy", "127.0.0.1:9", "--proxy-user", "bob", "--proxy-password-file",
                proxyPw.toString(), "--portal", portal.url(), "--account", "acme", "--user", "alice");
        assertThat(t.err()).contains("gangway: warning: --proxy-password-file " + proxyPw + " can be read by other"
                + " users; run chmod 600 " + proxyPw).doesNotContain("proxy-secret");
    }

    @Test
    void aPasswordFileThatIsNotUtf8IsRefused() throws Exception {
        Path pw = home.resolve("latin1-pw.txt");
        Files.write(pw, new byte[] {'p', 'w', (byte) 0xE9, '\n'});
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        assertThat(login("--password-file", pw.toString())).isEqualTo(ExitCode.USAGE);
        assertThat(t.err()).isEqualTo("gangway: --password-file " + pw + " is not UTF-8 text; save the password in"
                + " it as UTF-8" + System.lineSeparator());
        assertThat(portal.requests("POST /sessions")).isEmpty();
    }

    @Test
    void passwordIsAskedOnTheConsoleWhenNothingElseGivesIt() {
        t.variables.clear();
        t.answers.add("typed-pw");
        assertThat(login("--no-save")).as(t.err()).isZero();
        assertThat(t.prompts).containsExactly("Password for alice (account acme): ");
        assertThat(portal.requests("POST /sessions").get(0).body()).contains("typed-pw");
    }

    @Test
    void loginAgainEndsThePreviousSession() throws Exception {
        Files.createDirectories(sessionFile.getParent());
        Files.writeString(sessionFile, "{\"portal\":\"" + portal.url() + "\",\"token\":\"old-token\","
                + "\"account\":\"acme\",\"user\":\"alice\"}");
        assertThat(login()).isZero();
        assertThat(portal.requests("DELETE /sessions/current")).singleElement()
                .satisfies(r -> assertThat(r.authorization()).isEqualTo("Bearer old-token"));
        assertThat(Files.readString(sessionFile)).contains(FakePortal.TOKEN);
    }

    @Test
    void logoutEndsTheSessionAndDeletesTheFile() throws Exception {
        signedIn();
        assertThat(t.run("logout")).as(t.err()).isZero();
        assertThat(sessionFile).doesNotExist();
        assertThat(portal.requests("DELETE /sessions/current")).hasSize(1);
        assertThat(fresh().run("logout")).isEqualTo(ExitCode.NOT_SIGNED_IN);
        assertThat(t.err()).contains("not signed in");
    }

    @Test
    void logoutKeepsTheFileWhenThePortalIsUnreachable() throws Exception {
        signedIn();
        portal.close();
        assertThat(t.run("logout")).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(t.err()).contains("cannot reach the portal").contains("run gangway logout again");
        assertThat(sessionFile).exists();
    }

    // ---- devices, services, wake ------------------------------------------------------------------------------

    @Test
    void devicesPrintsATableWithTheBearerToken() throws Exception {
        signedIn();
        assertThat(t.run("devices")).as(t.err()).isZero();
        assertThat(t.out()).startsWith("ID     NAME     STATUS   POOLS   SERVICES")
                .contains("dev-7  Press 4  online   hall-2  hmi,plc").contains("dev-8  Lathe    offline");
        assertThat(portal.requests("GET /devices").get(0).authorization()).isEqualTo("Bearer " + FakePortal.TOKEN);
    }

    @Test
    void devicesFiltersAndPrintsJson() throws Exception {
        signedIn();
        assertThat(t.run("devices", "--online", "--json")).isZero();
        JsonNode devices = Output.JSON.readTree(t.out()).get("devices");
        assertThat(devices).hasSize(1);
        assertThat(devices.get(0).get("id").stringValue()).isEqualTo("dev-7");
        assertThat(devices.get(0).get("services").get(1).get("port").intValue()).isEqualTo(502);
        assertThat(fresh().run("devices", "--name", "LATH", "--pool", "hall-2")).isZero();
        assertThat(t.out()).contains("dev-8").doesNotContain("dev-7");
        assertThat(fresh().run("devices", "--pool", "hall-9")).isZero();
        assertThat(t.out().strip()).isEqualTo("ID  NAME  STATUS  POOLS  SERVICES");
    }

    @Test
    void endedSessionExits3WithThePortalsReasonAndTheLoginCommand() throws Exception {
        signedIn();
        portal.on("GET /devices", 401, FakePortal.error("session-ended",
                "Your session ended (idle for more than 30 minutes):\\n\\u001b[2Jsign in again (gangway login)."));
        assertThat(t.run("devices")).isEqualTo(ExitCode.NOT_SIGNED_IN);
        assertThat(t.err()).isEqualTo("gangway: not signed in: the session has ended (signed out, expired or ended"
                + " by an administrator); the portal says: \"Your session ended (idle for more than 30 minutes):  "
                + "[2Jsign in again (gangway login).\"; run gangway login --portal " + portal.url()
                + " --account acme --user alice" + System.lineSeparator());
    }

    @Test
    void signInForOneCommandIsNeverSavedAndEndsAfterwards() {
        assertThat(t.run("devices", "--portal", portal.url(), "--account", "acme", "--user", "alice")).isZero();
        assertThat(t.out()).contains("dev-7");
        assertThat(sessionFile).doesNotExist();
        assertThat(portal.requests.stream().map(r -> r.method() + " " + r.path()))
                .containsExactly("POST /sessions", "GET /devices", "DELETE /sessions/current");
    }

    @Test
    void servicesFindsTheDeviceByNameOrId() throws Exception {
        signedIn();
        assertThat(t.run("services", "press 4")).as(t.err()).isZero();
        assertThat(t.out()).startsWith("NAME  KIND  TARGET").contains("hmi   http  198.19.0.2:80");
        assertThat(fresh().run("services", "dev-7", "--json")).isZero();
        JsonNode json = Output.JSON.readTree(t.out());
        assertThat(json.get("device").get("name").stringValue()).isEqualTo("Press 4");
        assertThat(json.get("services").get(0).get("host").stringValue()).isEqualTo("198.19.0.2");
        assertThat(fresh().run("services", "nope")).isEqualTo(ExitCode.NO_DEVICE);
        assertThat(t.err()).contains("no device 'nope'");
    }

    @Test
    void wakeOfAnAlwaysConnectedDeviceIsFine() throws Exception {
        signedIn();
        portal.on("POST /devices/dev-7/wake", 409, FakePortal.error("not-on-demand", "always connected"));
        assertThat(t.run("wake", "Press 4")).isZero();
        assertThat(t.out()).contains("Press 4 is always connected");
        portal.on("POST /devices/dev-7/wake", 404, FakePortal.error("no-such-device", "no such device"));
        assertThat(fresh().run("wake", "dev-7")).isEqualTo(ExitCode.NO_DEVICE);
        portal.on("POST /devices/dev-7/wake", 202, wake("sending", true, null, null, null, null));
        assertThat(fresh().run("wake", "dev-7", "--json", "--no-wait")).isZero();
        JsonNode json = Output.JSON.readTree(t.out());
        assertThat(json.get("woken").booleanValue()).isTrue();
        assertThat(json.get("state").stringValue()).isEqualTo("sending");
        assertThat(json.get("estimateSeconds").longValue()).isEqualTo(45);
    }

    @Test
    void wakeWaitsUntilOnlineAndTellsEachStepOnce() throws Exception {
        signedIn();
        portal.on("POST /devices/dev-8/wake", 202, wake("sending", true, null, null, null, null));
        java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        portal.on("GET /devices/dev-8/wake", r -> switch (polls.incrementAndGet()) {
            case 1 -> new Reply(200, wake("sms-sent", true, "2026-11-26T10:00:01Z", null, null, null));
            case 2 -> new Reply(200, wake("dialling", true, "2026-11-26T10:00:01Z", "2026-11-26T10:00:09Z", null,
                    null));
            default -> new Reply(200, wake("online", false, "2026-11-26T10:00:01Z", "2026-11-26T10:00:09Z",
                    "2026-11-26T10:00:31Z", null));
        });
        assertThat(t.run("wake", "Lathe")).as(t.err()).isZero();
        assertThat(t.out()).isEqualTo(String.join(System.lineSeparator(),
                "Waking Lathe (usually online about 45 s after the request).", "Wake-up SMS sent.",
                "Lathe got it and is dialling in.", "Lathe is online (after 31 s).", ""));

        polls.set(0);
        assertThat(fresh().run("wake", "dev-8", "--json")).isZero();
        JsonNode json = Output.JSON.readTree(t.out());
        assertThat(json.get("state").stringValue()).isEqualTo("online");
        assertThat(json.get("seconds").longValue()).isEqualTo(31);
        assertThat(json.get("steps")).hasSize(4);
    }

    @Test
    void aWakeUpThatFailsOrCannotStartExits6InThePortalsWords() throws Exception {
        signedIn();
        portal.on("POST /devices/dev-8/wake", 202, wake("sending", true, null, null, null, null));
        portal.on("GET /devices/dev-8/wake", 200, wake("failed", false, null, null, null, "no-answer"));
        assertThat(t.run("wake", "Lathe")).isEqualTo(ExitCode.NO_DEVICE);
        assertThat(t.err()).contains("gangway: Lathe did not come online: No answer after 5 minutes");

        portal.on("GET /devices/dev-8/wake", 200, wake("sms-sent", true, "2026-11-26T10:00:01Z", null, null, null));
        assertThat(fresh().run("wake", "Lathe", "--timeout", "1")).isEqualTo(ExitCode.NO_DEVICE);
        assertThat(t.err()).contains("Lathe is not online after 1 s").contains("wait longer with --timeout");

        portal.on("POST /devices/dev-8/wake", 409, FakePortal.error("no-phone-number",
                "Lathe has no phone number, so it cannot be woken"));
        assertThat(fresh().run("wake", "Lathe")).isEqualTo(ExitCode.NO_DEVICE);
        assertThat(t.err()).contains("Lathe has no phone number, so it cannot be woken");
        assertThat(fresh().run("wake", "Lathe", "--timeout", "0")).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void offlineSendsTheDeviceOfflineOrSaysWhyNot() throws Exception {
        signedIn();
        portal.on("POST /devices/dev-7/offline", 202, "{\"state\":\"sent-offline\"}");
        assertThat(t.run("offline", "Press 4")).as(t.err()).isZero();
        assertThat(t.out()).contains("Sent Press 4 offline: its tunnel is closed");
        assertThat(portal.requests("POST /devices/dev-7/offline")).hasSize(1);
        assertThat(fresh().run("offline", "dev-7", "--json")).isZero();
        assertThat(Output.JSON.readTree(t.out()).get("sentOffline").booleanValue()).isTrue();

        portal.on("POST /devices/dev-7/offline", 409, FakePortal.error("not-online", "Press 4 is not online"));
        assertThat(fresh().run("offline", "dev-7")).isEqualTo(ExitCode.NO_DEVICE);
        assertThat(t.err()).contains("Press 4 is not online");
        portal.on("POST /devices/dev-7/offline", 403, FakePortal.error("no-right", "you may not"));
        assertThat(fresh().run("offline", "dev-7")).isEqualTo(ExitCode.NO_RIGHT);
    }

    @Test
    void connectWakesAnAsleepOnDemandDeviceFirst() throws Exception {
        signedIn();
        portal.on("GET /devices", 200, "{\"devices\":[" + FakePortal.device("dev-9", "Pump 3", false,
                "CLIENT_FORWARD").replace("\"status\":\"offline\"", "\"status\":\"asleep\"")
                .replace("\"onDemand\":false", "\"onDemand\":true") + "]}");
        portal.on("POST /devices/dev-9/wake", 202, wake("sending", true, null, null, null, null));
        portal.on("GET /devices/dev-9/wake", 200, wake("failed", false, null, null, null, "no-answer"));
        assertThat(t.run("connect", "Pump 3")).isEqualTo(ExitCode.NO_DEVICE);
        assertThat(t.err()).contains("gangway: waking Pump 3 (usually online about 45 s after the request)")
                .contains("gangway: Pump 3 did not come online: No answer after 5 minutes");
        assertThat(portal.requests("POST /devices/dev-9/wake")).hasSize(1);
        assertThat(portal.requests("POST /certificate")).as("nothing else is asked before it is online").isEmpty();
        assertThat(fresh().run("connect", "Pump 3", "--wake-timeout", "0")).isEqualTo(ExitCode.USAGE);
    }

    /** A wake-up as the portal answers it. */
    static String wake(String state, boolean inProgress, String smsSentAt, String diallingAt, String onlineAt,
            String failure) {
        StringBuilder json = new StringBuilder("{\"state\":\"" + state + "\",\"inProgress\":" + inProgress
                + ",\"estimateSeconds\":45,\"elapsedSeconds\":" + (onlineAt != null ? 31 : 3)
                + ",\"message\":\"" + (failure != null ? "No answer after 5 minutes: the device did not come online."
                        : "step " + state) + "\"");
        if (smsSentAt != null) {
            json.append(",\"smsSentAt\":\"").append(smsSentAt).append('"');
        }
        if (diallingAt != null) {
            json.append(",\"diallingAt\":\"").append(diallingAt).append('"');
        }
        if (onlineAt != null) {
            json.append(",\"onlineAt\":\"").append(onlineAt).append('"');
        }
        if (failure != null) {
            json.append(",\"failure\":\"").append(failure).append('"');
        }
        return json.append('}').toString();
    }

    // ---- transport failures -----------------------------------------------------------------------------------

    @Test
    void unreachablePortalExits7() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThat(t.run("login", "--portal", "http://127.0.0.1:" + closed, "--account", "a", "--user", "u"))
                .isEqualTo(ExitCode.UNREACHABLE);
        assertThat(t.err()).contains("cannot reach the portal at http://127.0.0.1:" + closed + ": connection refused");
    }

    @Test
    void answersThatAreNotThePortalsExit7() throws Exception {
        signedIn();
        portal.on("GET /devices", 503, null);
        assertThat(t.run("devices")).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(t.err()).contains("not available (HTTP 503)");
        portal.on("GET /devices", 302, null);
        assertThat(fresh().run("devices")).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(t.err()).contains("redirects");
        assertThat(fresh().run("login", "--portal", portal.url() + "/wrong", "--account", "a", "--user", "u",
                "--password-file", write("pw"))).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(t.err()).contains("HTTP 404").contains("is the portal's address");
    }

    @Test
    void onlyTheContractsErrorCodesAreThePortals() throws Exception {
        signedIn();
        // what Spring Boot, a proxy or another server may answer: JSON with an "error" that is no code of ours
        portal.on("GET /devices", 404, "{\"timestamp\":\"2026-11-26T10:00:00Z\",\"status\":404,"
                + "\"error\":\"Not Found\",\"path\":\"/api/client/v1/devices\"}");
        assertThat(t.run("devices")).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(t.err()).contains("HTTP 404").contains("is the portal's address").doesNotContain("Not Found");
        portal.on("GET /devices", 500, "{\"error\":\"session-ended-not\",\"message\":\"run rm -rf\"}");
        assertThat(fresh().run("devices")).isEqualTo(ExitCode.UNREACHABLE);
        assertThat(t.err()).isEqualTo("gangway: the portal answered HTTP 500 (not the portal's own error; a proxy or"
                + " server in front of it?); try again later" + System.lineSeparator());
        portal.on("GET /devices", 400, "{\"error\":\"Bad Request\"}");
        assertThat(fresh().run("devices")).isEqualTo(ExitCode.UNEXPECTED);
        assertThat(t.err()).contains("the portal answered HTTP 400 without an explanation");
        portal.on("GET /devices", 418, "[\"error\"]");
        assertThat(fresh().run("devices")).isEqualTo(ExitCode.UNEXPECTED);
        assertThat(t.err()).contains("HTTP 418");
    }

    @Test
    void tooManyCertificatesExits1WithThePortalsWords() throws Exception {
        signedIn();
        portal.on("POST /certificate", 429, FakePortal.error("too-many-certificates",
                "This session holds 20 certificates that are still valid: use one of them, or sign in again."));
        assertThat(t.run("connect", "dev-7")).isEqualTo(ExitCode.UNEXPECTED);
        assertThat(t.err()).isEqualTo("gangway: This session holds 20 certificates that are still valid: use one of"
                + " them, or sign in again." + System.lineSeparator());
    }

    @Test
    void unknownPortalErrorIsUnexpected() throws Exception {
        signedIn();
        portal.on("GET /devices", 500, FakePortal.error("internal", "something broke"));
        assertThat(t.run("devices")).isEqualTo(ExitCode.UNEXPECTED);
        assertThat(t.err()).isEqualTo("gangway: something broke" + System.lineSeparator());
    }

    // ---- connect (up to the relay) ----------------------------------------------------------------------------

    @Test
    void connectChecksTheRightAndThatTheDeviceIsOnline() throws Exception {
        signedIn();
        portal.on("GET /devices", 200, "{\"devices\":[" + FakePortal.device("dev-7", "Press 4", true, "VIEW_STATUS")
                + "," + FakePortal.device("dev-8", "Lathe", false, "CLIENT_FORWARD") + "]}");
        assertThat(t.run("connect", "Press 4")).isEqualTo(ExitCode.NO_RIGHT);
        assertThat(t.err()).contains("you may not open client port forwards to Press 4")
                .contains("'Client port forwards' right");
        assertThat(fresh().run("connect", "Lathe")).isEqualTo(ExitCode.NO_DEVICE);
        assertThat(t.err()).contains("Lathe is offline");
        assertThat(fresh().run("connect", "Mill")).isEqualTo(ExitCode.NO_DEVICE);
        assertThat(portal.requests("POST /certificate")).isEmpty();
    }

    @Test
    void connectToAnUnreachableRelayExits7AndEndsAOneCommandSession() throws Exception {
        TestCa ca = new TestCa();
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        int relayPort = closed;
        portal.on("POST /certificate", r -> {
            try {
                return new Reply(201, ca.certificateAnswer(r.body(), Duration.ofHours(1), relayPort));
            } catch (Exception e) {
                return new Reply(500, FakePortal.error("internal", e.toString()));
            }
        });
        assertThat(t.run("connect", "dev-7", "--portal", portal.url(), "--account", "acme", "--user", "alice"))
                .isEqualTo(ExitCode.UNREACHABLE);
        assertThat(t.err()).contains("cannot connect to the relay 127.0.0.1:" + relayPort);
        assertThat(portal.requests("POST /certificate").get(0).body()).contains("BEGIN CERTIFICATE REQUEST");
        assertThat(portal.requests("DELETE /sessions/current")).hasSize(1);
        assertThat(t.out()).isEmpty();
    }

    @Test
    void connectWhenTheCertificateIsRefusedForAnEndedSessionExits3() throws Exception {
        signedIn();
        portal.on("POST /certificate", 401, FakePortal.error("session-ended", "ended"));
        assertThat(t.run("connect", "dev-7")).isEqualTo(ExitCode.NOT_SIGNED_IN);
        assertThat(t.err()).contains("run gangway login");
    }

    private String write(String content) {
        try {
            Path file = Files.createTempFile(home, "pw", ".txt");
            Files.writeString(file, content);
            return file.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
