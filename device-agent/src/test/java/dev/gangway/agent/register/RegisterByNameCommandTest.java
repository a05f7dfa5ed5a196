package dev.gangway.agent.register;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gangway.agent.AgentMain;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

/** {@code register} by device name against a stand-in portal: the request, two-factor prompting, usage errors. */
class RegisterByNameCommandTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PASSWORD = "s3cret password";

    @TempDir
    Path dir;

    HttpServer portal;
    TestCa ca;
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    final List<String> paths = new CopyOnWriteArrayList<>();
    final List<String> asked = new CopyOnWriteArrayList<>();
    volatile Function<JsonNode, Reply> answer;
    volatile String typedCode;
    Path passwordFile;

    record Reply(int status, String body) {
    }

    @BeforeEach
    void startPortal() throws Exception {
        ca = TestCa.create("portal CA");
        portal = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        portal.createContext("/api/agent/v1/", this::handle);
        portal.start();
        passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
    }

    @AfterEach
    void stopPortal() {
        portal.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        paths.add(exchange.getRequestURI().getPath());
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
            var cert = ca.issueDevice(key, "dev-7", cn);
            return new Reply(201, JSON.writeValueAsString(Map.of(
                    "deviceId", "dev-7", "deviceName", request.get("deviceName").stringValue(),
                    "certificate", Pem.certificate(cert), "caCertificate", Pem.certificate(ca.certificate()),
                    "relayHost", "localhost", "relayPort", 8443)));
        } catch (Exception e) {
            return new Reply(500, "{\"error\":\"failed\",\"message\":\"test portal failed: " + e + "\"}");
        }
    }

    private static Reply error(int status, String code, String message) {
        return new Reply(status, JSON.writeValueAsString(Map.of("error", code, "message", message)));
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        CommandLine cli = AgentMain.commandLine();
        ((RegisterCommand) cli.getSubcommands().get("register").getCommandSpec().userObject())
                .machineIdFile(dir.resolve("no-machine-id"))
                .stdin(new ByteArrayInputStream(new byte[0]))
                .codePrompt(question -> {
                    asked.add(question);
                    return typedCode;
                });
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String[] byName(Path identity, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("register", "--portal",
                "http://127.0.0.1:" + portal.getAddress().getPort(), "--account", "acme", "--user", "tech",
                "--password-file", passwordFile.toString(), "--device-name", "Press 7", "--serial", "SN-7",
                "--identity", identity.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void registersByNameAndSavesTheIdentity() throws Exception {
        answer = this::issue;
        Path identity = dir.resolve("identity");

        Run run = run(byName(identity, "--pool", "Hall"));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Registered device Press 7 (dev-7)\n");
        assertThat(run.out() + run.err()).doesNotContain(PASSWORD);
        assertThat(paths).containsExactly("/api/agent/v1/register-by-name");
        JsonNode sent = requests.get(0);
        assertThat(sent.get("account").stringValue()).isEqualTo("acme");
        assertThat(sent.get("user").stringValue()).isEqualTo("tech");
        assertThat(sent.get("password").stringValue()).isEqualTo(PASSWORD);
        assertThat(sent.has("code")).isFalse();
        assertThat(sent.get("deviceName").stringValue()).isEqualTo("Press 7");
        assertThat(sent.get("pool").stringValue()).isEqualTo("Hall");
        assertThat(sent.get("serial").stringValue()).isEqualTo("SN-7");
        assertThat(sent.get("csr").stringValue()).startsWith("-----BEGIN CERTIFICATE REQUEST-----");
        DeviceCredentials saved = new IdentityStore(identity).load();
        assertThat(saved.device().deviceId()).isEqualTo("dev-7");
        assertThat(saved.device().serial()).isEqualTo("SN-7");
        assertThat(asked).isEmpty();
    }

    @Test
    void asksForTheTwoFactorCodeOnTheConsoleWhenThePortalWantsOne() throws Exception {
        answer = r -> r.has("code") ? issue(r) : error(401, "two-factor-required", "send the 6-digit code");
        typedCode = " 123456 ";
        Path identity = dir.resolve("identity");

        Run run = run(byName(identity));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(asked).singleElement().asString().contains("Two-factor code of tech");
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).get("code").stringValue()).isEqualTo("123456");
        assertThat(Files.exists(identity)).isTrue();
    }

    @Test
    void withoutAConsoleTheTwoFactorRefusalSaysToGiveTheCode() throws Exception {
        answer = r -> error(401, "two-factor-required", "send the 6-digit code");
        typedCode = null;
        Path identity = dir.resolve("identity");

        Run run = run(byName(identity));

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("registration failed: send the 6-digit code", "--code CODE");
        assertThat(Files.exists(identity)).isFalse();
    }

    @Test
    void aGivenCodeIsSentAndARefusalIsPrintedWithoutAsking() throws Exception {
        answer = r -> error(401, "two-factor-wrong", "The code is not correct.");

        Run run = run(byName(dir.resolve("identity"), "--code", "654321"));

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("registration failed: The code is not correct.\n");
        assertThat(requests.get(0).get("code").stringValue()).isEqualTo("654321");
        assertThat(asked).isEmpty();
    }

    @Test
    void noRightIsPrintedInThePortalsWords() throws Exception {
        answer = r -> error(403, "no-right",
                "you may not add devices: ask an administrator for the 'Manage devices' right on a pool");

        Run run = run(byName(dir.resolve("identity")));

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("you may not add devices: ask an administrator");
    }

    @Test
    void usageErrorsNameWhatIsMissingOrMixed() throws Exception {
        String portalUrl = "http://127.0.0.1:" + portal.getAddress().getPort();
        Run missing = run("register", "--portal", portalUrl, "--account", "acme", "--device-name", "X",
                "--identity", dir.resolve("id").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("registering by name needs --user USER, --password-file FILE");

        Run mixed = run(byName(dir.resolve("id"), "--key", "AAAA"));
        assertThat(mixed.exit()).isEqualTo(2);
        assertThat(mixed.err()).contains("give either an activation key (--key/--key-file) or --account");

        Run noFile = run("register", "--portal", portalUrl, "--account", "a", "--user", "u", "--password-file",
                dir.resolve("nope").toString(), "--device-name", "X", "--identity", dir.resolve("id").toString());
        assertThat(noFile.exit()).isEqualTo(2);
        assertThat(noFile.err()).contains("--password-file " + dir.resolve("nope") + ": no such file");

        Run neither = run("register", "--portal", portalUrl, "--identity", dir.resolve("id").toString());
        assertThat(neither.err()).contains("or register by name with --account, --user, --password-file and "
                + "--device-name");
        assertThat(requests).isEmpty();
        assertThat(Files.exists(dir.resolve("id"))).isFalse();
    }
}
