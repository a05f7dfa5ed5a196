package dev.gangway.agent.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import dev.gangway.agent.ConnectProxy;
import dev.gangway.agent.TestCa;
import dev.gangway.agent.config.AgentConfig;
import dev.gangway.agent.config.ServiceConfig;
import dev.gangway.agent.config.ServiceKind;
import dev.gangway.agent.demohmi.DemoHmiServer;
import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.identity.DeviceRecord;
import dev.gangway.agent.identity.IdentityStore;
import dev.gangway.tunnel.DeviceAuthorizer;
import dev.gangway.tunnel.DeviceIdentity;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.ProxySettings;
import dev.gangway.tunnel.RelayServer;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.Tickets;
import dev.gangway.tunnel.TunnelClient;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import dev.gangway.tunnel.TunnelListener;
import dev.gangway.tunnel.TunnelTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The agent's run logic against a real in-process relay: the tunnel comes up with mutual TLS, the relay gets the
 * agent info, a ticketed stream reaches the allowed demo HMI, and a stream to anything else is refused by the
 * agent's allowlist.
 */
class AgentTunnelTest {

    private static final String DEVICE = "dev-" + UUID.randomUUID();

    @TempDir
    Path dir;

    TestCa ca;
    KeyPair ticketKeys;
    RelayServer relay;
    DemoHmiServer hmi;
    HttpServer portal;
    AgentRunner agent;
    final BlockingQueue<String> agentInfos = new LinkedBlockingQueue<>();
    final AtomicInteger relayLookups = new AtomicInteger();
    volatile String relayHostName = "localhost";
    volatile InetAddress relayBind = InetAddress.getLoopbackAddress();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    /** The agent's tunnel package, allowlist included. */
    final Logger tunnelLogger = (Logger) LoggerFactory.getLogger("dev.gangway.agent.tunnel");

