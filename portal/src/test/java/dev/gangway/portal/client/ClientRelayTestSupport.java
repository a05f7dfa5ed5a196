package dev.gangway.portal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.TestData;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.pki.TestCsr;
import dev.gangway.portal.pki.TicketKeys;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.StreamClient;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.Tickets;
import dev.gangway.tunnel.TunnelClient;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import dev.gangway.tunnel.TunnelTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.JsonNode;

/**
 * The client's streams inside the portal, for the tests that need them: the embedded relay, a real device tunnel
 * (a {@link TunnelClient} agent with its registered certificate, its LAN an echo server on loopback) and
 * {@link StreamClient}s with client certificates from the client API. Set up per test: an account, the device
 * online in a pool, and a member who holds "Client port forwards" on it through a group of their own.
 */
abstract class ClientRelayTestSupport extends ClientApiTestSupport {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    TicketKeys ticketKeys;

    PortalUser admin;
    PortalUser member;
    String deviceId;
    String address;
    String group;
    String pool;
    ServerSocket echo;
    TunnelClient agent;
    StreamClient client;
    /** Stream clients the test opened with {@link #forward}, closed after it. */
    final List<StreamClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void aDeviceOnlineAndAMemberWhoMayForward() throws Exception {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread server = new Thread(this::echoAll, "lan-echo");
        server.setDaemon(true);
        server.start();

        admin = newAdmin("Admin-password-2");
        MvcResult created = mvc.perform(post("/devices").with(TestData.signedIn(admin)).with(csrf())
                .param("name", "Forwarded press")).andReturn();
        deviceId = created.getResponse().getRedirectedUrl().split("/")[2];
        String key = (String) created.getFlashMap().get("activationKey");
        KeyPair deviceKey = TestCsr.ecKey("secp256r1");
        Map<String, Object> registration = new LinkedHashMap<>();
        registration.put("activationKey", key);
        registration.put("csr", TestCsr.plain(deviceKey));
        registration.put("serial", "SN-CLIENT-" + UUID.randomUUID());
        registration.put("agentVersion", "test");
        JsonNode answer = json.readTree(mvc.perform(post("/api/agent/v1/register")
                        .contentType(MediaType.APPLICATION_JSON).content(json.writeValueAsString(registration)))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString());
        X509Certificate deviceCertificate = pem(answer.get("certificate").asString());
        X509Certificate ca = pem(answer.get("caCertificate").asString());
        int relayPort = answer.get("relayPort").asInt();
        LanTarget lan = new LanTarget("127.0.0.1", echo.getLocalPort());
        String agentInfo = "{\"agentVersion\":\"test\",\"hostname\":\"bench\",\"services\":[{\"name\":\"hmi\","
                + "\"kind\":\"http\",\"host\":\"127.0.0.1\",\"port\":" + lan.port() + "}]}";
        agent = TunnelClient.builder()
                .relayLocator(() -> new InetSocketAddress("127.0.0.1", relayPort))
                .sslContext(TunnelTls.forAgent(deviceKey.getPrivate(), new X509Certificate[] {deviceCertificate},
                        List.of(ca)))
                .targetPolicy(target -> {
                    if (!target.equals(lan)) {
                        throw TunnelException.of(TunnelError.TARGET_NOT_ALLOWED, target.authority());
                    }
                })
                .agentInfo(() -> agentInfo)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .build();
        agent.start();
        await().atMost(WAIT).until(() -> tunnels.isOnline(deviceId));

        RightsTestData data = new RightsTestData(jdbc);
        pool = data.pool(admin.accountId(), "Forwarding");
        data.poolDevice(pool, deviceId);
        member = data.userWith(admin, pool, Right.CLIENT_FORWARD);
        group = jdbc.queryForObject("select group_id from group_member where user_id = ?", String.class,
                member.userId());
        address = newAddress();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        for (StreamClient other : clients) {
            other.close();
        }
        if (agent != null) {
            agent.close();
        }
        echo.close();
    }

    /** A user's open forward: their session's token, certificate, stream client and the stream. */
    record Forward(String token, ClientKey key, StreamClient client, Channel stream) {
    }

    /** Signs the user in, gets a certificate and a ticket, and opens a stream to the echo service; checks it. */
    Forward forward(PortalUser user, String address) throws Exception {
        String token = token(user, "unused", address);
        ClientKey key = certificate(token, address);
        StreamClient streams = connect(key);
        clients.add(streams);
        Channel stream = streams.openStream(ticket(token, "127.0.0.1", echo.getLocalPort(), key.fingerprint()))
                .get(30, TimeUnit.SECONDS);
        String text = "hello from " + user.username() + "\n";
        assertThat(echoThrough(stream, text)).isEqualTo(text);
        return new Forward(token, key, streams, stream);
    }

    StreamClient connect(ClientKey key) throws Exception {
        return StreamClient.connect(new InetSocketAddress("127.0.0.1", key.relayPort()),
                TunnelTls.forStreamClient(key.key().getPrivate(), new X509Certificate[] {key.certificate()},
                        List.of(key.ca()))).get(30, TimeUnit.SECONDS);
    }

    String ticket(String token, String host, int port, String fingerprint) throws Exception {
        MvcResult result = perform(call(HttpMethod.POST, "/tickets", token, ticketBody(deviceId, host, port,
                fingerprint), address));
        assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(201);
        return jsonOf(result).get("ticket").asString();
    }

    /** A ticket to the echo service signed with the portal's key, as the API would never hand it out now. */
    String handMade(String holder) {
        return Tickets.sign(new StreamTicket(UUID.randomUUID().toString(), member.accountId(), member.username(),
                deviceId, new LanTarget("127.0.0.1", echo.getLocalPort()), Instant.now().plusSeconds(60), holder),
                ticketKeys.privateKey());
    }

    static void assertRefused(CompletableFuture<Channel> stream, TunnelError error) {
        assertThat(stream).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOfSatisfying(TunnelException.class, e -> assertThat(e.error()).as(e.getMessage())
                        .isEqualTo(error));
    }

    /** Sends the text through the stream and returns its echo (the stream can be used again after). */
    static String echoThrough(Channel stream, String text) {
        StringBuilder received = new StringBuilder();
        stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                boolean all;
                synchronized (received) {
                    received.append(buf.toString(StandardCharsets.US_ASCII));
                    all = received.length() >= text.length();
                }
                buf.release();
                if (all) {
                    ctx.pipeline().remove(this);
                } else {
                    ctx.read();
                }
            }
        });
        stream.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        stream.read();
        await().atMost(WAIT).until(() -> {
            synchronized (received) {
                return received.length() >= text.length();
            }
        });
        synchronized (received) {
            return received.toString();
        }
    }

    void echoAll() {
        while (!echo.isClosed()) {
            try {
                Socket socket = echo.accept();
                Thread connection = new Thread(() -> echoOne(socket), "lan-echo-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (Exception closed) {
                return;
            }
        }
    }

    static void echoOne(Socket socket) {
        try (socket) {
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
}
