package dev.gangway.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.security.auth.x500.X500Principal;

/** A relay, agents and an echo LAN target on loopback, with the helpers the integration tests share. */
final class TunnelFixture implements AutoCloseable {

    final TestPki pki = new TestPki("Gangway Test CA");
    final KeyPair ticketKeys = Tickets.generateKeyPair();
    final TestPki.Issued relayCertificate = pki.relay();
    final Set<String> revokedSerials = ConcurrentHashMap.newKeySet();
    final Set<String> knownDevices = ConcurrentHashMap.newKeySet();
    final Events events = new Events();
    final EchoServer echo;
    final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    RelayServer relay;
    int relayPort;

    TunnelFixture() throws Exception {
        echo = new EchoServer();
    }

    /** Relay events as they happened. */
    static final class Events implements TunnelListener {
        final List<String> log = new CopyOnWriteArrayList<>();
        final List<String> agentInfos = new CopyOnWriteArrayList<>();
        final List<long[]> streamBytes = new CopyOnWriteArrayList<>();

        @Override
        public void tunnelUp(DeviceIdentity device, InetSocketAddress remote, String agentInfo) {
            agentInfos.add(agentInfo);
            log.add("up " + device.deviceId());
        }

        @Override
        public void tunnelDown(DeviceIdentity device, String reason) {
            log.add("down " + device.deviceId() + " " + reason);
        }

        @Override
        public void streamOpened(StreamTicket ticket) {
            log.add("opened " + ticket.ticketId());
        }

        @Override
        public void streamFailed(StreamTicket ticket, TunnelException error) {
            log.add("failed " + ticket.ticketId() + " " + error.error());
        }

        @Override
        public void streamClosed(StreamTicket ticket, long bytesToDevice, long bytesFromDevice) {
            streamBytes.add(new long[] {bytesToDevice, bytesFromDevice});
            log.add("closed " + ticket.ticketId());
        }

        long count(String prefix) {
            return log.stream().filter(e -> e.startsWith(prefix)).count();
        }
    }

    DeviceIdentity authorize(java.security.cert.X509Certificate certificate) throws TunnelException {
        String serial = certificate.getSerialNumber().toString(16);
        if (revokedSerials.contains(serial)) {
            throw TunnelException.of(TunnelError.REVOKED, serial);
        }
        String dn = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
        String deviceId = null;
        for (String part : dn.split(",")) {
            if (part.startsWith("CN=")) {
                deviceId = part.substring(3);
            }
        }
        if (deviceId == null || !knownDevices.contains(deviceId)) {
            throw TunnelException.of(TunnelError.UNKNOWN_DEVICE, String.valueOf(deviceId));
        }
        return new DeviceIdentity(deviceId, serial);
    }

    RelayServer startRelay(Consumer<RelayServer.Builder> customize) throws InterruptedException {
        RelayServer.Builder builder = RelayServer.builder()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), relayPort))
                .sslContext(TunnelTls.forRelay(relayCertificate.key(), relayCertificate.chain(), pki.trust()))
                .deviceAuthorizer(this::authorize)
                .ticketKey(ticketKeys.getPublic())
                .listener(events)
                .keepalive(Duration.ofSeconds(5), Duration.ofSeconds(3))
                .handshakeTimeout(Duration.ofSeconds(2));
        customize.accept(builder);
        relay = builder.start();
        relayPort = relay.localAddress().getPort();
        return relay;
    }

    InetSocketAddress relayAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), relayPort);
    }

    TunnelClient.Builder agentBuilder(TestPki.Issued device, TargetPolicy policy) {
        return TunnelClient.builder()
                .relayLocator(this::relayAddress)
                .sslContext(TunnelTls.forAgent(device.key(), device.chain(), pki.trust()))
                .targetPolicy(policy)
                .agentInfo(() -> "{\"agentVersion\":\"test\",\"hostname\":\"lan\",\"services\":[]}")
                .keepalive(Duration.ofSeconds(5), Duration.ofSeconds(3))
                .backoff(Duration.ofMillis(50), Duration.ofMillis(400))
                .connectTimeout(Duration.ofSeconds(3));
    }

    TunnelClient startAgent(TunnelClient.Builder builder) {
        TunnelClient agent = builder.build();
        closeables.add(agent);
        agent.start();
        return agent;
    }

    /** A registered device whose agent allows only the echo server; waits until the relay reports it online. */
    TunnelClient onlineAgent(String deviceId) {
        knownDevices.add(deviceId);
        TunnelClient agent = startAgent(agentBuilder(pki.device(deviceId), allowOnly(echo.target())));
        eventually(() -> relay.isOnline(deviceId));
        return agent;
    }

    static TargetPolicy allowOnly(LanTarget allowed) {
        return target -> {
            if (!target.equals(allowed)) {
                throw TunnelException.of(TunnelError.TARGET_NOT_ALLOWED, target.authority());
            }
        };
    }

    String ticket(String deviceId, LanTarget target) {
        return Tickets.sign(new StreamTicket(UUID.randomUUID().toString(), "acme", "alice", deviceId, target,
                Instant.now().plusSeconds(60)), ticketKeys.getPrivate());
    }

    static Channel await(CompletableFuture<Channel> future) throws Exception {
        return future.get(15, TimeUnit.SECONDS);
    }

    /** Reads everything a raw stream channel delivers (auto-read off: reads after each burst). */
    static final class Collector extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private volatile boolean reading = true;

        static Collector attach(Channel channel) {
            Collector collector = new Collector();
            channel.pipeline().addLast(collector);
            channel.read();
            return collector;
        }

        static Collector attachPaused(Channel channel) {
            Collector collector = new Collector();
            collector.reading = false;
            channel.pipeline().addLast(collector);
            return collector;
        }

        void resume(Channel channel) {
            reading = true;
            channel.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            byte[] chunk = new byte[buf.readableBytes()];
            buf.readBytes(chunk);
            synchronized (bytes) {
                bytes.write(chunk, 0, chunk.length);
            }
            buf.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (reading) {
                ctx.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete(null);
        }

        int size() {
            synchronized (bytes) {
                return bytes.size();
            }
        }

        byte[] bytes() {
            synchronized (bytes) {
                return bytes.toByteArray();
            }
        }
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Writes {@code data} in chunks and waits until the echo came back; returns what came back. */
    static byte[] echoRoundTrip(Channel stream, byte[] data) {
        Collector collector = Collector.attach(stream);
        for (int offset = 0; offset < data.length; offset += 60_000) {
            int n = Math.min(60_000, data.length - offset);
            stream.writeAndFlush(Unpooled.wrappedBuffer(data, offset, n));
        }
        eventually(() -> collector.size() >= data.length || !stream.isActive());
        return collector.bytes();
    }

    static void eventually(BooleanSupplier condition) {
        eventually(Duration.ofSeconds(20), condition);
    }

    static void eventually(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + limit.toSeconds() + " s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() throws java.io.IOException {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (relay != null) {
            relay.close();
        }
        echo.close();
    }
}
