package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.ghgande.j2mod.modbus.facade.ModbusTCPMaster;
import com.ghgande.j2mod.modbus.procimg.Register;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.gangway.tunnel.StreamClient;
import dev.gangway.tunnel.Tickets;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import dev.gangway.tunnel.TunnelTls;
import io.netty.channel.Channel;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;

/**
 * Issue 6, as an engineer lives it: the client jar signs in, lists the devices, and {@code connect} opens port
 * forwards and a SOCKS proxy into the machine's LAN, through which real tools work — {@code curl} (through a
 * forward and through SOCKS), a Modbus/TCP poller (j2mod) reading a register of a Modbus server on the LAN, and
 * {@code ssh} to an sshd on the LAN host. SIGTERM ends it cleanly. Each forwarded connection is in the connection
 * report with its bytes. A user without the "Client port forwards" right is refused by {@code connect} and, with
 * hand-made API calls and a hand-made stream, by the portal and by the relay (a ticket issued while the right was
 * held is refused once it is revoked). Wrong passwords, unknown and offline devices get their exit codes and words.
 *
 * <p>Real portal in this JVM, real agent jar and LAN services in network namespaces, real client jar as a process,
 * Chromium for the administrator's pages. Needs root (skipped otherwise).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gangway.admin-password=" + ClientE2eIT.ADMIN_PASSWORD,
        "gangway.demo.enabled=false",
})
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientE2eIT extends SiteTestSupport {

    static final String ADMIN_PASSWORD = "e2e-Client-admin-1";

    private static final int REGISTER_40001 = 1234;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration COMMAND = Duration.ofSeconds(90);
    private static final String RIGHT = "CLIENT_FORWARD";

    /** What the first test builds and the others reuse: one site, two users, their groups and pool. */
    private record Site(String deviceId, String deviceName, String offlineName, String poolId,
            String engineersGroup, String viewersGroup, String engineer, String viewer, String password,
            Path sshKey) {
    }

    private static Site site;
    private static BrowserContext adminBrowser;
    private static Page admin;
    private static ClientJar client;

    @AfterAll
    static void closeAdminBrowser() {
        if (adminBrowser != null) {
            adminBrowser.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void realToolsReachTheMachinesLanThroughTheClient() throws Exception {
        Site s = site();
        Path home = Files.createDirectories(work.resolve("engineer-home"));
        String lan = lab.lanHostAddress();

        // login: the session lands in the profile, owner-only, and holds no password
        ClientJar.Result login = client.run(home, COMMAND, List.of("login", "--portal", portalUrl(), "--account",
                PortalUi.ACCOUNT, "--user", s.engineer(), "--password-file", passwordFile(s.password()).toString()));
        assertThat(login.exitCode()).as(login.describe()).isZero();
        assertThat(login.stdout() + login.stderr()).doesNotContain(s.password());
        Path sessionFile = home.resolve("gangway").resolve("session.json");
        assertThat(sessionFile).as("session file in $XDG_CONFIG_HOME/gangway").isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sessionFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sessionFile.getParent())))
                .isEqualTo("rwx------");
        assertThat(Files.readString(sessionFile)).doesNotContain(s.password()).contains(s.engineer());

        // devices --json: the machine, online, with its services and the right
        ClientJar.Result devices = client.run(home, COMMAND, List.of("devices", "--json"));
        assertThat(devices.exitCode()).as(devices.describe()).isZero();
        JsonNode listed = ClientApiCalls.JSON.readTree(devices.stdout());
        JsonNode array = listed.isArray() ? listed : listed.get("devices");
        assertThat(array).as(devices.describe()).isNotNull();
        JsonNode device = find(array, "id", s.deviceId());
        assertThat(device).as("the machine in " + devices.stdout()).isNotNull();
        assertThat(device.get("online").asBoolean()).as(devices.stdout()).isTrue();
        assertThat(texts(device.get("services"), "name")).contains("hmi", "ssh", "modbus");
        assertThat(texts(device.get("rights"), null)).contains(RIGHT);
        JsonNode offline = find(array, "name", s.offlineName());
        assertThat(offline).as("the offline device in " + devices.stdout()).isNotNull();
        assertThat(offline.get("online").asBoolean()).isFalse();

        // connect: every service, two forwards and SOCKS on random ports; one JSON line
        ClientJar.Running connect = client.start(home, work.resolve("logs").resolve("client-connect.log"),
                List.of("connect", s.deviceName(), "--json", "--forward", lan + ":" + ClientLanServices.SSH_PORT,
                        "--forward", lan + ":" + ClientLanServices.MODBUS_PORT, "--socks", "0"));
        failureReport.include(connect::report);
        List<Integer> localPorts = new ArrayList<>();
        try {
            JsonNode opened = ClientApiCalls.JSON.readTree(connect.firstLine(Duration.ofSeconds(60)));
            assertThat(opened.get("device").get("id").asString()).isEqualTo(s.deviceId());
            JsonNode forwards = opened.get("forwards");
            assertThat(texts(forwards, "service")).as(opened.toString()).contains("hmi", "ssh", "modbus");
            assertThat(texts(forwards, "target")).as(opened.toString()).contains(lan + ":" + ClientLanServices.SSH_PORT,
                    lan + ":" + ClientLanServices.MODBUS_PORT, lan + ":" + ClientLanServices.HTTP_PORT);
            forwards.forEach(f -> localPorts.add(port(f.get("local").asString())));
            int socksPort = port(opened.get("socks").asString());
            localPorts.add(socksPort);
            int hmiPort = port(find(forwards, "service", "hmi").get("local").asString());
            int sshPort = port(lastWithTarget(forwards, lan + ":" + ClientLanServices.SSH_PORT));
            int modbusPort = port(lastWithTarget(forwards, lan + ":" + ClientLanServices.MODBUS_PORT));

            // curl through the service's forward, and through SOCKS to the LAN address itself
            NetworkLab.Result viaForward = NetworkLab.exec(List.of("curl", "-sS", "--max-time", "30",
                    "http://127.0.0.1:" + hmiPort + "/"), COMMAND);
            assertThat(viaForward.exitCode()).as(viaForward.output()).isZero();
            assertThat(viaForward.output()).contains("Demo HMI");
            NetworkLab.Result viaSocks = NetworkLab.exec(List.of("curl", "-sS", "--max-time", "30",
                    "--socks5-hostname", "127.0.0.1:" + socksPort, "http://" + lan + ":" + ClientLanServices.HTTP_PORT
                            + "/"), COMMAND);
            assertThat(viaSocks.exitCode()).as(viaSocks.output()).isZero();
            assertThat(viaSocks.output()).contains("Demo HMI");

            // a Modbus poller reads holding register 40001 of the PLC on the LAN
            ModbusTCPMaster poller = new ModbusTCPMaster("127.0.0.1", modbusPort);
            poller.setTimeout(20_000);
            poller.connect();
            try {
                Register[] registers = poller.readMultipleRegisters(ClientLanServices.MODBUS_UNIT, 0, 1);
                assertThat(registers).hasSize(1);
                assertThat(registers[0].getValue()).as("register 40001").isEqualTo(REGISTER_40001);
            } finally {
                poller.disconnect();
            }

            // an ssh session runs on the LAN host
            NetworkLab.Result ssh = NetworkLab.exec(List.of("ssh", "-F", "/dev/null", "-i", s.sshKey().toString(),
                    "-p", Integer.toString(sshPort), "-o", "StrictHostKeyChecking=no", "-o",
                    "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                    "-o", "ConnectTimeout=30", "root@127.0.0.1", "echo hello-from-lan; hostname -I"), COMMAND);
            assertThat(ssh.exitCode()).as(ssh.output()).isZero();
            assertThat(ssh.output()).contains("hello-from-lan").contains(lan);

            // SIGTERM: a clean end, the ports closed, nothing left running
            List<ProcessHandle> children = connect.process().descendants().toList();
            assertThat(connect.terminate(WAIT)).as(connect.report()).isZero();
            assertThat(children).noneMatch(ProcessHandle::isAlive);
            for (int port : localPorts) {
                assertThatThrownBy(() -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    }
                }).as("local port " + port + " after the client ended").isInstanceOf(ConnectException.class);
            }
        } finally {
            connect.close();
        }
        assertThat(ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("gangway-client.jar")))
                .as("client processes left").noneMatch(ProcessHandle::isAlive);

        // the connection report: a forward row with bytes both ways for every connection made
        await().atMost(WAIT).untilAsserted(() -> {
            List<Map<String, String>> rows = forwardRows(s.engineer());
            assertThat(rows.stream().map(r -> r.get("service")).collect(Collectors.toSet()))
                    .as("services of the forward rows: " + rows).contains("hmi", "ssh", "modbus");
            assertThat(rows).as("forward rows").hasSizeGreaterThanOrEqualTo(4)
                    .allSatisfy(r -> {
                        assertThat(r.get("device")).isEqualTo(s.deviceName());
                        assertThat(r.get("ended")).as("ended " + r).isNotBlank();
                        assertThat(Long.parseLong(r.get("bytes_in"))).as("bytes in " + r).isPositive();
                        assertThat(Long.parseLong(r.get("bytes_out"))).as("bytes out " + r).isPositive();
                    });
        });

        // logout: the next command is told to sign in
        ClientJar.Result logout = client.run(home, COMMAND, List.of("logout"));
        assertThat(logout.exitCode()).as(logout.describe()).isZero();
        ClientJar.Result afterLogout = client.run(home, COMMAND, List.of("devices"));
        assertThat(afterLogout.exitCode()).as(afterLogout.describe()).isEqualTo(3);
        assertThat(afterLogout.stderr()).startsWith("gangway: ");
    }

    @Test
    @Order(2)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void withoutTheClientRightConnectThePortalAndTheRelayRefuse() throws Exception {
        Site s = site();
        Path home = Files.createDirectories(work.resolve("viewer-home"));

        // the client: signed in, sees the device, refused at connect with the right's name
        ClientJar.Result login = client.run(home, COMMAND, List.of("login", "--portal", portalUrl(), "--account",
                PortalUi.ACCOUNT, "--user", s.viewer(), "--password-file", passwordFile(s.password()).toString()));
        assertThat(login.exitCode()).as(login.describe()).isZero();
        ClientJar.Result refused = client.run(home, COMMAND, List.of("connect", s.deviceName(), "--json"));
        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(5);
        assertThat(refused.stderr()).as(refused.describe()).startsWith("gangway: ").contains("right");
        assertThat(refused.stdout()).doesNotContain("127.0.0.1:");

        // by hand: a session, a certificate for an own key, then a ticket -> 403 no-right
        ClientApiCalls api = new ClientApiCalls(portalUrl());
        String token = api.signIn(PortalUi.ACCOUNT, s.viewer(), s.password());
        KeyPair keys = ClientApiCalls.newKeyPair();
        ClientApiCalls.Answer issued = api.certificate(token, keys);
        assertThat(issued.status()).as(issued.describe()).isEqualTo(201);
        X509Certificate certificate = ClientApiCalls.parseCertificate(issued.body().get("certificate").asString());
        X509Certificate ca = ClientApiCalls.parseCertificate(issued.body().get("ca").asString());
        InetSocketAddress relay = new InetSocketAddress(issued.body().get("relay").get("host").asString(),
                issued.body().get("relay").get("port").asInt());
        String fingerprint = Tickets.fingerprint(certificate);
        String lan = lab.lanHostAddress();

        ClientApiCalls.Answer noRight = api.ticket(token, s.deviceId(), lan, ClientLanServices.HTTP_PORT, fingerprint);
        assertThat(noRight.status()).as(noRight.describe()).isEqualTo(403);
        assertThat(noRight.body().get("error").asString()).isEqualTo("no-right");
        assertThat(noRight.body().get("message").asString()).contains("Client port forwards");

        // with the right: tickets are issued and a stream opens; revoked: the relay refuses the ticket in hand
        setRight(s.viewersGroup(), s.poolId(), RIGHT, true);
        String first = ticket(api, token, s.deviceId(), lan, fingerprint);
        String second = ticket(api, token, s.deviceId(), lan, fingerprint);
        StreamClient streams = StreamClient.connect(relay, TunnelTls.forStreamClient(keys.getPrivate(),
                new X509Certificate[] {certificate}, List.of(ca))).get(30, TimeUnit.SECONDS);
        try {
            Channel stream = streams.openStream(first).get(30, TimeUnit.SECONDS);
            assertThat(stream.isActive()).as("a stream with the right held").isTrue();
            stream.close().syncUninterruptibly();

            setRight(s.viewersGroup(), s.poolId(), RIGHT, false);
            assertThatThrownBy(() -> streams.openStream(second).get(30, TimeUnit.SECONDS))
                    .as("a ticket used after the right was revoked")
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(TunnelException.class, e -> assertThat(e.error())
                            .as(e.getMessage()).isEqualTo(TunnelError.NO_RIGHT));
        } finally {
            streams.close();
        }
        ClientApiCalls.Answer revoked = api.ticket(token, s.deviceId(), lan, ClientLanServices.HTTP_PORT, fingerprint);
        assertThat(revoked.status()).as(revoked.describe()).isEqualTo(403);
    }

    @Test
    @Order(3)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void wrongPasswordUnknownAndOfflineDevicesAreNamed() throws Exception {
        Site s = site();
        Path home = Files.createDirectories(work.resolve("mistyped-home"));

        String wrongPassword = "not-the-password-" + UUID.randomUUID();
        ClientJar.Result wrong = client.run(home, COMMAND, List.of("login", "--portal", portalUrl(), "--account",
                PortalUi.ACCOUNT, "--user", s.engineer(), "--password-file", passwordFile(wrongPassword).toString()));
        assertThat(wrong.exitCode()).as(wrong.describe()).isEqualTo(4);
        assertThat(wrong.stderr()).as(wrong.describe()).startsWith("gangway: ").containsIgnoringCase("password")
                .doesNotContain(wrongPassword);
        assertThat(home.resolve("gangway").resolve("session.json")).doesNotExist();

        // signed in for the one command only
        List<String> signIn = List.of("--portal", portalUrl(), "--account", PortalUi.ACCOUNT, "--user", s.engineer(),
                "--password-file", passwordFile(s.password()).toString());
        List<String> offline = new ArrayList<>(List.of("connect", s.offlineName()));
        offline.addAll(signIn);
        ClientJar.Result offlineResult = client.run(home, COMMAND, offline);
        assertThat(offlineResult.exitCode()).as(offlineResult.describe()).isEqualTo(6);
        assertThat(offlineResult.stderr()).as(offlineResult.describe()).startsWith("gangway: ")
                .containsIgnoringCase("offline");

        List<String> unknown = new ArrayList<>(List.of("connect", "No such machine " + UUID.randomUUID()));
        unknown.addAll(signIn);
        ClientJar.Result unknownResult = client.run(home, COMMAND, unknown);
        assertThat(unknownResult.exitCode()).as(unknownResult.describe()).isEqualTo(6);
        assertThat(unknownResult.stderr()).as(unknownResult.describe()).startsWith("gangway: ");
        assertThat(home.resolve("gangway").resolve("session.json")).as("nothing saved by one-off sign-ins")
                .doesNotExist();
    }

    // ---------------------------------------------------------------------------------------------------------

    private String portalUrl() {
        return "http://127.0.0.1:" + portalPort;
    }

    /**
     * The site, built once: the LAN services, the machine with the agent allowing them, an offline device, a pool
     * with both, a group of engineers holding "Client port forwards" on it and a group of viewers holding only
     * "View status", one user in each (invited, own password set through the invitation link).
     */
    private synchronized Site site() throws IOException {
        if (site != null) {
            return site;
        }
        client = ClientJar.locate();
        ClientLanServices.startHttp(lab, agentJar);
        Path sshKey = ClientLanServices.startSshd(lab, work.resolve("sshd"));
        ClientLanServices.startModbus(lab, REGISTER_40001);

        PortalUi portal = new PortalUi("http://localhost:" + portalPort);
        adminBrowser = chromium.newContext();
        admin = adminBrowser.newPage();
        portal.signIn(admin, ADMIN_PASSWORD);
        String suffix = UUID.randomUUID().toString().substring(0, 8);

        String deviceName = "Press line " + suffix;
        String deviceId = commission(portal, deviceName);
        String offlineName = "Paint shop " + suffix;
        portal.addDevice(admin, offlineName);
        String offlineId = portal.deviceIdOf(admin, offlineName);

        String pool = portal.createListed(admin, "/admin/pools", "#pool-name", "#create-pool",
                "Line " + suffix, "#pool-list tr.pool");
        for (String id : List.of(deviceId, offlineId)) {
            admin.navigate(portal.baseUrl() + "/admin/pools/" + pool);
            admin.locator("#add-device").selectOption(id);
            admin.locator("#add-device-button").click();
        }
        PlaywrightAssertions.assertThat(admin.locator("tr.pool-device")).hasCount(2);

        String engineers = portal.createListed(admin, "/admin/groups", "#group-name", "#create-group",
                "Engineers " + suffix, "#group-list tr.group");
        String viewers = portal.createListed(admin, "/admin/groups", "#group-name", "#create-group",
                "Viewers " + suffix, "#group-list tr.group");
        setRight(engineers, pool, RIGHT, true);
        setRight(viewers, pool, "VIEW_STATUS", true);

        String password = "Client-passw0rd-" + suffix;
        String engineer = "engineer-" + suffix;
        String viewer = "viewer-" + suffix;
        portal.addUser(admin, chromium, engineer, password, engineers);
        portal.addUser(admin, chromium, viewer, password, viewers);
        site = new Site(deviceId, deviceName, offlineName, pool, engineers, viewers, engineer, viewer, password,
                sshKey);
        return site;
    }

    /** Adds a device in the pages, registers the real agent in the site and runs it; returns the device id. */
    private String commission(PortalUi portal, String name) {
        PortalUi.NewDevice device = portal.addDevice(admin, name);
        Path identity = work.resolve("identity-" + UUID.randomUUID());
        NetworkLab.Result registered = lab.run(lab.site(), Duration.ofSeconds(120), agentJar.register(
                "http://" + lab.portalSideAddress() + ":" + portalPort, device.activationKey(), identity,
                "E2E-" + UUID.randomUUID()));
        assertThat(registered.exitCode()).as("register output:\n" + registered.output()).isZero();
        Matcher registeredAs = Pattern.compile("Registered device (.+) \\(([^()\\s]+)\\)").matcher(registered.output());
        assertThat(registeredAs.find()).as(registered.output()).isTrue();
        Path config = ClientLanServices.writeAgentConfig(work.resolve("agent.yml"), identity, lab.lanHostAddress());
        LoggedProcess agent = lab.start(lab.site(), "agent", agentJar.run(config));
        admin.navigate(portal.baseUrl() + "/devices");
        PlaywrightAssertions.assertThat(PortalUi.statusOf(PortalUi.deviceRow(admin, name)))
                .hasAttribute("data-status", "online");
        assertThat(agent.isAlive()).isTrue();
        return registeredAs.group(2);
    }

    /** Checks or clears one right of a group on a pool in the rights matrix and saves it. */
    private void setRight(String groupId, String poolId, String right, boolean held) {
        String base = "http://localhost:" + portalPort;
        Locator box = admin.locator("input[name=grant][value=\"" + groupId + ":" + poolId + ":" + right + "\"]");
        admin.navigate(base + "/admin/rights");
        box.setChecked(held);
        admin.locator("#save-rights").click();
        admin.navigate(base + "/admin/rights");
        if (held) {
            PlaywrightAssertions.assertThat(box).isChecked();
        } else {
            PlaywrightAssertions.assertThat(box).not().isChecked();
        }
    }

    /** The connection report's CSV export (as the administrator) rows of kind {@code forward} of one user. */
    private List<Map<String, String>> forwardRows(String username) {
        APIResponse csv = adminBrowser.request().get("http://localhost:" + portalPort + "/admin/connections.csv?user="
                + URLEncoder.encode(username, StandardCharsets.UTF_8));
        assertThat(csv.status()).as("CSV export").isEqualTo(200);
        List<List<String>> records = Csv.parse(csv.text());
        assertThat(records).as("CSV export:\n" + csv.text()).isNotEmpty();
        List<String> header = records.get(0);
        List<Map<String, String>> rows = new ArrayList<>();
        for (List<String> record : records.subList(1, records.size())) {
            Map<String, String> row = new java.util.LinkedHashMap<>();
            for (int i = 0; i < header.size() && i < record.size(); i++) {
                row.put(header.get(i), record.get(i));
            }
            if ("forward".equals(row.get("kind")) && username.equals(row.get("user"))) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static String ticket(ClientApiCalls api, String token, String deviceId, String host, String fingerprint) {
        ClientApiCalls.Answer answer = api.ticket(token, deviceId, host, ClientLanServices.HTTP_PORT, fingerprint);
        assertThat(answer.status()).as(answer.describe()).isEqualTo(201);
        return answer.body().get("ticket").asString();
    }

    private static Path passwordFile(String password) throws IOException {
        Path file = Files.createTempFile(work, "password-", ".txt");
        Files.writeString(file, password + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode element : array) {
            if (element.hasNonNull(field) && value.equals(element.get(field).asString())) {
                return element;
            }
        }
        return null;
    }

    private static String lastWithTarget(JsonNode forwards, String target) {
        String local = null;
        for (JsonNode f : forwards) {
            if (target.equals(f.get("target").asString())) {
                local = f.get("local").asString();
            }
        }
        assertThat(local).as("a forward to " + target + " in " + forwards).isNotNull();
        return local;
    }

    /** The text values of an array, or of one field of its elements. */
    private static Set<String> texts(JsonNode array, String field) {
        assertThat(array).as("a JSON array").isNotNull();
        Set<String> values = new java.util.LinkedHashSet<>();
        for (JsonNode element : array) {
            JsonNode value = field == null ? element : element.get(field);
            if (value != null && !value.isNull()) {
                values.add(value.asString());
            }
        }
        return values;
    }

    /** The port of {@code host:port}. */
    private static int port(String hostAndPort) {
        assertThat(hostAndPort).as("host:port").matches(".+:\\d+");
        return Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
    }

    /** RFC 4180 CSV, enough for the report's export: quoted fields, doubled quotes, CRLF or LF. */
    private static final class Csv {

        static List<List<String>> parse(String text) {
            List<List<String>> records = new ArrayList<>();
            List<String> record = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    record.add(field.toString());
                    field.setLength(0);
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    record.add(field.toString());
                    field.setLength(0);
                    records.add(record);
                    record = new ArrayList<>();
                } else {
                    field.append(c);
                }
            }
            if (field.length() > 0 || !record.isEmpty()) {
                record.add(field.toString());
                records.add(record);
            }
            return records;
        }
    }
}
