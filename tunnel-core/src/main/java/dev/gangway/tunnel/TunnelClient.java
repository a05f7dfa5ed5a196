package dev.gangway.tunnel;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of a device tunnel: dials the relay, serves {@code CONNECT} streams to allowed LAN targets,
 * reconnects with jittered exponential backoff.
 *
 * <h2>States</h2> {@code INITIAL → CONNECTING → CONNECTED → (DRAINING) → BACKOFF → CONNECTING ...}, and
 * {@code CLOSED} after {@link #close()}; transitions are checked. {@link #disable()} (the site's key switch is off)
 * moves any state but {@code CLOSED} to {@code DISABLED}; {@link #enable()} leaves it for {@code CONNECTING} at
 * once (or for {@code INITIAL} if the client was never started).
 *
 * <h2>When each state is entered</h2> {@code CONNECTING} before the {@link RelayLocator} is asked;
 * {@code CONNECTED} when the relay admitted the tunnel (it sends its agent-info request only after
 * authorizing the certificate); {@code DRAINING} on a GOAWAY that asks the agent to go elsewhere (relay drain
 * of this tunnel): the old connection keeps its live streams and a new one is dialled at once; {@code BACKOFF}
 * on a GOAWAY {@link TunnelError#RELAY_SHUTDOWN} (the relay is shutting down: the next attempt waits for the first,
 * jittered, backoff step, so that a fleet spreads its redials), and
 * after any failure or loss (a refusal such as {@link TunnelError#REVOKED} is logged and kept in
 * {@link #lastError()}). The backoff resets once a tunnel is admitted.
 *
 * <h2>Site disabled, suspended, sent offline</h2> {@link #disable()} sends {@code GOAWAY NO_ERROR "SITE_DISABLED"} on
 * every connection and closes it (streams included), cancels a pending retry and makes no attempt — no relay lookup,
 * no connection, no keepalive — until {@link #enable()}, which dials at once without a backoff wait. It may be called
 * before {@link #start()}: a client started disabled makes no attempt at all. Each attempt carries a number, so an
 * attempt still running from before a quick off/on is dropped instead of racing the new one.
 * {@link #suspend(TunnelError)} is the same with another reason in the GOAWAY (an on-demand agent hanging up after
 * its idle time: {@link TunnelError#IDLE_TIMEOUT}). A {@code GOAWAY "SENT_OFFLINE"} from the relay (the portal sent the
 * device offline) puts the client in {@code DISABLED} by itself, with {@link #lastError()} {@code SENT_OFFLINE}, and it
 * stays there until {@link #enable()}.
 *
 * <h2>LAN streams</h2> {@link #openStreams()} and {@link #lastStreamActivity()} tell an on-demand agent whether the
 * tunnel is in use: {@code CONNECT} streams from the relay, on any connection, from their request until they close.
 * The relay's alarm polls and agent-info requests do not count.
 *
 * <h2>Keepalive</h2> The agent keeps its tunnel alive: after {@link Builder#keepalive(Duration) the interval} without
 * anything read it sends a PING (and declares the relay dead without an answer within the timeout). It tells the
 * relay its interval (agent-info header, PING data), and the relay PINGs only after 1.5 times that much silence, so
 * an idle tunnel costs one PING exchange per interval. The interval adapts to the site ({@link KeepaliveAdaptation}):
 * when a tunnel dies while its keepalive is unanswered (a NAT or firewall that forgets idle connections sooner), the
 * next connections use a shorter one, down to {@link Builder#keepaliveFloor the floor}; while tunnels stay up it
 * probes back up slowly, never above the configured interval. Each change is logged in plain words;
 * {@link #keepaliveInterval()} tells the one in force.
 *
 * <h2>Threading</h2> The state listener is called on the thread that made the change (an event loop or the
 * connector thread); it must return quickly. The {@link RelayLocator} runs on a connector thread of its own
 * and may block (an HTTP call to the access server).
 *
 * <h2>HTTP proxy</h2> With {@link Builder#proxy(ProxySettings)} every connection starts with an HTTP
 * {@code CONNECT} to the relay (Basic or NTLM authentication, see {@link ProxySettings}); TLS starts once the proxy
 * answered 200. The relay's name is sent to the proxy unresolved, so the agent needs no DNS of its own. A refusal
 * (407, 403, proxy unreachable) is logged, kept as {@link TunnelError#PROXY_REFUSED} in {@link #lastError()}
 * with its message in {@link #lastFailure()}, and retried with backoff like any failed connection.
 */
public final class TunnelClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TunnelClient.class);
    /** How long the relay may take to admit a connected tunnel (authorization, duplicate check). */
    private static final Duration ADMISSION_TIMEOUT = Duration.ofSeconds(30);

    /** Connection state. */
    public enum State { INITIAL, CONNECTING, CONNECTED, DRAINING, BACKOFF, DISABLED, CLOSED }

    private static final Map<State, Set<State>> TRANSITIONS = Map.of(
            State.INITIAL, EnumSet.of(State.CONNECTING, State.DISABLED, State.CLOSED),
            State.CONNECTING, EnumSet.of(State.CONNECTED, State.BACKOFF, State.DISABLED, State.CLOSED),
            State.CONNECTED, EnumSet.of(State.DRAINING, State.BACKOFF, State.DISABLED, State.CLOSED),
            State.DRAINING, EnumSet.of(State.CONNECTING, State.BACKOFF, State.DISABLED, State.CLOSED),
            State.BACKOFF, EnumSet.of(State.CONNECTING, State.DISABLED, State.CLOSED),
            State.DISABLED, EnumSet.of(State.CONNECTING, State.INITIAL, State.CLOSED),
            State.CLOSED, EnumSet.noneOf(State.class));

    /** Marks a connection this client closes on purpose: its end says nothing about the site's NAT. */
    private static final AttributeKey<Boolean> CLOSED_ON_PURPOSE = AttributeKey.valueOf(TunnelClient.class, "closedOnPurpose");

    /** How long a connection closed by {@link #disable()} may take to write its GOAWAY before it is cut. */
    private static final Duration DISABLE_GOAWAY_GRACE = Duration.ofMillis(500);

    /** Where the relay is; asked before every connection attempt (the access server may move the device). */
    @FunctionalInterface
    public interface RelayLocator {
        InetSocketAddress locate() throws Exception;
    }

    private final Builder config;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ExecutorService connector;
    private final Backoff backoff;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final LanStreams lanStreams;
    private final KeepaliveAdaptation keepalive;
    private State state = State.INITIAL;
    private Instant stateSince;
    private volatile TunnelError lastError;
    private volatile TunnelException lastFailure;
    /** The connection that drives the state; older (draining) ones only finish their streams. */
    private Channel current;
    private ScheduledFuture<?> retry;
    private boolean started;
    /** Number of the latest attempt; an attempt whose number is older has been overtaken and gives up. */
    private long attempt;

    private TunnelClient(Builder config) {
        this.config = config;
        this.ownsGroup = config.group == null;
        this.group = ownsGroup ? Transport.newGroup(1, "gangway-tunnel") : config.group;
        // one thread, tasks in order; it ends after 30 s without work (a connected tunnel needs it rarely, and a
        // process holding thousands of clients, like the idle-tunnels bench, must not hold thousands of idle threads)
        java.util.concurrent.ThreadPoolExecutor connector = new java.util.concurrent.ThreadPoolExecutor(1, 1, 30,
                TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "gangway-tunnel-connector");
                    t.setDaemon(true);
                    return t;
                });
        connector.allowCoreThreadTimeOut(true);
        this.connector = connector;
        this.backoff = new Backoff(config.backoffMin, config.backoffMax, new java.util.Random());
        this.stateSince = config.clock.instant();
        this.lanStreams = new LanStreams(config.clock);
        this.keepalive = new KeepaliveAdaptation(config.keepaliveInterval, config.keepaliveFloor, config.clock.instant());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts connecting in the background; a client {@linkplain #disable() disabled} before stays closed. */
    public synchronized void start() {
        if (started || state == State.CLOSED) {
            throw new IllegalStateException("tunnel client was already started (state " + state + ")");
        }
        started = true;
        if (state == State.DISABLED) {
            return;
        }
        connectNow();
    }

    /**
     * Remote access is disabled on site (the key switch is off): closes the tunnel now, telling the relay why
     * ({@code GOAWAY NO_ERROR "SITE_DISABLED"}), and dials nothing until {@link #enable()}. Safe from any thread;
     * does nothing when already disabled or closed. Same as {@code suspend(TunnelError.SITE_DISABLED)}.
     */
    public void disable() {
        suspend(TunnelError.SITE_DISABLED);
    }

    /**
     * Closes the tunnel now, telling the relay why ({@code GOAWAY NO_ERROR "<reason>"}, e.g.
     * {@link TunnelError#IDLE_TIMEOUT} when an on-demand agent hangs up), and dials nothing — no relay lookup, no
     * connection, no keepalive — until {@link #enable()}. Enters {@code DISABLED} like {@link #disable()}. Safe from
     * any thread; does nothing when already disabled or closed; before {@link #start()} the client starts disabled.
     */
    public void suspend(TunnelError reason) {
        Objects.requireNonNull(reason, "reason");
        List<Channel> closing;
        synchronized (this) {
            if (state == State.DISABLED || state == State.CLOSED) {
                return;
            }
            moveTo(State.DISABLED);
            current = null;
            if (retry != null) {
                retry.cancel(false);
            }
            closing = List.copyOf(connections);
        }
        for (Channel channel : closing) {
            channel.eventLoop().execute(() -> goAwayAndClose(channel, reason));
        }
    }

    /** GOAWAY naming {@code reason} on an HTTP/2 tunnel, a plain close on a connection still in its TLS or proxy step. */
    private void goAwayAndClose(Channel channel, TunnelError reason) {
        channel.attr(CLOSED_ON_PURPOSE).set(Boolean.TRUE);
        if (!channel.isActive() || channel.pipeline().get("h2") == null) {
            channel.close();
            return;
        }
        log.info("closing the tunnel to relay {}: {}", channel.remoteAddress(), reason.description());
        H2.refuseConnection(channel, Http2Error.NO_ERROR, reason);
        // a relay that does not read must not keep the tunnel open: the switch means now
        channel.eventLoop().schedule(() -> {
            channel.close();
        }, DISABLE_GOAWAY_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Remote access is enabled on site again (or an on-demand device was woken): dials at once, without waiting for
     * a backoff delay, and forgets {@link #lastError()}. Does nothing unless {@code DISABLED} ({@link #disable()},
     * {@link #suspend}, or sent offline by the relay); before {@link #start()} it only undoes {@link #disable()}.
     */
    public synchronized void enable() {
        if (state != State.DISABLED) {
            return;
        }
        backoff.reset();
        lastError = null;
        lastFailure = null;
        if (!started) {
            moveTo(State.INITIAL);
            return;
        }
        connectNow();
    }

    /** Enters {@code CONNECTING} and starts a numbered attempt on the connector thread; call with the monitor held. */
    private void connectNow() {
        moveTo(State.CONNECTING);
        long number = ++attempt;
        connector.execute(() -> attempt(number));
    }

    /** Whether attempt {@code number} is still the one to make; call with the monitor held. */
    private boolean isCurrentAttempt(long number) {
        return state == State.CONNECTING && attempt == number;
    }

    public synchronized State state() {
        return state;
    }

    /** Since when the client is in its current state (by the injected clock). */
    public synchronized Instant stateSince() {
        return stateSince;
    }

    /**
     * The last refusal or failure the relay named (e.g. {@link TunnelError#REVOKED}, or
     * {@link TunnelError#SENT_OFFLINE} while sent offline), or null.
     */
    public TunnelError lastError() {
        return lastError;
    }

    /** The keepalive interval in force: the configured one, or shorter after the site's NAT cut idle tunnels. */
    public Duration keepaliveInterval() {
        return keepalive.interval();
    }

    /** LAN streams open now ({@code CONNECT} streams from the relay on any connection; not alarm polls or agent-info). */
    public int openStreams() {
        return lanStreams.open();
    }

    /**
     * When a LAN stream last opened or closed, or a tunnel was last admitted (by the injected clock); the client's
     * creation time before any of these.
     */
    public Instant lastStreamActivity() {
        return lanStreams.lastActivity();
    }

    /** The last refusal or failure with a message a user can act on (e.g. a proxy's 407), or null. */
    public TunnelException lastFailure() {
        return lastFailure;
    }

    private void failed(TunnelException failure) {
        lastFailure = failure;
        lastError = failure.error();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            moveTo(State.CLOSED);
            if (retry != null) {
                retry.cancel(false);
            }
        }
        for (Channel channel : connections) {
            channel.attr(CLOSED_ON_PURPOSE).set(Boolean.TRUE);
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        connector.shutdownNow();
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /** Checked transition; call with the monitor held. */
    private void moveTo(State next) {
        if (!TRANSITIONS.get(state).contains(next)) {
            throw new IllegalStateException("tunnel client cannot go from " + state + " to " + next);
        }
        log.debug("tunnel {} -> {}", state, next);
        state = next;
        stateSince = config.clock.instant();
        try {
            config.stateListener.accept(next);
        } catch (RuntimeException e) {
            log.warn("state listener failed", e);
        }
    }

    /** Runs on the connector thread: ask where the relay is, then dial. */
    private void attempt(long number) {
        synchronized (this) {
            if (!isCurrentAttempt(number)) {
                return;
            }
        }
        InetSocketAddress relay;
        try {
            relay = Objects.requireNonNull(config.locator.locate(), "relay locator returned no address");
        } catch (Exception e) {
            synchronized (this) {
                if (!isCurrentAttempt(number)) {
                    return;
                }
            }
            log.warn("cannot find the relay: {}", RelayConnection.brief(e));
            attemptFailed(number, "relay locator failed");
            return;
        }
        synchronized (this) {
            if (!isCurrentAttempt(number)) {
                return;
            }
        }
        ProxySettings proxy = config.proxy;
        InetSocketAddress proxyAddress = null;
        if (proxy != null) {
            // Resolved here, on the connector thread, for every attempt: the event loop must not block on DNS.
            proxyAddress = proxy.address().isUnresolved()
                    ? new InetSocketAddress(proxy.address().getHostString(), proxy.address().getPort())
                    : proxy.address();
            if (proxyAddress.isUnresolved()) {
                synchronized (this) {
                    if (!isCurrentAttempt(number)) {
                        return;
                    }
                }
                TunnelException failure = new TunnelException(TunnelError.PROXY_REFUSED,
                        "cannot find the HTTP proxy " + proxy.where() + ": unknown host");
                failed(failure);
                log.warn(failure.getMessage());
                attemptFailed(number, "proxy not found");
                return;
            }
        }
        log.info("connecting to relay {}{}", relay, proxy == null ? "" : " through the " + proxy);
        Bootstrap bootstrap = new Bootstrap();
        ProxyOutcome proxyOutcome = proxy == null ? null
                : new ProxyOutcome(proxy, proxyAddress, relay.getHostString() + ":" + relay.getPort());
        if (proxy != null) {
            // The proxy resolves the relay's name: behind a proxy the agent often has no DNS for the internet.
            bootstrap.resolver(NoopAddressResolverGroup.INSTANCE);
        }
        ChannelFuture connecting = bootstrap
                .group(group)
                .channel(Transport.socketChannel(group))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, H2.CONNECTION_WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout.toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler tls = config.sslContext.newHandler(ch.alloc(), relay.getHostString(), relay.getPort());
                        tls.setHandshakeTimeoutMillis(config.connectTimeout.toMillis());
                        Alpn alpn = new Alpn(ch);
                        if (proxy != null) {
                            ch.pipeline().addLast("proxy", proxyOutcome.handler(alpn));
                        }
                        ch.pipeline().addLast("tls", tls);
                        ch.pipeline().addLast("alpn", alpn);
                    }
                })
                .connect(relay);
        Channel channel = connecting.channel();
        synchronized (this) {
            if (!isCurrentAttempt(number)) {
                channel.attr(CLOSED_ON_PURPOSE).set(Boolean.TRUE);
                channel.close();
                return;
            }
            current = channel;
            connections.add(channel);
        }
        channel.closeFuture().addListener(f -> {
            connections.remove(channel);
            if (proxyOutcome != null) {
                proxyOutcome.reportFailure(); // before the state log reads lastError, whatever order Netty chose
            }
            lost(channel, "connection closed");
        });
        connecting.addListener(f -> {
            if (!f.isSuccess() && proxyOutcome != null) {
                proxyOutcome.report(f.cause());
            } else if (!f.isSuccess()) {
                log.info("cannot connect to relay {}: {}", relay, RelayConnection.brief(f.cause()));
            }
        });
        channel.eventLoop().schedule(() -> {
            synchronized (this) {
                if (current == channel && state == State.CONNECTING) {
                    log.warn("relay {} did not admit the tunnel within {} s", relay, ADMISSION_TIMEOUT.toSeconds());
                    channel.close();
                }
            }
        }, ADMISSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The HTTP proxy step of one connection: reports its failure once, in the user's words. */
    private final class ProxyOutcome {
        private final ProxySettings proxy;
        private final InetSocketAddress address;
        private final String relay;
        private final AtomicBoolean reported = new AtomicBoolean();
        private volatile ProxyHandler handler;

        ProxyOutcome(ProxySettings proxy, InetSocketAddress resolved, String relay) {
            this.proxy = proxy;
            this.address = resolved;
            this.relay = relay;
        }

        ProxyHandler handler(Alpn alpn) {
            ProxyHandler h = proxy.newHandler(address);
            h.setConnectTimeoutMillis(config.connectTimeout.toMillis());
            h.connectFuture().addListener(f -> {
                if (!f.isSuccess()) {
                    alpn.reported = true;
                    report(f.cause());
                }
            });
            handler = h;
            return h;
        }

        /** The connection closed: if the proxy step failed, make sure that is what {@link #lastError()} says. */
        void reportFailure() {
            ProxyHandler h = handler;
            if (h != null && h.connectFuture().isDone() && !h.connectFuture().isSuccess()) {
                report(h.connectFuture().cause());
            }
        }

        void report(Throwable cause) {
            if (reported.compareAndSet(false, true)) {
                TunnelException failure = ProxyFailure.describe(proxy, relay, cause);
                failed(failure);
                log.warn(failure.getMessage());
            }
        }
    }

    /** The relay asked for agent info: it has admitted this tunnel. */
    private void admitted(Channel channel) {
        synchronized (this) {
            if (current != channel || state != State.CONNECTING) {
                return;
            }
            backoff.reset();
            lastError = null;
            lastFailure = null;
            lanStreams.touch();
            moveTo(State.CONNECTED);
        }
        log.info("tunnel to relay {} is up", channel.remoteAddress());
    }

    private void goAway(Channel channel, long errorCode, TunnelError reason) {
        if (reason == TunnelError.SENT_OFFLINE) {
            sentOffline(channel);
            return;
        }
        if (errorCode == Http2Error.NO_ERROR.code() && reason == TunnelError.RELAY_SHUTDOWN) {
            synchronized (this) {
                if (current != channel || (state != State.CONNECTED && state != State.CONNECTING)) {
                    return;
                }
                failed(TunnelException.of(TunnelError.RELAY_SHUTDOWN, "relay " + channel.remoteAddress()
                        + " is shutting down"));
                // the first backoff step (jittered) rather than at once: the whole fleet gets this GOAWAY together
                backOff("ended: relay " + channel.remoteAddress() + " is shutting down");
            }
            return;
        }
        // Only a clean GOAWAY is a drain; an error must go through backoff, or a broken relay could make this
        // agent reconnect in a tight loop.
        if (errorCode == Http2Error.NO_ERROR.code() && (reason == null || reason == TunnelError.DRAINING)) {
            synchronized (this) {
                if (current != channel || state != State.CONNECTED) {
                    return;
                }
                log.info("relay {} asked this agent to reconnect (drain)", channel.remoteAddress());
                moveTo(State.DRAINING);
                current = null;
                connectNow();
            }
            return;
        }
        failed(TunnelException.of(reason == null ? TunnelError.PROTOCOL : reason,
                "relay " + channel.remoteAddress() + " ended the tunnel (HTTP/2 error " + errorCode + ")"));
        log.warn("relay {} refused or ended the tunnel: {} (HTTP/2 error {})", channel.remoteAddress(),
                lastError.description(), errorCode);
    }

    /**
     * The relay sent this device offline (the portal's "Send offline"): {@code DISABLED} with
     * {@link TunnelError#SENT_OFFLINE} in {@link #lastError()}, every connection closed, nothing dialled until
     * {@link #enable()}. Runs on the event loop of the connection that got the GOAWAY.
     */
    private void sentOffline(Channel channel) {
        List<Channel> closing;
        synchronized (this) {
            if (state == State.DISABLED || state == State.CLOSED) {
                return;
            }
            // before the state change, so that a state listener reads the reason
            failed(TunnelException.of(TunnelError.SENT_OFFLINE, "relay " + channel.remoteAddress()
                    + " closed the tunnel; it stays closed until the device is woken or enabled again"));
            moveTo(State.DISABLED);
            current = null;
            if (retry != null) {
                retry.cancel(false);
            }
            closing = List.copyOf(connections);
        }
        log.info("relay {} sent this device offline (the portal asked for it): the tunnel stays closed until woken",
                channel.remoteAddress());
        for (Channel c : closing) {
            c.attr(CLOSED_ON_PURPOSE).set(Boolean.TRUE);
            c.close();
        }
    }

    /** Attempt {@code number} failed before it had a connection: back off, unless a newer attempt replaced it. */
    private void attemptFailed(long number, String why) {
        synchronized (this) {
            if (isCurrentAttempt(number) && current == null) {
                backOff(why);
            }
        }
    }

    /** A connection ended: back off and try again, unless it was not the current one. */
    private void lost(Channel channel, String why) {
        synchronized (this) {
            if (channel == current && (state == State.CONNECTING || state == State.CONNECTED)) {
                backOff(why);
            }
        }
    }

    /** Schedules the next attempt after the backoff delay; call with the monitor held. */
    private void backOff(String why) {
        current = null;
        moveTo(State.BACKOFF);
        Duration delay = backoff.next();
        log.info("tunnel {}; retrying in {} ms", why, delay.toMillis());
        retry = group.next().schedule(() -> {
            synchronized (this) {
                if (state != State.BACKOFF) {
                    return;
                }
                connectNow();
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Sets up HTTP/2 (agent = server) once TLS agreed on {@link TunnelProtocol#ALPN_DEVICE_TUNNEL}. */
    private final class Alpn extends AlpnSelection {
        private final Channel channel;
        /** Set by the proxy handler when it already reported why the connection ends. */
        private boolean reported;

        Alpn(Channel channel) {
            this.channel = channel;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (!TunnelProtocol.ALPN_DEVICE_TUNNEL.equals(protocol)) {
                log.warn("relay {} does not speak {}; closing", channel.remoteAddress(), TunnelProtocol.ALPN_DEVICE_TUNNEL);
                failed(TunnelException.of(TunnelError.UNSUPPORTED_VERSION,
                        "relay " + channel.remoteAddress() + " does not speak " + TunnelProtocol.ALPN_DEVICE_TUNNEL));
                ctx.close();
                return;
            }
            Keepalive pings = Keepalive.announcing(keepalive.interval(), config.keepaliveTimeout,
                    reason -> log.warn("relay {} is not answering: {}", channel.remoteAddress(), reason),
                    new KeepaliveEvents(channel));
            AgentStreamHandler.Context streams = new AgentStreamHandler.Context(config.policy, config.agentInfo,
                    config.connectTimeout, connector, () -> admitted(channel), config.alarmSource, TunnelProtocol.ALARMS_HOLD,
                    lanStreams, pings::idleTime);
            ChannelPipeline p = ctx.pipeline();
            // with alarms, one stream more than maxStreams: the relay's alarm poll must not take a user's place
            p.addLast("h2", H2.tunnelCodec(true, config.maxStreams + (config.alarmSource == null ? 0L : 1L)));
            p.addLast("h2-window", new H2.ConnectionWindow());
            p.addLast("keepalive", pings);
            p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.config().setAutoRead(false);
                    stream.pipeline().addLast("request", new AgentStreamHandler(streams));
                }
            }));
            p.addLast("events", new Events(channel));
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof ProxyConnectException) {
                ctx.close(); // the proxy handler reports it
                return;
            }
            report(ctx, "TLS with relay " + channel.remoteAddress() + " failed: " + RelayConnection.brief(cause));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof ProxyConnectException) {
                ctx.close();
                return;
            }
            report(ctx, "connection to relay " + channel.remoteAddress() + " failed: " + RelayConnection.brief(cause));
        }

        private void report(ChannelHandlerContext ctx, String message) {
            if (!reported) {
                reported = true;
                log.warn(message);
            }
            ctx.close();
        }
    }

    /** What one connection's keepalive learned, for the {@link KeepaliveAdaptation}. Runs on its event loop. */
    private final class KeepaliveEvents implements Keepalive.Listener {
        private final Channel channel;

        KeepaliveEvents(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void answered(Duration silence) {
            String change = keepalive.answered(silence, config.clock.instant());
            if (change != null) {
                log.info(change);
                Keepalive pings = channel.pipeline().get(Keepalive.class);
                if (pings != null) {
                    pings.interval(keepalive.interval()); // announced to the relay in the next PING
                }
            }
        }

        @Override
        public void lostWhileWaiting(Duration silence, boolean timedOut) {
            synchronized (TunnelClient.this) {
                if (state == State.DISABLED || state == State.CLOSED) {
                    return;
                }
            }
            if (Boolean.TRUE.equals(channel.attr(CLOSED_ON_PURPOSE).get())) {
                return;
            }
            log.warn(keepalive.died(silence, timedOut, config.clock.instant()));
        }
    }

    /** Last handler of the tunnel: GOAWAY from the relay, errors. */
    private final class Events extends ChannelInboundHandlerAdapter {
        private final Channel channel;

        Events(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame frame) {
                goAway(channel, frame.errorCode(), H2.reasonOf(frame));
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.info("tunnel to relay {} failed: {}", channel.remoteAddress(), RelayConnection.brief(cause));
            H2.closeUnlessCodecHandles(ctx, cause);
        }
    }

    /**
     * Default keepalive interval, 180 s. An idle keepalive costs 444 to 510 bytes on an Ethernet link (the PING
     * exchange with TCP/IP and TLS, 276 to 342 bytes in 3 or 4 packets, and 168 bytes of ARP: after that long both
     * neighbour entries are stale, so both kernels probe 5 s later), so the 480 a day are 213 to 245 KB (229 KB
     * measured), under the 300 KB a day an idle cellular device may cost (docs/benchmarks.md). 180 s stays under
     * common NAT idle timeouts (4 to 5 minutes and more), and the adaptation handles stricter ones.
     */
    public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(180);
    /** Default time the relay has to answer a keepalive PING. */
    public static final Duration KEEPALIVE_ANSWER = Duration.ofSeconds(20);
    /** Default shortest interval the keepalive adapts down to. */
    public static final Duration KEEPALIVE_FLOOR = Duration.ofSeconds(20);

    /** Builder of a {@link TunnelClient}. */
    public static final class Builder {
        private RelayLocator locator;
        private SslContext sslContext;
        private TargetPolicy policy;
        private Supplier<String> agentInfo = () -> "{}";
        private Duration keepaliveInterval = DEFAULT_KEEPALIVE;
        private Duration keepaliveTimeout = KEEPALIVE_ANSWER;
        private Duration keepaliveFloor = KEEPALIVE_FLOOR;
        private Duration backoffMin = Duration.ofSeconds(1);
        private Duration backoffMax = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();
        private Consumer<State> stateListener = s -> { };
        private EventLoopGroup group;
        private int maxStreams = H2.DEFAULT_MAX_STREAMS_PER_TUNNEL;
        private ProxySettings proxy;
        private AlarmSource alarmSource;

        private Builder() {
        }

        public Builder relayLocator(RelayLocator locator) {
            this.locator = Objects.requireNonNull(locator, "relayLocator");
            return this;
        }

        public Builder sslContext(SslContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        /** The agent's allowlist; every stream's target passes it or is refused and logged. */
        public Builder targetPolicy(TargetPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "targetPolicy");
            return this;
        }

        /** JSON text answered to the relay's {@link TunnelProtocol#PATH_AGENT_INFO} request. */
        public Builder agentInfo(Supplier<String> agentInfo) {
            this.agentInfo = Objects.requireNonNull(agentInfo, "agentInfo");
            return this;
        }

        /**
         * PING after {@code interval} without anything read (the longest interval the adaptation uses); declare the
         * relay dead when nothing is read within {@code timeout} after it.
         */
        public Builder keepalive(Duration interval, Duration timeout) {
            this.keepaliveInterval = positive(interval, "keepalive interval");
            this.keepaliveTimeout = positive(timeout, "keepalive timeout");
            return this;
        }

        /** {@link #keepalive(Duration, Duration)} with the timeout {@code min(interval, 20 s)}. */
        public Builder keepalive(Duration interval) {
            positive(interval, "keepalive interval");
            return keepalive(interval, interval.compareTo(KEEPALIVE_ANSWER) < 0 ? interval : KEEPALIVE_ANSWER);
        }

        /**
         * The shortest interval the keepalive adapts down to when the site's NAT cuts idle tunnels (default 20 s;
         * an interval set below it is never shortened).
         */
        public Builder keepaliveFloor(Duration floor) {
            this.keepaliveFloor = positive(floor, "shortest keepalive interval");
            return this;
        }

        public Builder backoff(Duration min, Duration max) {
            positive(min, "minimum backoff");
            positive(max, "maximum backoff");
            if (max.compareTo(min) < 0) {
                throw new IllegalArgumentException("maximum backoff " + max + " is below the minimum " + min);
            }
            this.backoffMin = min;
            this.backoffMax = max;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Told of every state change (for logs and a status output). */
        public Builder stateListener(Consumer<State> listener) {
            this.stateListener = Objects.requireNonNull(listener, "stateListener");
            return this;
        }

        /**
         * Runs the tunnel and its LAN connections on this group instead of a one-thread group of its own; the
         * client does not shut it down.
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = Objects.requireNonNull(group, "eventLoopGroup");
            return this;
        }

        /**
         * Most user streams the relay may have open on this tunnel at once (SETTINGS_MAX_CONCURRENT_STREAMS, plus one
         * for the alarm poll when an {@link #alarmSource} is set).
         */
        public Builder maxStreams(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxStreams must be at least 1, was " + max);
            }
            this.maxStreams = max;
            return this;
        }

        /** Reaches the relay through this HTTP proxy ({@code CONNECT}); null (the default) dials directly. */
        public Builder proxy(ProxySettings proxy) {
            this.proxy = proxy;
            return this;
        }

        /**
         * The agent's alarm queue, served to the relay's alarm polls ({@link TunnelProtocol#PATH_ALARMS}); null (the
         * default) answers them {@code 404}, and the relay stops asking.
         */
        public Builder alarmSource(AlarmSource source) {
            this.alarmSource = source;
            return this;
        }

        public TunnelClient build() {
            if (locator == null) {
                throw new IllegalStateException("tunnel client needs a relayLocator");
            }
            if (sslContext == null || !sslContext.isClient()) {
                throw new IllegalStateException("tunnel client needs a client sslContext (TunnelTls.forAgent)");
            }
            if (policy == null) {
                throw new IllegalStateException("tunnel client needs a targetPolicy");
            }
            return new TunnelClient(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
