package dev.gangway.portal.desktop.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.desktop.DesktopCredentials;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.TunnelStream;
import dev.gangway.portal.desktop.TunnelStreamOpener;
import dev.gangway.portal.desktop.vnc.EmbeddedVncConverter;
import dev.gangway.portal.desktop.web.DesktopMode;
import dev.gangway.portal.device.AgentService;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.pki.TestCsr;
import dev.gangway.portal.relay.DeviceStreams;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.TunnelClient;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import dev.gangway.tunnel.TunnelTls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The desktop's blocking streams over a real device tunnel: the portal's embedded relay and a real agent
 * ({@link TunnelClient}) whose LAN is a server on loopback. Bytes both ways and their counts, backpressure (a reader
 * that does not read holds the device back), close and the device's end, and the refusals in words.
 */
@SpringBootTest
@AutoConfigureMockMvc
class DesktopStreamsRelayTest extends PortalTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** What the flooding LAN service sends: more than windows and socket buffers hold together. */
    private static final int FLOOD = 64 * 1024 * 1024;

    @Autowired
    MockMvc mvc;
    @Autowired
    JsonMapper json;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    DeviceTunnels tunnels;
    @Autowired
    DeviceRegistry registry;
    @Autowired
    DeviceStreams deviceStreams;
    @Autowired
    DesktopStreams desktopStreams;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedVncConverter vnc;

    PortalUser admin;
    String deviceId;
    ServerSocket lan;
    int closedPort;
    TunnelClient agent;
    /** How each LAN connection is served. */
    final AtomicReference<Consumer<Socket>> behaviour = new AtomicReference<>(DesktopStreamsRelayTest::echo);
    final AtomicLong flooded = new AtomicLong();
    final List<Socket> accepted = new CopyOnWriteArrayList<>();
    final List<TunnelStream> opened = new CopyOnWriteArrayList<>();

    @BeforeEach
    void aDeviceOnlineWithADesktopService() throws Exception {
        lan = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = closed.getLocalPort();
        }
        Thread server = new Thread(this::serve, "lan-desktop");
        server.setDaemon(true);
        server.start();

        admin = TestData.newUser(accounts, users, encoder, "pw");
        MvcResult created = mvc.perform(post("/devices").with(TestData.signedIn(admin)).with(csrf())
                .param("name", "Desktop machine")).andReturn();
        deviceId = created.getResponse().getRedirectedUrl().split("/")[2];
        String key = (String) created.getFlashMap().get("activationKey");
        KeyPair deviceKey = TestCsr.ecKey("secp256r1");
        Map<String, Object> registration = new LinkedHashMap<>();
        registration.put("activationKey", key);
        registration.put("csr", TestCsr.plain(deviceKey));
        registration.put("serial", "SN-DESKTOP-" + UUID.randomUUID());
        registration.put("agentVersion", "test");
        JsonNode answer = json.readTree(mvc.perform(post("/api/agent/v1/register")
                        .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(registration)))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString());
        X509Certificate certificate = pem(answer.get("certificate").asString());
        X509Certificate ca = pem(answer.get("caCertificate").asString());
        int relayPort = answer.get("relayPort").asInt();
        String agentInfo = "{\"agentVersion\":\"test\",\"hostname\":\"desk\",\"services\":["
                + "{\"name\":\"panel\",\"kind\":\"vnc\",\"host\":\"127.0.0.1\",\"port\":" + lan.getLocalPort() + "},"
                + "{\"name\":\"gone\",\"kind\":\"vnc\",\"host\":\"127.0.0.1\",\"port\":" + closedPort + "}]}";
        agent = TunnelClient.builder()
                .relayLocator(() -> new InetSocketAddress("127.0.0.1", relayPort))
                .sslContext(TunnelTls.forAgent(deviceKey.getPrivate(), new X509Certificate[] {certificate},
                        List.of(ca)))
                .targetPolicy(target -> {
                    if (!target.host().equals("127.0.0.1")) {
                        throw TunnelException.of(TunnelError.TARGET_NOT_ALLOWED, target.authority());
                    }
                })
                .agentInfo(() -> agentInfo)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .build();
        agent.start();
        await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (TunnelStream stream : opened) {
            stream.close();
        }
        if (agent != null) {
            agent.close();
        }
        lan.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }

    private TunnelStreamOpener opener(PortalUser user, String service, DesktopMode mode) {
        AgentService found = registry.service(registry.find(user.accountId(), deviceId).orElseThrow(), service)
                .orElseThrow();
        return desktopStreams.opener(user, deviceId, found, mode, opened::add);
    }

    @Test
    void bytesGoBothWaysAndAreCounted() throws Exception {
        TunnelStream stream = opener(admin, "panel", DesktopMode.CONTROL).open();
        assertThat(opened).containsExactly(stream);
        stream.output().write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        stream.output().flush();
        assertThat(new String(stream.input().readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("RFB 003.008\n");
        assertThat(stream.bytesToDevice()).isEqualTo(12);
        assertThat(stream.bytesFromDevice()).isEqualTo(12);

        stream.close();
        stream.close();
        assertThatThrownBy(() -> stream.input().read()).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> {
            stream.output().write(1);
            stream.output().flush();
        }).isInstanceOf(IOException.class);
        // the agent closes the LAN connection: the echo service reads its end and closes its socket
        await().atMost(WAIT).until(() -> accepted.get(0).isClosed());
    }

    @Test
    void aReaderThatDoesNotReadHoldsTheDeviceBack() throws Exception {
        behaviour.set(this::flood);
        TunnelStream stream = opener(admin, "panel", DesktopMode.CONTROL).open();
        assertThat(stream.input().read()).isZero();

        // the service is held back: its writes stop short of the whole flood while nobody reads
        await().atMost(WAIT).until(() -> {
            long before = flooded.get();
            Thread.sleep(500);
            return flooded.get() == before && before > 0;
        });
        assertThat(flooded.get()).isLessThan(FLOOD);
        assertThat(stream.input().available()).as("bytes held in the portal").isLessThanOrEqualTo(1024 * 1024);

        byte[] buffer = new byte[64 * 1024];
        long total = 1;
        int n;
        while ((n = stream.input().read(buffer)) > 0) {
            total += n;
        }
        assertThat(total).isEqualTo(FLOOD);
        assertThat(stream.bytesFromDevice()).isEqualTo(FLOOD);
        assertThat(n).as("the device's end is the end of the stream").isEqualTo(-1);
    }

    @Test
    void closingUnblocksABlockedRead() throws Exception {
        behaviour.set(socket -> { });
        TunnelStream stream = opener(admin, "panel", DesktopMode.CONTROL).open();
        AtomicReference<Throwable> ended = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                stream.input().read();
            } catch (IOException e) {
                ended.set(e);
            }
        }, "test-reader");
        reader.start();
        await().atMost(WAIT).until(() -> reader.getState() == Thread.State.TIMED_WAITING);

        stream.close();
        reader.join(WAIT.toMillis());
        assertThat(reader.isAlive()).isFalse();
        assertThat(ended.get()).isInstanceOf(IOException.class).hasMessage("the stream to the device was closed");
    }

    @Test
    void anUnreachableServiceIsSaidInWords() {
        assertThatThrownBy(() -> opener(admin, "gone", DesktopMode.CONTROL).open())
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("the agent could not reach 127.0.0.1:" + closedPort
                        + " on the device's network");
        assertThat(opened).isEmpty();
    }

    @Test
    void anOfflineDeviceIsSaidInWords() throws Exception {
        TunnelStreamOpener opener = opener(admin, "panel", DesktopMode.CONTROL);
        agent.close();
        await().atMost(WAIT).until(() -> !tunnels.isOnline(deviceId));
        assertThatThrownBy(opener::open).isInstanceOf(IOException.class).hasMessage("the device is offline");
    }

    @Test
    void everyOpenChecksTheRightAgain() throws Exception {
        RightsTestData rights = new RightsTestData(jdbc);
        String pool = rights.pool(admin.accountId(), "p");
        rights.poolDevice(pool, deviceId);
        PortalUser member = rights.userWith(admin, pool, Right.DESKTOP_CONTROL);
        String group = jdbc.queryForObject("select group_id from group_member where user_id = ?", String.class,
                member.userId());
        TunnelStreamOpener opener = opener(member, "panel", DesktopMode.CONTROL);
        opener.open().close();

        jdbc.update("update pool_right set right_name = ? where group_id = ?", Right.DESKTOP_VIEW.name(), group);
        assertThatThrownBy(opener::open).isInstanceOf(IOException.class).hasMessage(Sentences.CONTROL_REMOVED);
        opener(member, "panel", DesktopMode.VIEW_ONLY).open().close();

        jdbc.update("update pool_right set right_name = ? where group_id = ?", Right.OPEN_WEB_HMI.name(), group);
        assertThatThrownBy(opener(member, "panel", DesktopMode.VIEW_ONLY)::open).isInstanceOf(IOException.class)
                .hasMessage(Sentences.RIGHT_REMOVED);
    }

    @Test
    void theRelayPathChecksTheRightOfTheStreamsPurpose() throws Exception {
        RightsTestData rights = new RightsTestData(jdbc);
        String pool = rights.pool(admin.accountId(), "p");
        rights.poolDevice(pool, deviceId);
        PortalUser web = rights.userWith(admin, pool, Right.OPEN_WEB_HMI);
        PortalUser desktop = rights.userWith(admin, pool, Right.DESKTOP_VIEW);
        LanTarget target = new LanTarget("127.0.0.1", lan.getLocalPort());

        assertRefused(deviceStreams.open(web.accountId(), web.username(), deviceId, target,
                DeviceStreams.Purpose.DESKTOP));
        assertRefused(deviceStreams.open(desktop.accountId(), desktop.username(), deviceId, target));
        deviceStreams.open(desktop.accountId(), desktop.username(), deviceId, target, DeviceStreams.Purpose.DESKTOP)
                .get(30, TimeUnit.SECONDS).close();
        deviceStreams.open(web.accountId(), web.username(), deviceId, target).get(30, TimeUnit.SECONDS).close();
    }

    @Test
    void aDeviceOfAnotherAccountIsRefusedOnTheRelayPath() {
        PortalUser stranger = TestData.newUser(accounts, users, encoder, "pw");
        assertRefused(deviceStreams.open(stranger.accountId(), stranger.username(), deviceId,
                new LanTarget("127.0.0.1", lan.getLocalPort()), DeviceStreams.Purpose.DESKTOP));
        assertThat(DeviceTestData.AGENT_INFO).isNotEmpty();
    }

    @Test
    void theEmbeddedVncConverterShowsAnXvncThroughTheTunnel(@TempDir Path dir) throws Exception {
        Process xvnc = null;
        int display = 0;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = probe.getLocalPort();
            probe.close();
            for (display = 400 + (int) (Math.random() * 400); Files.exists(Path.of("/tmp/.X11-unix/X" + display));
                    display++) {
                // a display number nobody uses
            }
            xvnc = new ProcessBuilder("Xvnc", ":" + display, "-geometry", "320x240", "-depth", "24", "-rfbport",
                    Integer.toString(port), "-interface", "127.0.0.1", "-nolisten", "tcp", "-SecurityTypes", "None")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("xvnc.log").toFile()).start();
            await().atMost(WAIT).until(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return s.getInputStream().read() == 'R';
                } catch (IOException notYet) {
                    return false;
                }
            });
            AgentService service = new AgentService("screen", "vnc", "127.0.0.1", port);
            DesktopSession session = vnc.open(new DesktopRequest(UUID.randomUUID().toString(), "d-test", "vnc",
                    "screen",
                    "127.0.0.1:" + port, true, DesktopCredentials.NONE, 320, 240, 96,
                    desktopStreams.opener(admin, deviceId, service, DesktopMode.VIEW_ONLY, opened::add)));
            StringBuffer browser = new StringBuffer();
            AtomicReference<DesktopEnd> end = new AtomicReference<>();
            Thread thread = new Thread(() -> end.set(session.run(browser::append)), "gangway-desktop-test");
            thread.start();

            await().atMost(WAIT).until(() -> browser.indexOf("4.size,1.0,3.320,3.240;") >= 0
                    && browser.indexOf("4.sync,") >= 0);
            session.close(DesktopEnd.closedByUser());
            thread.join(WAIT.toMillis());
            assertThat(thread.isAlive()).isFalse();
            assertThat(end.get()).isEqualTo(DesktopEnd.closedByUser());
            assertThat(opened).hasSize(1);
            assertThat(opened.get(0).bytesFromDevice()).isGreaterThan(0);
            assertThat(opened.get(0).bytesToDevice()).isGreaterThan(0);
            await().atMost(WAIT).until(() -> Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("gangway-desktop-")));
        } finally {
            if (xvnc != null) {
                xvnc.destroy();
                xvnc.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void assertRefused(java.util.concurrent.CompletableFuture<io.netty.channel.Channel> stream) {
        assertThat(stream).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.UNKNOWN_DEVICE));
    }

    private void serve() {
        while (!lan.isClosed()) {
            try {
                Socket socket = lan.accept();
                accepted.add(socket);
                Consumer<Socket> serving = behaviour.get();
                Thread thread = new Thread(() -> serving.accept(socket), "lan-connection");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echo(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // the test ends the connection
        }
    }

    private void flood(Socket socket) {
        try (socket) {
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[16 * 1024];
            for (int sent = 0; sent < FLOOD; sent += chunk.length) {
                out.write(chunk);
                flooded.addAndGet(chunk.length);
            }
        } catch (IOException ignored) {
            // the test ends the connection
        }
    }

    private static X509Certificate pem(String text) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
    }
}
