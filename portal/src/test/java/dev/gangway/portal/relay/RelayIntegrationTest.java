package dev.gangway.portal.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.pki.TestCsr;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.TunnelClient;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import dev.gangway.tunnel.TunnelTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The portal with its real embedded relay and a real device tunnel: a device registered through the agent API
 * connects with its certificate, shows online with its services, carries a ticketed stream to a LAN service, and
 * is dropped and refused once its certificate is revoked.
 */
@SpringBootTest
@AutoConfigureMockMvc
class RelayIntegrationTest extends PortalTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(30);

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
    EmbeddedRelay relay;
    @Autowired
    DeviceStreams streams;

    PortalUser user;
    TunnelClient client;
    ServerSocket echo;

    @BeforeEach
    void setUp() throws Exception {
        user = TestData.newUser(accounts, users, encoder, "pw");
        echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread server = new Thread(this::echoOnce, "lan-echo");
        server.setDaemon(true);
        server.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        echo.close();
    }

    @Test
    void aRegisteredDeviceComesOnlineCarriesAStreamAndIsRefusedAfterRevocation() throws Exception {
        MvcResult created = mvc.perform(post("/devices").with(TestData.signedIn(user)).with(csrf())
                .param("name", "Relay test machine")).andReturn();
        String deviceId = created.getResponse().getRedirectedUrl().split("/")[2];
        String key = (String) created.getFlashMap().get("activationKey");

        KeyPair deviceKey = TestCsr.ecKey("secp256r1");
        Map<String, Object> registration = new LinkedHashMap<>();
        registration.put("activationKey", key);
        registration.put("csr", TestCsr.plain(deviceKey));
        registration.put("serial", "SN-RELAY-1");
        registration.put("agentVersion", "test");
        JsonNode answer = json.readTree(mvc.perform(post("/api/agent/v1/register")
                        .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(registration)))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString());
        X509Certificate certificate = pem(answer.get("certificate").asString());
        X509Certificate ca = pem(answer.get("caCertificate").asString());
        int relayPort = answer.get("relayPort").asInt();
        assertThat(relayPort).isEqualTo(relay.server().orElseThrow().localAddress().getPort());

        MvcResult events = mvc.perform(get("/devices/events").with(TestData.signedIn(user)))
                .andExpect(request().asyncStarted()).andReturn();

        LanTarget lan = new LanTarget("127.0.0.1", echo.getLocalPort());
        String agentInfo = "{\"agentVersion\":\"test\",\"hostname\":\"bench\",\"services\":[{\"name\":\"hmi\","
                + "\"kind\":\"http\",\"host\":\"127.0.0.1\",\"port\":" + lan.port() + "}]}";
        client = TunnelClient.builder()
                .relayLocator(() -> new InetSocketAddress("127.0.0.1", relayPort))
                .sslContext(TunnelTls.forAgent(deviceKey.getPrivate(), new X509Certificate[] {certificate},
                        List.of(ca)))
                .targetPolicy(target -> {
                    if (!target.equals(lan)) {
                        throw TunnelException.of(TunnelError.TARGET_NOT_ALLOWED, target.authority());
                    }
                })
                .agentInfo(() -> agentInfo)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .build();
        client.start();

        await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));
        // the event is published after the status changes (and after a rights check per subscriber): wait for it
        await().atMost(WAIT).untilAsserted(() -> assertThat(events.getResponse().getContentAsString())
                .contains("data:{\"id\":\"" + deviceId + "\",\"online\":true}"));
        String page = mvc.perform(get("/devices/" + deviceId).with(TestData.signedIn(user)))
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("data-service=\"hmi\" data-kind=\"http\"", ">online<");

        Channel stream = streams.open(user.accountId(), user.username(), deviceId, lan).get(30, TimeUnit.SECONDS);
        StringBuilder received = new StringBuilder();
        stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                synchronized (received) {
                    received.append(buf.toString(StandardCharsets.US_ASCII));
                }
                buf.release();
                ctx.read();
            }
        });
        stream.writeAndFlush(Unpooled.copiedBuffer("ping through the tunnel\n", StandardCharsets.US_ASCII));
        stream.read();
        await().atMost(WAIT).until(() -> {
            synchronized (received) {
                return received.toString().equals("ping through the tunnel\n");
            }
        });
        stream.close();

        mvc.perform(post("/devices/" + deviceId + "/revoke").with(TestData.signedIn(user)).with(csrf()))
                .andExpect(status().isFound());

        await().atMost(WAIT).until(() -> client.lastError() == TunnelError.REVOKED);
        await().atMost(WAIT).until(() -> !tunnels.isOnline(deviceId));
        await().atMost(WAIT).untilAsserted(() -> assertThat(events.getResponse().getContentAsString())
                .endsWith("data:{\"id\":\"" + deviceId + "\",\"online\":false}\n\n"));
        assertThat(relay.server().orElseThrow().isOnline(deviceId)).isFalse();
        assertThat(client.state()).isNotEqualTo(TunnelClient.State.CONNECTED);
    }

    @Test
    void streamsToADeviceOfAnotherAccountAreRefused() throws Exception {
        PortalUser stranger = TestData.newUser(accounts, users, encoder, "pw");
        MvcResult created = mvc.perform(post("/devices").with(TestData.signedIn(user)).with(csrf())
                .param("name", "Not yours")).andReturn();
        String deviceId = created.getResponse().getRedirectedUrl().split("/")[2];

        assertThat(streams.open(stranger.accountId(), stranger.username(), deviceId,
                new LanTarget("127.0.0.1", 80)))
                .failsWithin(WAIT)
                .withThrowableThat().havingCause().isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.UNKNOWN_DEVICE));
    }

    @Test
    void theRelayPathRefusesAUserOfTheSameAccountWithoutTheRightToOpenWebHmis() throws Exception {
        MvcResult created = mvc.perform(post("/devices").with(TestData.signedIn(user)).with(csrf())
                .param("name", "Ours, not theirs")).andReturn();
        String deviceId = created.getResponse().getRedirectedUrl().split("/")[2];
        // a member of the account in no group: the pages refuse them, and a hand-made stream request too
        AppUser member = users.save(new AppUser(user.accountId(), "member-" + deviceId.substring(0, 8),
                encoder.encode("pw"), java.time.Instant.now()));

        assertThat(streams.open(user.accountId(), member.getUsername(), deviceId, new LanTarget("127.0.0.1", 80)))
                .failsWithin(WAIT)
                .withThrowableThat().havingCause().isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.UNKNOWN_DEVICE));
    }

    private void echoOnce() {
        try (Socket socket = echo.accept()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (Exception ignored) {
            // the test closes the socket
        }
    }

    private static X509Certificate pem(String text) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
    }
}
