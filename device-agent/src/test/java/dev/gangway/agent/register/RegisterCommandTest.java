package dev.gangway.agent.register;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gangway.agent.AgentMain;
import dev.gangway.agent.ConnectProxy;
import dev.gangway.agent.TestCa;
import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.identity.IdentityStore;
import dev.gangway.agent.identity.Pem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RegisterCommandTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEY = "AK-very-secret-activation-key";

    @TempDir
    Path dir;

    HttpServer portal;
    TestCa ca;
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    volatile Function<JsonNode, Reply> answer;

    record Reply(int status, String body) {
    }

    @BeforeEach
    void startPortal() throws Exception {
        ca = TestCa.create("portal CA");
        portal = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        portal.createContext("/api/agent/v1/register", this::register);
        portal.start();
    }

    @AfterEach
    void stopPortal() {
        portal.stop(0);
    }

    private void register(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        requests.add(body);
        Reply reply = answer.apply(body);
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private Reply issue(JsonNode request) {
        try (PEMParser parser = new PEMParser(new StringReader(request.get("csr").stringValue()))) {
            PKCS10CertificationRequest csr = (PKCS10CertificationRequest) parser.readObject();
            var key = new JcaPEMKeyConverter().getPublicKey(csr.getSubjectPublicKeyInfo());
            String cn = IETFUtils.valueToString(csr.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue());
            var cert = ca.issueDevice(key, "dev-42", cn);
            return new Reply(201, JSON.writeValueAsString(java.util.Map.of(
                    "deviceId", "dev-42", "deviceName", "Press 4",
                    "certificate", Pem.certificate(cert), "caCertificate", Pem.certificate(ca.certificate()),
                    "relayHost", "localhost", "relayPort", 8443)));
        } catch (Exception e) {
            return new Reply(500, "{\"error\":\"test portal failed: " + e + "\"}");
        }
    }

    private String portalUrl() {
        return "http://127.0.0.1:" + portal.getAddress().getPort();
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) throws IOException {
        return runWithStdin("", args);
    }

    private Run runWithStdin(String stdin, String... args) throws IOException {
        Path machineId = Files.writeString(dir.resolve("machine-id"), "0123456789abcdef0123456789abcdef\n");
        CommandLine cli = AgentMain.commandLine();
        ((RegisterCommand) cli.getSubcommands().get("register").getCommandSpec().userObject()).machineIdFile(machineId)
                .stdin(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void registersAndSavesTheIdentity() throws Exception {
        answer = this::issue;
        Path identity = dir.resolve("identity");
        Run run = run("register", "--portal", portalUrl() + "/", "--key", KEY, "--identity", identity.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Registered device Press 4 (dev-42)\n");
        assertThat(run.out() + run.err()).doesNotContain(KEY).doesNotContain("PRIVATE KEY");

        JsonNode sent = requests.get(0);
        assertThat(sent.get("activationKey").stringValue()).isEqualTo(KEY);
        assertThat(sent.get("csr").stringValue()).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
        assertThat(sent.get("serial").stringValue()).matches("[0-9a-f]{32}");
        assertThat(sent.get("agentVersion").stringValue()).isNotBlank();

        DeviceCredentials saved = new IdentityStore(identity).load();
        assertThat(saved.device().deviceId()).isEqualTo("dev-42");
        assertThat(saved.device().deviceName()).isEqualTo("Press 4");
        assertThat(saved.device().portal()).isEqualTo(portalUrl());
        assertThat(saved.device().relayHost()).isEqualTo("localhost");
        assertThat(saved.device().relayPort()).isEqualTo(8443);
        assertThat(saved.device().serial()).isEqualTo(sent.get("serial").stringValue());
        assertThat(saved.trustedCas()).containsExactly(ca.certificate());
    }

    @Test
    void anUnknownKeyPrintsThePortalsSentenceAndSavesNothing() throws Exception {
        answer = r -> new Reply(403, "{\"error\":\"activation key not recognised\"}");
        Path identity = dir.resolve("identity");
        Run run = run("register", "--portal", portalUrl(), "--key", KEY, "--identity", identity.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("registration failed: activation key not recognised\n");
        assertThat(Files.exists(identity)).isFalse();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("machine-id");
    }

    @Test
    void aUsedKeyPrintsThePortalsSentence() throws Exception {
        answer = r -> new Reply(410, "{\"error\":\"activation key has already been used\"}");
        Run run = run("register", "--portal", portalUrl(), "--key", KEY, "--identity", dir.resolve("id").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("registration failed: activation key has already been used\n");
    }

    @Test
    void registersThroughAnHttpProxyWithBasicAuth() throws Exception {
        answer = this::issue;
        try (ConnectProxy proxy = new ConnectProxy("agent", "pr0xy")) {
            Path password = Files.writeString(dir.resolve("proxy-password"), "pr0xy\n");
            Run run = run("register", "--portal", portalUrl(), "--key", KEY, "--identity",
                    dir.resolve("identity").toString(), "--proxy", proxy.hostPort(), "--proxy-user", "agent",
                    "--proxy-password-file", password.toString());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(proxy.requests).anyMatch(r -> r.startsWith("POST " + portalUrl() + "/api/agent/v1/register "));
            assertThat(proxy.authorizations).contains("Basic YWdlbnQ6cHIweHk=");
            assertThat(run.out() + run.err()).doesNotContain("pr0xy");
        }
    }

    @Test
    void wrongProxyCredentialsGiveAClearErrorAndSpendNoKey() throws Exception {
        answer = this::issue;
        try (ConnectProxy proxy = new ConnectProxy("agent", "pr0xy")) {
            Path password = Files.writeString(dir.resolve("proxy-password"), "wrong\n");
            Run run = run("register", "--portal", portalUrl(), "--key", KEY, "--identity",
                    dir.resolve("identity").toString(), "--proxy", proxy.hostPort(), "--proxy-user", "agent",
                    "--proxy-password-file", password.toString());
            assertThat(run.exit()).as(run.err()).isEqualTo(2);
            assertThat(run.err()).isEqualTo("registration failed: the HTTP proxy " + proxy.hostPort()
                    + " refused the credentials (407) of user 'agent'; check the proxy user name and password\n");
            assertThat(requests).isEmpty();
            assertThat(Files.exists(dir.resolve("identity"))).isFalse();
        }
    }

    @Test
    void anHttpsPortalIsReachedWithConnectAndBasicAuth() throws Exception {
        // The "portal" here hangs up at once, so TLS fails after the tunnel: enough to see the CONNECT and its
        // credentials (the JDK sends Basic on CONNECT only because PortalApi re-enables it).
        try (ConnectProxy proxy = new ConnectProxy("agent", "pr0xy");
                ServerSocket hangUp = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread closer = new Thread(() -> {
                while (!hangUp.isClosed()) {
                    try {
                        hangUp.accept().close();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            closer.setDaemon(true);
            closer.start();
            Path password = Files.writeString(dir.resolve("proxy-password"), "pr0xy");
            String https = "https://127.0.0.1:" + hangUp.getLocalPort();
            Run run = run("register", "--portal", https, "--key", KEY, "--identity",
                    dir.resolve("identity").toString(), "--proxy", proxy.hostPort(), "--proxy-user", "agent",
                    "--proxy-password-file", password.toString());
            assertThat(run.exit()).isEqualTo(3);
            assertThat(proxy.requests).contains("CONNECT " + https.substring("https://".length()) + " HTTP/1.1");
            assertThat(proxy.authorizations).contains("Basic YWdlbnQ6cHIweHk=");
            assertThat(run.err()).contains("TLS failed").doesNotContain("pr0xy");
        }
    }

    @Test
    void anUnreachableProxyIsNamed() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Run run = run("register", "--portal", portalUrl(), "--key", KEY, "--identity", dir.resolve("id").toString(),
                "--proxy", "127.0.0.1:" + closedPort);
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).startsWith("cannot reach the HTTP proxy 127.0.0.1:" + closedPort + ": connection refused");
    }

    @Test
    void proxyOptionsAreChecked() throws Exception {
        Run noProxy = run("register", "--portal", portalUrl(), "--key", KEY, "--proxy-user", "agent");
        assertThat(noProxy.exit()).isEqualTo(2);
        assertThat(noProxy.err()).contains("--proxy-user, --proxy-password-file and --proxy-auth need --proxy HOST:PORT");
        Run badAddress = run("register", "--portal", portalUrl(), "--key", KEY, "--proxy", "proxy.example");
        assertThat(badAddress.err()).contains("--proxy: 'proxy.example' is not host:port like proxy.example:3128");
        Run noPassword = run("register", "--portal", portalUrl(), "--key", KEY, "--proxy", "proxy.example:3128",
                "--proxy-user", "agent");
        assertThat(noPassword.err()).contains("--proxy-user needs --proxy-password-file FILE");
        Run badScheme = run("register", "--portal", portalUrl(), "--key", KEY, "--proxy", "proxy.example:3128",
                "--proxy-user", "agent", "--proxy-auth", "kerberos");
        assertThat(badScheme.exit()).isEqualTo(2);
        assertThat(badScheme.err()).contains("--proxy-auth: 'kerberos' is not a proxy authentication scheme;"
                + " give basic or ntlm");
        Run domainWithoutNtlm = run("register", "--portal", portalUrl(), "--key", KEY, "--proxy",
                "proxy.example:3128", "--proxy-domain", "FACTORY");
        assertThat(domainWithoutNtlm.exit()).isEqualTo(2);
        assertThat(domainWithoutNtlm.err()).contains("--proxy-domain: only NTLM uses it; add --proxy-auth ntlm");
    }

    @Test
    void anUnreachablePortalExitsWith3() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Run run = run("register", "--portal", "http://127.0.0.1:" + closedPort, "--key", KEY,
                "--identity", dir.resolve("id").toString());
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).startsWith("cannot reach the portal at http://127.0.0.1:" + closedPort
                + ": connection refused").doesNotContain(KEY);
        assertThat(Files.exists(dir.resolve("id"))).isFalse();
    }

    @Test
    void refusesToReplaceAnIdentityWithoutForceAndDoesNotSpendTheKey() throws Exception {
        answer = this::issue;
        Path identity = dir.resolve("identity");
        assertThat(run("register", "--portal", portalUrl(), "--key", KEY, "--identity", identity.toString()).exit())
                .isZero();
        Run again = run("register", "--portal", portalUrl(), "--key", "another", "--identity", identity.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("an identity already exists in " + identity, "--force");
        assertThat(requests).hasSize(1);

        Run forced = run("register", "--portal", portalUrl(), "--key", "another", "--identity", identity.toString(),
                "--force");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).get("serial")).isEqualTo(requests.get(0).get("serial"));
    }

    @Test
    void aCertificateForAnotherKeyIsRefused() throws Exception {
        answer = r -> {
            try {
                var cert = ca.issueDevice(TestCa.ecKeys().getPublic(), "dev-42", "x");
                return new Reply(201, JSON.writeValueAsString(java.util.Map.of("deviceId", "dev-42",
                        "deviceName", "Press 4", "certificate", Pem.certificate(cert),
                        "caCertificate", Pem.certificate(ca.certificate()), "relayHost", "localhost",
                        "relayPort", 8443)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        Run run = run("register", "--portal", portalUrl(), "--key", KEY, "--identity", dir.resolve("id").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("registration failed: the portal's certificate is not for this device's key");
        assertThat(Files.exists(dir.resolve("id"))).isFalse();
    }

    @Test
    void aBadSerialIsAUsageError() throws Exception {
        Run run = run("register", "--portal", portalUrl(), "--key", KEY, "--serial", "a b",
                "--identity", dir.resolve("id").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--serial: 'a b' must be 1-64 letters");
        assertThat(requests).isEmpty();
    }

    @Test
    void usesTheGivenSerialInTheCsr() throws Exception {
        answer = this::issue;
        Run run = run("register", "--portal", portalUrl(), "--key", KEY, "--serial", "SN-4711",
                "--identity", dir.resolve("id").toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(requests.get(0).get("serial").stringValue()).isEqualTo("SN-4711");
        assertThat(new IdentityStore(dir.resolve("id")).load().device().serial()).isEqualTo("SN-4711");
    }

    @Test
    void readsTheKeyFromAFileWithoutItsNewline() throws Exception {
        answer = this::issue;
        Path keyFile = Files.writeString(dir.resolve("activation-key"), "  " + KEY + "\n");
        Run run = run("register", "--portal", portalUrl(), "--key-file", keyFile.toString(),
                "--identity", dir.resolve("id").toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(requests.get(0).get("activationKey").stringValue()).isEqualTo(KEY);
        assertThat(run.out() + run.err()).doesNotContain(KEY);
        assertThat(new IdentityStore(dir.resolve("id")).load().device().deviceId()).isEqualTo("dev-42");
    }

    @Test
    void keyDashReadsTheKeyFromStandardInput() throws Exception {
        answer = this::issue;
        Run run = runWithStdin(KEY + "\r\n", "register", "--portal", portalUrl(), "--key", "-",
                "--identity", dir.resolve("id").toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(requests.get(0).get("activationKey").stringValue()).isEqualTo(KEY);
    }

    @Test
    void withoutAnyKeyItSaysHowToGiveOne() throws Exception {
        Run run = run("register", "--portal", portalUrl(), "--identity", dir.resolve("id").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("the activation key is missing; give it with --key KEY, --key - "
                + "(read from standard input) or --key-file FILE");
        assertThat(requests).isEmpty();
        assertThat(Files.exists(dir.resolve("id"))).isFalse();
    }

    @Test
    void keyAndKeyFileTogetherAreRefused() throws Exception {
        Path keyFile = Files.writeString(dir.resolve("activation-key"), KEY);
        Run run = run("register", "--portal", portalUrl(), "--key", KEY, "--key-file", keyFile.toString(),
                "--identity", dir.resolve("id").toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--key and --key-file both given; give the activation key only one way");
        assertThat(requests).isEmpty();
    }

    @Test
    void aMissingOrEmptyKeyFileIsAUsageError() throws Exception {
        Path missing = dir.resolve("no-such-key");
        Run run = run("register", "--portal", portalUrl(), "--key-file", missing.toString(),
                "--identity", dir.resolve("id").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--key-file " + missing + ": no such file");

        Path empty = Files.writeString(dir.resolve("empty-key"), " \n");
        Run blank = run("register", "--portal", portalUrl(), "--key-file", empty.toString(),
                "--identity", dir.resolve("id").toString());
        assertThat(blank.exit()).isEqualTo(2);
        assertThat(blank.err()).contains("--key-file " + empty + ": the activation key is empty");

        Run noStdin = run("register", "--portal", portalUrl(), "--key", "-", "--identity", dir.resolve("id").toString());
        assertThat(noStdin.exit()).isEqualTo(2);
        assertThat(noStdin.err()).contains("--key - (standard input): the activation key is empty");

        Path twoLines = Files.writeString(dir.resolve("two-lines"), KEY + "\n" + KEY + "\n");
        Run both = run("register", "--portal", portalUrl(), "--key-file", twoLines.toString(),
                "--identity", dir.resolve("id").toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("more than one line").doesNotContain(KEY);
        assertThat(requests).isEmpty();
    }
}
