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
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay: accepts device tunnels and stream requests on one TLS port.
 *
 * <h2>Lifecycle</h2> {@link Builder#start()} binds; {@link #close()} sends GOAWAY {@link TunnelError#RELAY_SHUTDOWN} to
 * every tunnel (agents redial after a jittered backoff step) and closes.
 *
 * <h2>Overload</h2> At most {@link Builder#maxHandshakes(int)} TLS handshakes run at once; a connection beyond that is
 * closed before TLS (see {@link HandshakeLimit}).
 *
 * <h2>Streams</h2> {@link #openStream(String)} verifies a ticket and opens a {@code CONNECT} stream on the
 * device's tunnel. The returned channel carries raw {@link io.netty.buffer.ByteBuf}s both ways; its
 * writability follows the stream's HTTP/2 flow-control window; it is auto-read off (call {@code read()}).
 * Closing it resets or ends the stream.
 *
 * <h2>Tickets</h2> Every ticket opens at most one stream on this relay, in-process or from a stream client: its
 * id is remembered until it expires (at most 1,000,000 unexpired ids, beyond that new tickets are refused with
 * {@link TunnelError#TOO_MANY_STREAMS}). On the stream-client leg a bound ticket ({@link StreamTicket#isBound()}) is accepted only on a connection that presented the client
 * certificate it names, an unbound one only unless {@link Builder#requireBoundTickets(boolean)}; then the
 * {@link StreamAuthorizer} has the last word. In-process callers ({@link #openStream(String)}) are trusted: no
 * holder check and no stream authorizer.
 *
 * <h2>Cutting streams</h2> {@link #closeStreams} ends, at once, the streams whose ticket matches: those open (reset
 * on the device's tunnel) and those still being authorized or opened (refused), e.g. when the user they were
 * opened for lost the right. A stream is tracked from the admission of its ticket until it ends.
 *
 * <h2>Threading</h2> {@link TunnelListener} methods run on the tunnel's event loop (return quickly; events
 * of one tunnel arrive in order), except {@link TunnelListener#streamFailed}, which runs on the stream
 * client's connection's event loop. The {@link DeviceAuthorizer} and the {@link StreamAuthorizer} run on two
 * small pools of the relay's own (4 threads and 1024 waiting checks each; beyond that a device tunnel is closed,
 * or a stream refused with {@link TunnelError#TOO_MANY_STREAMS}), so they may block briefly (a database lookup),
 * and a flood of streams never delays device tunnels' checks. One stream-client connection may have at most
 * 64 streams being authorized or opened at once; more are refused with {@code TOO_MANY_STREAMS} before their
 * ticket is used up. Futures returned by
 * {@link #openStream(String)} complete on the tunnel's event loop. All public methods are thread-safe.
 *
 * <h2>Online state</h2> A device is online from {@code tunnelUp} (after its agent answered the agent-info
 * request) until {@code tunnelDown}, which is reported once when its last admitted tunnel stops taking
 * streams (drain, disconnect, replacement, dead peer or close). {@link #isOnline(String)} is authoritative.
 *
 * <h2>Keepalive</h2> Device tunnels are kept alive by their agents: an agent announces its interval (agent-info
 * header {@link TunnelProtocol#HEADER_KEEPALIVE_MS}, then its PINGs' data) and the relay PINGs the tunnel only
 * after {@code max(its own interval, 1.5 × the agent's)} of silence, so a dead agent is reported about 1.5 agent
 * intervals plus the timeout after its last frame.
 *
 * <h2>Alarms</h2> While a tunnel is up the relay long-polls its agent for alarms ({@link TunnelProtocol#PATH_ALARMS},
 * one poll at a time) and hands them to {@link TunnelListener#alarmsReceived}; it acknowledges them to the agent only
 * once the listener's stage completed normally, and asks again 5 s after any failure with the old acknowledgement.
 * An agent's answer is bounded (75 s, 1 MiB, strict JSON); a bad one ends only that poll.
 */
public final class RelayServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);
    /** {@link Builder#maxHandshakes(int)} unless set. */
    public static final int DEFAULT_MAX_HANDSHAKES = 256;

    private final Builder config;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ThreadPoolExecutor authorizations;
    /** Stream checks have a pool of their own, so that a flood of streams never delays device tunnels' checks. */
    private final ThreadPoolExecutor streamChecks;
    private final ChannelGroup connections = new DefaultChannelGroup("relay", GlobalEventExecutor.INSTANCE);
    private final Set<DeviceTunnel> tunnels = ConcurrentHashMap.newKeySet();
    private final ConcurrentMap<String, DeviceTunnel> byCertificate = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, DeviceTunnel> byDevice = new ConcurrentHashMap<>();
    private final HandshakeLimit handshakes;
    private final UsedTickets usedTickets = new UsedTickets(UsedTickets.DEFAULT_CAPACITY);
    /** Every stream from the admission of its ticket until it ends (or is refused), by ticket id. */
    private final ConcurrentMap<String, TrackedStream> streams = new ConcurrentHashMap<>();
    private Channel serverChannel;
    private volatile boolean closed;

    private RelayServer(Builder config) {
        this.config = config;
        this.ownsGroup = config.group == null;
        this.handshakes = new HandshakeLimit(config.maxHandshakes);
        this.group = ownsGroup ? Transport.newGroup(0, "gangway-relay") : config.group;
        AtomicInteger threads = new AtomicInteger();
        // Four threads as soon as there is work (a pool only grows past its core size once its queue is full).
        this.authorizations = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "gangway-relay-authorizer-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.authorizations.allowCoreThreadTimeOut(true);
        AtomicInteger streamThreads = new AtomicInteger();
        this.streamChecks = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "gangway-relay-stream-check-" + streamThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.streamChecks.allowCoreThreadTimeOut(true);
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
                        SslHandler tls = config.sslContext.newHandler(ch.alloc());
                        if (!handshakes.admit(ch, tls.handshakeFuture())) {
                            // overloaded (reconnect storm): closed before any TLS work; its agent backs off
                            ch.close();
                            return;
                        }
                        connections.add(ch);
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

    /**
     * In-process stream opening (the portal's embedded relay): verifies the ticket (signature, expiry, single use;
     * the caller is trusted, so neither its holder nor the {@link StreamAuthorizer} is checked), then opens the
     * stream as for a stream client.
     */
    public CompletableFuture<Channel> openStream(String ticketToken) {
        StreamTicket ticket;
        try {
            ticket = verify(ticketToken);
            usedTickets.claim(ticket, config.clock.instant());
        } catch (TunnelException e) {
            log.info("refused stream: {}", e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        track(ticket);
        return openDeviceStream(ticket);
    }

    /**
     * Ends, now, every stream of this relay whose ticket matches {@code which} (e.g. the streams of a user who lost
     * the right to them), in-process and stream-client streams alike:
     *
     * <ul>
     *   <li>an open stream is reset on the device's tunnel (the agent closes its LAN connection); a stream client's
     *       stream spliced to it is closed as well, once it wrote out what the device had sent before (at most
     *       30 s, as when a device closes a stream). {@link TunnelListener#streamClosed} is reported as usual, with
     *       the stream's bytes;</li>
     *   <li>a stream still being authorized or opened is refused with {@code reason} (a stream client gets it as
     *       its refusal, an in-process caller's future fails with it); if the {@link StreamAuthorizer} admitted it,
     *       {@link TunnelListener#streamFailed} is reported with it; a device stream it already caused is reset.</li>
     * </ul>
     *
     * <p>{@code which} runs on the calling thread, once for each tracked stream not cut yet, without any lock held
     * (it may block, e.g. read a database); an exception it throws ends the call (streams cut before stay cut).
     * Thread-safe; a stream cut by two calls at once counts for the first.
     *
     * @param reason why, for the log and for the refusal of streams not yet open (typically
     *     {@link TunnelError#NO_RIGHT}, or {@link TunnelError#REVOKED})
     * @return how many streams were cut (open or being opened)
     */
    public int closeStreams(Predicate<StreamTicket> which, TunnelError reason) {
        Objects.requireNonNull(which, "which");
        Objects.requireNonNull(reason, "reason");
        int cut = 0;
        for (TrackedStream stream : streams.values()) {
            if (stream.cutReason() == null && which.test(stream.ticket) && stream.cut(reason)) {
                cut++;
                log.info("closing stream {} to {} on device {}: {}", stream.ticket.ticketId(), stream.ticket.target(),
                        stream.ticket.deviceId(), reason.name());
            }
        }
        return cut;
    }

    public boolean isOnline(String deviceId) {
        DeviceTunnel tunnel = byDevice.get(deviceId);
        return tunnel != null && tunnel.isUp();
    }

    public Set<String> onlineDevices() {
        return Set.copyOf(byDevice.keySet());
    }

    /**
     * Closes the device's tunnels now, their streams included, with a GOAWAY naming {@code reason}: e.g.
     * {@link TunnelError#REVOKED}, or {@link TunnelError#SENT_OFFLINE} (the portal sends an on-demand device offline;
     * its agent then stays offline until woken). {@link TunnelListener#tunnelDown} follows with
     * {@code "disconnected: " + reason.description()}.
     */
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
            tunnel.close("relay shut down", TunnelError.RELAY_SHUTDOWN);
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
        streamChecks.shutdownNow();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    // ---- used by the handlers of this package ----

    StreamTicket verify(String token) throws TunnelException {
        return Tickets.verify(token, config.ticketKey, config.clock);
    }

    /**
     * The stream-client leg's checks before the authorizer: signature and expiry, holder against the connection's
     * client certificate, {@link Builder#requireBoundTickets}, then single use (last, so that someone holding a
     * copy of a bound ticket but not its certificate cannot use it up).
     *
     * @param fingerprint the connection's client certificate's {@link Tickets#fingerprint}, or null if none
     */
    StreamTicket admitStreamClient(String token, String fingerprint) throws TunnelException {
        StreamTicket ticket = verify(token);
        if (ticket.isBound() && fingerprint == null) {
            throw TunnelException.of(TunnelError.BAD_TICKET,
                    "ticket bound to a client certificate, but the connection presented none");
        }
        if (ticket.isBound() && !ticket.holder().equals(fingerprint)) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "ticket bound to another client certificate");
        }
        if (!ticket.isBound() && config.requireBoundTickets) {
            throw TunnelException.of(TunnelError.BAD_TICKET,
                    "ticket bound to no client certificate; this relay accepts only bound tickets");
        }
        usedTickets.claim(ticket, config.clock.instant());
        track(ticket);
        return ticket;
    }

    /**
     * Runs the {@link StreamAuthorizer} on the authorization pool. The future fails only with a
     * {@link TunnelException}: the authorizer's refusal, {@link TunnelError#INTERNAL} when it failed otherwise
     * (logged), {@link TunnelError#TOO_MANY_STREAMS} when the pool is full. A refused stream is no longer tracked.
     */
    CompletableFuture<Void> authorizeStream(StreamTicket ticket, X509Certificate certificate) {
        CompletableFuture<Void> verdict = runAuthorizer(ticket, certificate);
        verdict.whenComplete((ok, error) -> {
            if (error != null) {
                untrack(ticket);
            }
        });
        return verdict;
    }

    private CompletableFuture<Void> runAuthorizer(StreamTicket ticket, X509Certificate certificate) {
        try {
            return CompletableFuture.runAsync(() -> {
                try {
                    config.streamAuthorizer.authorize(ticket, certificate);
                } catch (TunnelException e) {
                    throw new CompletionException(e);
                } catch (RuntimeException e) {
                    log.warn("stream authorizer failed for stream {} to device {}", ticket.ticketId(),
                            ticket.deviceId(), e);
                    throw new CompletionException(new TunnelException(TunnelError.INTERNAL,
                            "internal error: the stream authorizer failed", e));
                }
            }, streamChecks);
        } catch (RejectedExecutionException e) {
            TunnelException refusal = closed ? TunnelException.of(TunnelError.DRAINING, "relay shutting down")
                    : TunnelException.of(TunnelError.TOO_MANY_STREAMS, "too many streams waiting for authorization");
            if (!closed) {
                log.warn("refused stream {} to device {}: too many pending authorizations", ticket.ticketId(),
                        ticket.deviceId());
            }
            return CompletableFuture.failedFuture(refusal);
        }
    }

    /**
     * Opens the stream of an admitted ticket on its device's tunnel (refused if {@link #closeStreams} cut it
     * meanwhile). A stream that fails to open is no longer tracked; an open one until its device stream closes.
     */
    CompletableFuture<Channel> openDeviceStream(StreamTicket ticket) {
        TrackedStream tracked = streams.computeIfAbsent(ticket.ticketId(), id -> new TrackedStream(ticket));
        CompletableFuture<Channel> opened;
        DeviceTunnel tunnel = byDevice.get(ticket.deviceId());
        TunnelError cut = tracked.cutReason();
        if (cut != null) {
            log.info("refused stream {}: cut before it opened ({})", ticket.ticketId(), cut.name());
            opened = CompletableFuture.failedFuture(TrackedStream.cutException(cut));
        } else if (tunnel == null || !tunnel.isUp()) {
            log.info("refused stream {}: device {} is offline", ticket.ticketId(), ticket.deviceId());
            opened = CompletableFuture.failedFuture(TunnelException.of(TunnelError.DEVICE_OFFLINE, ticket.deviceId()));
        } else {
            opened = tunnel.openStream(tracked);
        }
        opened.whenComplete((channel, error) -> {
            if (error != null) {
                untrack(tracked);
            }
        });
        return opened;
    }

    private void track(StreamTicket ticket) {
        streams.put(ticket.ticketId(), new TrackedStream(ticket));
    }

    private void untrack(StreamTicket ticket) {
        streams.remove(ticket.ticketId());
    }

    void untrack(TrackedStream stream) {
        streams.remove(stream.ticket.ticketId(), stream);
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

    /** The listener's {@link TunnelListener#alarmsReceived}; its exceptions reach the caller. */
    java.util.concurrent.CompletionStage<Void> alarmsReceived(DeviceIdentity device, java.util.List<Alarm> alarms) {
        return config.listener.alarmsReceived(device, alarms);
    }

    AlarmPoller.Timing alarmTiming() {
        return config.alarmTiming;
    }

    void notifyStreamOpened(StreamTicket ticket) {
        safely(() -> config.listener.streamOpened(ticket));
    }

    void notifyStreamClosed(StreamTicket ticket, long toDevice, long fromDevice) {
        safely(() -> config.listener.streamClosed(ticket, toDevice, fromDevice));
    }

    void notifyStreamFailed(StreamTicket ticket, TunnelException error) {
        untrack(ticket);
        safely(() -> config.listener.streamFailed(ticket, error));
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

    /** Tests: how long the relay lets the device's tunnel stay silent before it PINGs (null if offline). */
    Duration keepaliveWait(String deviceId) throws Exception {
        DeviceTunnel tunnel = byDevice.get(deviceId);
        return tunnel == null ? null : tunnel.channel.eventLoop().submit(tunnel.keepalive::idleTime).get(5, TimeUnit.SECONDS);
    }

    /** Tests: whether the device's tunnel still holds an alarm poller (false once its agent said it offers none). */
    boolean pollsAlarms(String deviceId) {
        DeviceTunnel tunnel = byDevice.get(deviceId);
        try {
            return tunnel != null && tunnel.channel.eventLoop().submit(tunnel::hasAlarmPoller).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot ask the tunnel of " + deviceId + " about its alarm poller", e);
        }
    }

    /** Tests: TLS handshakes in progress now. */
    int handshakesInProgress() {
        return handshakes.inProgress();
    }

    int maxStreamsPerTunnel() {
        return config.maxStreams;
    }

    Duration streamOpenTimeout() {
        return config.streamOpenTimeout;
    }

    /**
     * One stream from the admission of its ticket until it ends, as {@link #closeStreams} finds it: its device
     * stream once the device answered, and whether (and why) it was cut. Thread-safe (its monitor guards both).
     */
    static final class TrackedStream {
        final StreamTicket ticket;
        private Channel device;
        private TunnelError cut;

        TrackedStream(StreamTicket ticket) {
            this.ticket = ticket;
        }

        /** Why it was cut, or null. */
        synchronized TunnelError cutReason() {
            return cut;
        }

        /** The device answered {@code 200}: false if the stream was cut meanwhile (the caller closes it). */
        synchronized boolean opened(Channel deviceStream) {
            if (cut != null) {
                return false;
            }
            device = deviceStream;
            return true;
        }

        /** Cuts it (resets its device stream if open); false if it was cut before or its device stream is closing. */
        boolean cut(TunnelError reason) {
            Channel open;
            synchronized (this) {
                if (cut != null || (device != null && !device.isActive())) {
                    return false;
                }
                cut = reason;
                open = device;
            }
            if (open != null) {
                open.close();
            }
            return true;
        }

        /** The refusal of a stream cut before it opened. */
        static TunnelException cutException(TunnelError reason) {
            return TunnelException.of(reason, "the stream was closed at the access server's request");
        }
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
        private int maxHandshakes = DEFAULT_MAX_HANDSHAKES;
        private Duration streamOpenTimeout = Duration.ofSeconds(15);
        private StreamAuthorizer streamAuthorizer = StreamAuthorizer.ALLOW_ALL;
        private boolean requireBoundTickets;
        private AlarmPoller.Timing alarmTiming = AlarmPoller.Timing.DEFAULT;

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

        /**
         * PING after {@code interval} of silence on a connection, and how long to wait for the ack before declaring
         * the peer dead (default 30 s / 10 s). A device tunnel whose agent announces its own keepalive interval is
         * PINGed only after {@code max(interval, 1.5 × the agent's)}: the agent keeps its tunnel alive.
         */
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

        /**
         * The most TLS handshakes in progress at once (default {@value RelayServer#DEFAULT_MAX_HANDSHAKES}); a connection
         * arriving beyond that is closed at once, before TLS, and its agent retries after a jittered backoff. This keeps
         * a reconnect storm (a relay restart with thousands of agents) from piling up handshakes that time out before
         * the relay gets to them. A handshake holds its slot for its network round trips too, so the relay completes
         * at most about {@code max / handshake time} per second: raise it for agents on slow links.
         */
        public Builder maxHandshakes(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxHandshakes must be at least 1, was " + max);
            }
            this.maxHandshakes = max;
            return this;
        }

        /** How long the device's agent may take to answer a stream request (default 15 s). */
        public Builder streamOpenTimeout(Duration timeout) {
            this.streamOpenTimeout = positive(timeout, "stream open timeout");
            return this;
        }

        /**
         * The access server's last word on each stream a stream client asks for, after the ticket checks (default
         * {@link StreamAuthorizer#ALLOW_ALL}). Runs on the relay's authorization pool; a thrown
         * {@link TunnelException} is the refusal the client gets, any other exception refuses with
         * {@link TunnelError#INTERNAL}.
         */
        public Builder streamAuthorizer(StreamAuthorizer authorizer) {
            this.streamAuthorizer = Objects.requireNonNull(authorizer, "streamAuthorizer");
            return this;
        }

        /**
         * Whether stream clients must present bound tickets (default false): when true, a ticket that names no
         * client certificate is refused with {@link TunnelError#BAD_TICKET} on the stream-client leg.
         * {@link RelayServer#openStream(String)} (in-process) still takes unbound tickets.
         */
        public Builder requireBoundTickets(boolean require) {
            this.requireBoundTickets = require;
            return this;
        }

        /** Tests: shorter alarm poll timings (answer timeout, retry delay, listener timeout). */
        Builder alarmTiming(Duration answerTimeout, Duration retryDelay, Duration listenerTimeout) {
            this.alarmTiming = new AlarmPoller.Timing(positive(answerTimeout, "alarm answer timeout"),
                    positive(retryDelay, "alarm retry delay"), positive(listenerTimeout, "alarm listener timeout"));
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
