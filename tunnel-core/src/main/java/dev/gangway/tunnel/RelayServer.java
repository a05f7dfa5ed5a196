package dev.gangway.tunnel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay: accepts device tunnels and stream requests on one TLS port.
 *
 * <h2>Lifecycle</h2> {@link Builder#start()} binds; {@link #close()} sends GOAWAY to every tunnel and closes.
 *
 * <h2>Streams</h2> {@link #openStream(String)} verifies a ticket and opens a {@code CONNECT} stream on the
 * device's tunnel. The returned channel carries raw {@link io.netty.buffer.ByteBuf}s both ways; its
 * writability follows the stream's HTTP/2 flow-control window; it is auto-read off (call {@code read()}).
 * Closing it resets or ends the stream.
 *
 * <h2>Threading</h2> {@link TunnelListener} methods run on the tunnel's event loop (return quickly; events
 * of one tunnel arrive in order). The {@link DeviceAuthorizer} runs on a small pool of its own, so it may
 * block briefly (a database lookup). Futures returned by {@link #openStream(String)} complete on the
 * tunnel's event loop. All public methods are thread-safe.
 *
 * <h2>Online state</h2> A device is online from {@code tunnelUp} (after its agent answered the agent-info
 * request) until {@code tunnelDown}, which is reported once when its last admitted tunnel stops taking
 * streams (drain, disconnect, replacement, dead peer or close). {@link #isOnline(String)} is authoritative.
 */
public final class RelayServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

    private final Builder config;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ThreadPoolExecutor authorizations;
    private final ChannelGroup connections = new DefaultChannelGroup("relay", GlobalEventExecutor.INSTANCE);
    private final Set<DeviceTunnel> tunnels = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<String, DeviceTunnel> byCertificate = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, DeviceTunnel> byDevice = new ConcurrentHashMap<>();
    private Channel serverChannel;
    private volatile boolean closed;

    private RelayServer(Builder config) {
        this.config = config;
        this.ownsGroup = config.group == null;
        this.group = ownsGroup ? Transport.newGroup(0, "gangway-relay") : config.group;
        AtomicInteger threads = new AtomicInteger();
        this.authorizations = new ThreadPoolExecutor(1, 4, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "gangway-relay-authorizer-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    private void bind() throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(Transport.serverChannel(group))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, H2.CONNECTION_WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        SslHandler tls = config.sslContext.newHandler(ch.alloc());
                        tls.setHandshakeTimeoutMillis(config.handshakeTimeout.toMillis());
                        ch.pipeline().addLast("tls", tls);
                        ch.pipeline().addLast("alpn", new RelayConnection(RelayServer.this));
                    }
                });
        try {
            serverChannel = bootstrap.bind(config.bind).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            shutdownExecutors();
            throw e;
        }
        log.info("relay listening on {} (TLS {}, {} transport)", serverChannel.localAddress(), TunnelTls.provider(),
                Transport.isEpoll(group) ? "epoll" : "nio");
    }

    /** The bound address (port 0 in the builder gives a random port). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** In-process stream opening (the portal's embedded relay): verifies the ticket, then as a stream client would. */
    public CompletableFuture<Channel> openStream(String ticketToken) {
        StreamTicket ticket;
        try {
            ticket = verify(ticketToken);
        } catch (TunnelException e) {
            log.info("refused stream: {}", e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        return openDeviceStream(ticket);
    }

    public boolean isOnline(String deviceId) {
        DeviceTunnel tunnel = byDevice.get(deviceId);
        return tunnel != null && tunnel.isUp();
    }

    public Set<String> onlineDevices() {
        return Set.copyOf(byDevice.keySet());
    }

    /** Closes the device's tunnel now (revocation); its streams end. */
    public void disconnect(String deviceId, TunnelError reason) {
        for (DeviceTunnel tunnel : tunnels) {
            DeviceIdentity identity = tunnel.identity;
            if (identity != null && identity.deviceId().equals(deviceId)) {
                disconnect(tunnel, identity, reason);
            }
        }
    }

    private static void disconnect(DeviceTunnel tunnel, DeviceIdentity identity, TunnelError reason) {
        log.info("disconnecting device {} ({})", identity.deviceId(), reason.name());
        tunnel.close("disconnected: " + reason.description(), reason);
    }

    /** Asks the device's agent to go elsewhere (GOAWAY); live streams finish, new ones are refused. */
    public void drain(String deviceId) {
        DeviceTunnel tunnel = byDevice.get(deviceId);
        if (tunnel != null) {
            log.info("draining the tunnel of device {}", deviceId);
            tunnel.drain();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DeviceTunnel tunnel : tunnels) {
            tunnel.close("relay shut down", TunnelError.DRAINING);
        }
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutdownExecutors();
        log.info("relay closed");
    }

    private void shutdownExecutors() {
        authorizations.shutdownNow();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ---- used by the handlers of this package ----

    StreamTicket verify(String token) throws TunnelException {
        return Tickets.verify(token, config.ticketKey, config.clock);
    }

    CompletableFuture<Channel> openDeviceStream(StreamTicket ticket) {
        DeviceTunnel tunnel = byDevice.get(ticket.deviceId());
        if (tunnel == null || !tunnel.isUp()) {
            log.info("refused stream {}: device {} is offline", ticket.ticketId(), ticket.deviceId());
            return CompletableFuture.failedFuture(TunnelException.of(TunnelError.DEVICE_OFFLINE, ticket.deviceId()));
        }
        return tunnel.openStream(ticket);
    }

    /**
     * Runs the authorizer twice. The first verdict admits or refuses; the second runs once the tunnel has
     * its identity, i.e. once {@link #disconnect} can find it. A revocation that commits between the first
     * check and the moment {@code disconnect} can see the tunnel would otherwise be missed by both; now it
     * either commits before the second check (which refuses) or after it (and {@code disconnect} finds it).
     */
    void authorize(DeviceTunnel tunnel, X509Certificate certificate) {
        tunnels.add(tunnel);
        tunnel.channel.closeFuture().addListener(f -> tunnels.remove(tunnel));
        try {
            check(certificate).whenCompleteAsync((identity, error) -> {
                tunnel.authorized(identity, unwrap(error));
                if (error == null && tunnel.identity == identity) {
                    recheck(tunnel, identity, certificate);
                }
            }, tunnel.channel.eventLoop());
        } catch (RejectedExecutionException e) {
            log.warn("refused device tunnel from {}: too many pending authorizations", tunnel.remote);
            tunnel.channel.close();
        }
    }

    private void recheck(DeviceTunnel tunnel, DeviceIdentity identity, X509Certificate certificate) {
        try {
            check(certificate).whenCompleteAsync((again, error) -> {
                if (error == null) {
                    return;
                }
                Throwable cause = unwrap(error);
                if (cause instanceof TunnelException) {
                    log.info("device {} refused on its second authorization: {}", identity.deviceId(), cause.getMessage());
                } else {
                    log.warn("device authorizer failed on the second check of device {}", identity.deviceId(), cause);
                }
                // Fail closed, as the first check does: an unanswered check must not leave a tunnel up.
                disconnect(tunnel, identity, cause instanceof TunnelException te ? te.error() : TunnelError.INTERNAL);
            }, tunnel.channel.eventLoop());
        } catch (RejectedExecutionException e) {
            if (!closed) {
                log.warn("closing the tunnel of device {}: too many pending authorizations", identity.deviceId());
                disconnect(tunnel, identity, TunnelError.INTERNAL);
            }
        }
    }

    private CompletableFuture<DeviceIdentity> check(X509Certificate certificate) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                DeviceIdentity identity = config.authorizer.authorize(certificate);
                if (identity == null || identity.deviceId() == null || identity.certificateSerial() == null) {
                    throw new IllegalStateException("the device authorizer returned no device id or certificate serial");
                }
                return identity;
            } catch (TunnelException e) {
                throw new CompletionException(e);
            }
        }, authorizations);
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /** The live tunnel other than {@code candidate} that holds this certificate, if any. */
    DeviceTunnel tunnelHolding(String certificateSerial, DeviceTunnel candidate) {
        DeviceTunnel existing = byCertificate.get(certificateSerial);
        return existing != null && existing != candidate && existing.channel.isActive() ? existing : null;
    }

    /** Registers {@code tunnel} as the holder of its certificate unless another live one got there first. */
    boolean claim(String certificateSerial, DeviceTunnel tunnel) {
        DeviceTunnel holder = byCertificate.compute(certificateSerial,
                (serial, current) -> current == null || current == tunnel || !current.channel.isActive() ? tunnel : current);
        return holder == tunnel;
    }

    void online(DeviceTunnel tunnel) {
        byDevice.put(tunnel.identity.deviceId(), tunnel);
    }

    void forget(DeviceTunnel tunnel, boolean wasUp, String reason) {
        DeviceIdentity identity = tunnel.identity;
        if (identity == null) {
            return;
        }
        byCertificate.remove(identity.certificateSerial(), tunnel);
        boolean removed = byDevice.remove(identity.deviceId(), tunnel);
        if (wasUp) {
            log.info("device {} tunnel from {} down: {}", identity.deviceId(), tunnel.remote, reason);
        }
        if (wasUp && removed && !byDevice.containsKey(identity.deviceId())) {
            safely(() -> config.listener.tunnelDown(identity, reason));
        }
    }

    void notifyUp(DeviceIdentity identity, InetSocketAddress remote, String agentInfo) {
        safely(() -> config.listener.tunnelUp(identity, remote, agentInfo));
    }

    void notifyStreamOpened(StreamTicket ticket) {
        safely(() -> config.listener.streamOpened(ticket));
    }

    void notifyStreamClosed(StreamTicket ticket, long toDevice, long fromDevice) {
        safely(() -> config.listener.streamClosed(ticket, toDevice, fromDevice));
    }

    private static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("tunnel listener failed", e);
        }
    }

    Duration keepaliveInterval() {
        return config.keepaliveInterval;
    }

    Duration keepaliveTimeout() {
        return config.keepaliveTimeout;
    }

    int maxStreamsPerTunnel() {
        return config.maxStreams;
    }

    Duration streamOpenTimeout() {
        return config.streamOpenTimeout;
    }

    /** Builder of a {@link RelayServer}. */
    public static final class Builder {
        private InetSocketAddress bind = new InetSocketAddress(8443);
        private SslContext sslContext;
        private DeviceAuthorizer authorizer;
        private PublicKey ticketKey;
        private TunnelListener listener = new TunnelListener() { };
        private Duration keepaliveInterval = Duration.ofSeconds(30);
        private Duration keepaliveTimeout = Duration.ofSeconds(10);
        private int maxStreams = H2.DEFAULT_MAX_STREAMS_PER_TUNNEL;
        private Clock clock = Clock.systemUTC();
        private EventLoopGroup group;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private Duration streamOpenTimeout = Duration.ofSeconds(15);

        private Builder() {
        }

        public Builder bind(InetSocketAddress address) {
            this.bind = Objects.requireNonNull(address, "bind address");
            return this;
        }

        public Builder sslContext(SslContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        public Builder deviceAuthorizer(DeviceAuthorizer authorizer) {
            this.authorizer = Objects.requireNonNull(authorizer, "deviceAuthorizer");
            return this;
        }

        /** The access server's Ed25519 public key for verifying tickets. */
        public Builder ticketKey(PublicKey key) {
            this.ticketKey = Objects.requireNonNull(key, "ticketKey");
            return this;
        }

        public Builder listener(TunnelListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** PING interval on idle tunnels and how long to wait for the ack before declaring the peer dead. */
        public Builder keepalive(Duration interval, Duration timeout) {
            this.keepaliveInterval = positive(interval, "keepalive interval");
            this.keepaliveTimeout = positive(timeout, "keepalive timeout");
            return this;
        }

        public Builder maxStreamsPerTunnel(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxStreamsPerTunnel must be at least 1, was " + max);
            }
            this.maxStreams = max;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs the relay on this group instead of one of its own (e.g. shared with the HMI proxy); the relay
         * does not shut it down. Its transport (epoll or NIO) decides the channel types.
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "eventLoopGroup");
            return this;
        }

        /** How long a connection may take to complete TLS before it is closed (default 10 s). */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = positive(timeout, "handshake timeout");
            return this;
        }

        /** How long the device's agent may take to answer a stream request (default 15 s). */
        public Builder streamOpenTimeout(Duration timeout) {
            this.streamOpenTimeout = positive(timeout, "stream open timeout");
            return this;
        }

        public RelayServer start() throws InterruptedException {
            if (sslContext == null || !sslContext.isServer()) {
                throw new IllegalStateException("relay needs a server sslContext (TunnelTls.forRelay)");
            }
            if (authorizer == null) {
                throw new IllegalStateException("relay needs a deviceAuthorizer");
            }
            if (ticketKey == null) {
                throw new IllegalStateException("relay needs the access server's ticketKey");
            }
            RelayServer relay = new RelayServer(this);
            relay.bind();
            return relay;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