    @BeforeEach
    void setUp() throws Exception {
        logs.start();
        tunnelLogger.addAppender(logs);
        ca = TestCa.create("test CA");
        ticketKeys = Tickets.generateKeyPair();
        hmi = DemoHmiServer.start("127.0.0.1", 0);
        portal = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        portal.createContext("/api/agent/v1/relay", exchange -> {
            relayLookups.incrementAndGet();
            byte[] body = ("{\"relayHost\":\"" + relayHostName + "\",\"relayPort\":" + relay.localAddress().getPort() + "}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(exchange.getRequestURI().getQuery().equals("device=" + DEVICE) ? 200 : 404,
                    body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        portal.start();
    }

    /** Starts the relay with a certificate from {@code relayIssuer}, admitting devices as {@code authorizer} says. */
    private void startRelay(TestCa relayIssuer, DeviceAuthorizer authorizer) throws Exception {
        KeyPair relayKeys = TestCa.ecKeys();
        X509Certificate relayCert = relayIssuer.issueRelay(relayKeys.getPublic());
        relay = RelayServer.builder()
                .bind(new InetSocketAddress(relayBind, 0))
                .sslContext(TunnelTls.forRelay(relayKeys.getPrivate(), new X509Certificate[] {relayCert},
                        List.of(ca.certificate())))
                .deviceAuthorizer(authorizer)
                .ticketKey(ticketKeys.getPublic())
                .listener(new TunnelListener() {
                    @Override
                    public void tunnelUp(DeviceIdentity device, InetSocketAddress remote, String agentInfo) {
                        agentInfos.add(agentInfo);
                    }
                })
                .start();
    }

    private void startRelay() throws Exception {
        startRelay(ca, cert -> new DeviceIdentity(DEVICE, cert.getSerialNumber().toString(16)));
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.close();
        }
        if (relay != null) {
            relay.close();
        }
        hmi.close();
        portal.stop(0);
        tunnelLogger.detachAppender(logs);
    }

    private DeviceCredentials registeredDevice() throws Exception {
        KeyPair keys = TestCa.ecKeys();
        DeviceCredentials credentials = new DeviceCredentials(keys.getPrivate(),
                ca.issueDevice(keys.getPublic(), DEVICE, "SN-1"), List.of(ca.certificate()),
                // the saved relay is wrong on purpose: the portal's answer must win
                new DeviceRecord(DEVICE, "Press 4", "http://127.0.0.1:" + portal.getAddress().getPort(),
                        "localhost", closedPort(), "SN-1", Instant.now().toString()));
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        try (IdentityStore.Staging staging = store.prepare(false)) {
            staging.commit(credentials);
        }
        return store.load();
    }

    private AgentConfig config() {
        return new AgentConfig(dir.resolve("identity"), Optional.empty(), Duration.ofSeconds(25),
                Duration.ofMillis(100), Duration.ofSeconds(1),
                List.of(new ServiceConfig("hmi", ServiceKind.HTTP, "127.0.0.1", hmi.localAddress().getPort())));
    }

    @Test
    void streamsReachTheAllowedHmiAndNothingElse() throws Exception {
        startRelay();
        agent = AgentRunner.start(config(), registeredDevice(), Clock.systemUTC());

        String info = agentInfos.poll(30, TimeUnit.SECONDS);
        assertThat(info).isNotNull().contains("\"agentVersion\"", "\"hostname\"",
                "{\"name\":\"hmi\",\"kind\":\"http\",\"host\":\"127.0.0.1\",\"port\":" + hmi.localAddress().getPort() + "}");
        assertThat(relay.isOnline(DEVICE)).isTrue();
        assertThat(agent.state()).isEqualTo(TunnelClient.State.CONNECTED);
        assertThat(relayLookups.get()).isPositive();

        Channel stream = relay.openStream(ticket(new LanTarget("127.0.0.1", hmi.localAddress().getPort())))
                .get(30, TimeUnit.SECONDS);
        String reply = exchange(stream, "GET /page2 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 200").contains("id=\"page2\"");
        assertThat(refusals()).isEmpty();
        assertThat(messages()).contains("tunnel connected to relay localhost:" + relay.localAddress().getPort());

        int notAllowed = closedPort();
        CompletableFuture<Channel> refused = relay.openStream(ticket(new LanTarget("127.0.0.1", notAllowed)));
        assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .satisfies(e -> assertThat(tunnelError(e)).isEqualTo(TunnelError.TARGET_NOT_ALLOWED));
        assertThat(refusals()).containsExactly("refused stream to 127.0.0.1:" + notAllowed + ": not in this site's allowed services");

        CompletableFuture<Channel> loopbackName = relay.openStream(
                ticket(new LanTarget("localhost", hmi.localAddress().getPort())));
        assertThatThrownBy(() -> loopbackName.get(30, TimeUnit.SECONDS))
                .satisfies(e -> assertThat(tunnelError(e)).isEqualTo(TunnelError.TARGET_NOT_ALLOWED));

        agent.close();
        assertThat(agent.state()).isEqualTo(TunnelClient.State.CLOSED);
        agent = null;
        assertThat(messages()).contains("tunnel closed");
    }

    @Test
    void relayLookupAndTunnelGoThroughTheConfiguredProxy() throws Exception {
        startRelay();
        try (ConnectProxy proxy = new ConnectProxy("agent", "pr0xy")) {
            InetSocketAddress asConfigured = InetSocketAddress.createUnresolved("127.0.0.1", proxy.address().getPort());
            agent = AgentRunner.start(proxied(config(), new ProxySettings(asConfigured, "agent", "pr0xy")),
                    registeredDevice(), Clock.systemUTC());
            assertThat(agentInfos.poll(30, TimeUnit.SECONDS)).isNotNull();
            assertThat(relay.isOnline(DEVICE)).isTrue();
            assertThat(proxy.requests).contains(
                    "GET http://127.0.0.1:" + portal.getAddress().getPort() + "/api/agent/v1/relay?device=" + DEVICE
                            + " HTTP/1.1",
                    "CONNECT localhost:" + relay.localAddress().getPort() + " HTTP/1.1");
            Channel stream = relay.openStream(ticket(new LanTarget("127.0.0.1", hmi.localAddress().getPort())))
                    .get(30, TimeUnit.SECONDS);
            assertThat(exchange(stream, "GET /page2 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            agent.close();
            agent = null;
        }
    }

    @Test
    void wrongProxyCredentialsAreLoggedClearlyAndNoTunnelComesUp() throws Exception {
        startRelay();
        ListAppender<ILoggingEvent> clientLogs = new ListAppender<>();
        clientLogs.start();
        Logger clientLogger = (Logger) LoggerFactory.getLogger("dev.gangway.tunnel.TunnelClient");
        clientLogger.addAppender(clientLogs);
        try (ConnectProxy proxy = new ConnectProxy("agent", "pr0xy")) {
            agent = AgentRunner.start(proxied(config(), new ProxySettings(proxy.address(), "agent", "oops")),
                    registeredDevice(), Clock.systemUTC());
            String expected = "the HTTP proxy " + proxy.address().getHostString() + ":" + proxy.address().getPort()
                    + " refused the credentials (407) of user 'agent'; check the proxy user name and password";
            awaitMessage(clientLogs, ILoggingEvent::getFormattedMessage, expected);
            assertThat(messages()).anyMatch(m -> m.startsWith("cannot ask the portal for a relay (the HTTP proxy "));
            assertThat(relay.isOnline(DEVICE)).isFalse();
            assertThat(agentInfos).isEmpty();
            assertThat(clientLogs.list).noneMatch(e -> e.getFormattedMessage().contains("oops"));
            assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains("oops"));
        } finally {
            clientLogger.detachAppender(clientLogs);
        }
    }

    private static AgentConfig proxied(AgentConfig c, ProxySettings proxy) {
        return new AgentConfig(c.identity(), c.portal(), c.keepalive(), c.backoffMin(), c.backoffMax(), c.services(),
                Optional.of(proxy));
    }

    @Test
    void aRevokedCertificateIsReportedAsAnError() throws Exception {
        startRelay(ca, cert -> {
            throw TunnelException.of(TunnelError.REVOKED, "serial " + cert.getSerialNumber());
        });
        agent = AgentRunner.start(config(), registeredDevice(), Clock.systemUTC());
        String error = awaitMessage(ILoggingEvent::getLevel, ch.qos.logback.classic.Level.ERROR);
        assertThat(error).isEqualTo("the relay localhost:" + relay.localAddress().getPort()
                + " refused this device's certificate (certificate revoked): this device must be registered again "
                + "with a new activation key ('register --force'); retrying anyway");
        assertThat(relay.isOnline(DEVICE)).isFalse();
        assertThat(agentInfos).isEmpty();
    }

    @Test
    void aRelayWithACertificateFromAnotherCaIsRefused() throws Exception {
        startRelay(TestCa.create("someone else's CA"), cert -> new DeviceIdentity(DEVICE, "1"));
        agent = AgentRunner.start(config(), registeredDevice(), Clock.systemUTC());
        String warning = awaitMessage(ILoggingEvent::getLevel, ch.qos.logback.classic.Level.WARN);
        assertThat(warning).startsWith("cannot open the tunnel to relay localhost:" + relay.localAddress().getPort()
                + " (attempt 1)");
        assertThat(relay.isOnline(DEVICE)).isFalse();
        assertThat(agentInfos).isEmpty();
        assertThat(agent.state()).isNotEqualTo(TunnelClient.State.CONNECTED);
    }

    @Test
    void aRelayWhoseCertificateDoesNotNameItIsRefused() throws Exception {
        // the relay certificate names localhost and 127.0.0.1 only
        relayBind = InetAddress.getByName("127.0.0.2");
        relayHostName = "127.0.0.2";
        startRelay();
        agent = AgentRunner.start(config(), registeredDevice(), Clock.systemUTC());
        String warning = awaitMessage(ILoggingEvent::getLevel, ch.qos.logback.classic.Level.WARN);
        assertThat(warning).startsWith("cannot open the tunnel to relay 127.0.0.2:" + relay.localAddress().getPort());
        assertThat(relay.isOnline(DEVICE)).isFalse();
        assertThat(agentInfos).isEmpty();
    }

    private List<String> messages() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private List<String> refusals() {
        return messages().stream().filter(m -> m.startsWith("refused stream")).toList();
    }

    /** Waits (generously: the machine may be busy) for the first event whose property has the value. */
    private <T> String awaitMessage(java.util.function.Function<ILoggingEvent, T> property, T value)
            throws InterruptedException {
        return awaitMessage(logs, property, value);
    }

    /** Waits (generously: the machine may be busy) for the first event of {@code appender} with the value. */
    private static <T> String awaitMessage(ListAppender<ILoggingEvent> appender,
            java.util.function.Function<ILoggingEvent, T> property, T value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (ILoggingEvent e : List.copyOf(appender.list)) {
                if (value.equals(property.apply(e))) {
                    return e.getFormattedMessage();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + value + " log line; got " + appender.list.stream()
                .map(ILoggingEvent::getFormattedMessage).toList());
    }

    private String ticket(LanTarget target) {
        return Tickets.sign(new StreamTicket(UUID.randomUUID().toString(), "default", "admin", DEVICE, target,
                Instant.now().plusSeconds(60)), ticketKeys.getPrivate());
    }

    private static TunnelError tunnelError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TunnelException te) {
                return te.error();
            }
        }
        throw new AssertionError("no TunnelException in " + e, e);
    }

    /** Writes a request on a raw stream channel and reads until the far side closes it. */
    private static String exchange(Channel stream, String request) throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                try {
                    byte[] bytes = new byte[buf.readableBytes()];
                    buf.readBytes(bytes);
                    received.writeBytes(bytes);
                } finally {
                    buf.release();
                }
                ctx.read();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                done.complete(received.toString(StandardCharsets.ISO_8859_1));
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                done.completeExceptionally(cause);
            }
        });
        stream.writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        stream.read();
        return done.get(30, TimeUnit.SECONDS);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

}
