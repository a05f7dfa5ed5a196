package dev.gangway.tunnel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's side of one device tunnel: the relay is the HTTP/2 client on the connection the agent opened.
 *
 * <h2>Lifecycle</h2> Created after the TLS handshake; {@link #authorized} admits it (or refuses with GOAWAY
 * naming the {@link TunnelError}), and a second authorizer check may still disconnect it; it is <em>up</em> after the agent answered the agent-info request, and
 * retired exactly once (drain, disconnect, replacement or close), which tells the listener it is down. An agent that
 * leaves with {@code GOAWAY "SITE_DISABLED"} (its site's key switch is off) is reported down with the reason
 * {@link TunnelError#SITE_DISABLED}'s description, "remote access disabled on site"; one that leaves with
 * {@code GOAWAY "IDLE_TIMEOUT"} (an on-demand agent hung up) with {@link TunnelError#IDLE_TIMEOUT}'s description. While it is up, an
 * {@link AlarmPoller} asks the agent for its alarms; it stops when the tunnel is retired.
 *
 * <h2>Threading</h2> Stream bookkeeping happens on the connection's event loop; registry maps are concurrent.
 */
final class DeviceTunnel {

    private static final Logger log = LoggerFactory.getLogger(DeviceTunnel.class);
    private static final Duration DUPLICATE_PROBE = Duration.ofSeconds(3);
    private static final Duration AGENT_INFO_TIMEOUT = Duration.ofSeconds(10);

    private final RelayServer relay;
    final Channel channel;
    final InetSocketAddress remote;
    private final AtomicBoolean retired = new AtomicBoolean();
    volatile DeviceIdentity identity;
    volatile Keepalive keepalive;
    private volatile boolean up;
    private volatile boolean draining;
    private volatile String closeReason;
    private volatile AlarmPoller alarms;
    private int activeStreams;

    DeviceTunnel(RelayServer relay, Channel channel) {
        this.relay = relay;
        this.channel = channel;
        this.remote = (InetSocketAddress) channel.remoteAddress();
        channel.closeFuture().addListener(f -> retire(closeReason == null ? "connection closed" : closeReason));
    }

    void deadPeer(String reason) {
        closeReason = reason;
        log.info("device tunnel from {} is dead: {}", remote, reason);
    }

    boolean isUp() {
        return up && !retired.get();
    }

    /** Called on the event loop with the authorizer's verdict. */
    void authorized(DeviceIdentity who, Throwable error) {
        if (!channel.isActive()) {
            return;
        }
        if (error != null) {
            TunnelError reason = error instanceof TunnelException te ? te.error() : TunnelError.INTERNAL;
            if (error instanceof TunnelException) {
                log.info("refused device tunnel from {}: {}", remote, error.getMessage());
            } else {
                log.warn("device authorizer failed for a tunnel from {}", remote, error);
            }
            refuse(reason, "refused: " + reason.description());
            return;
        }
        identity = who;
        DeviceTunnel existing = relay.tunnelHolding(who.certificateSerial(), this);
        if (existing == null) {
            admit();
            return;
        }
        existing.channel.eventLoop().execute(() -> existing.keepalive.probe(DUPLICATE_PROBE).addListener(f -> {
            boolean alive = Boolean.TRUE.equals(f.getNow());
            channel.eventLoop().execute(() -> {
                if (alive && existing.channel.isActive()) {
                    log.info("refused device tunnel from {} for device {}: certificate {} already holds a live tunnel from {}",
                            remote, who.deviceId(), who.certificateSerial(), existing.remote);
                    refuse(TunnelError.DUPLICATE_TUNNEL, "duplicate");
                } else {
                    existing.close("replaced by a new tunnel from " + remote, TunnelError.DUPLICATE_TUNNEL);
                    admit();
                }
            });
        }));
    }

    private void admit() {
        // Retired already: the second authorizer check refused it while a duplicate was being probed.
        if (!channel.isActive() || retired.get()) {
            return;
        }
        if (!relay.claim(identity.certificateSerial(), this)) {
            refuse(TunnelError.DUPLICATE_TUNNEL, "duplicate");
            return;
        }
        CompletableFuture<String> info = new CompletableFuture<>();
        new Http2StreamChannelBootstrap(channel)
                .handler(new AgentInfoRequest(info, AGENT_INFO_TIMEOUT, keepalive::peerAnnounced))
                .open()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        info.complete("");
                    }
                });
        info.thenAcceptAsync(this::up, channel.eventLoop());
    }

    private void up(String agentInfo) {
        if (!channel.isActive() || retired.get()) {
            return;
        }
        up = true;
        relay.online(this);
        log.info("device {} tunnel up from {}", identity.deviceId(), remote);
        relay.notifyUp(identity, remote, agentInfo);
        alarms = new AlarmPoller(relay, this, identity, relay.alarmTiming());
        alarms.start();
    }

    boolean hasAlarmPoller() {
        return alarms != null;
    }

    /** The agent offers no alarms ({@code 404}): forget the stopped poller. Runs on the event loop. */
    void alarmsNotOffered(AlarmPoller poller) {
        if (alarms == poller) {
            alarms = null;
        }
    }

    /**
     * Opens a {@code CONNECT} stream to the ticket's target; completes on the device's answer. A stream cut
     * ({@link RelayServer#closeStreams}) before the device answered is reset and fails with the cut's reason.
     */
    CompletableFuture<Channel> openStream(RelayServer.TrackedStream tracked) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        channel.eventLoop().execute(() -> open(tracked, result));
        return result;
    }

    private void open(RelayServer.TrackedStream tracked, CompletableFuture<Channel> result) {
        StreamTicket ticket = tracked.ticket;
        if (draining) {
            result.completeExceptionally(TunnelException.of(TunnelError.DRAINING, null));
            return;
        }
        if (!channel.isActive() || retired.get()) {
            result.completeExceptionally(TunnelException.of(TunnelError.DEVICE_OFFLINE, ticket.deviceId()));
            return;
        }
        if (activeStreams >= relay.maxStreamsPerTunnel()) {
            log.info("refused stream {} to device {}: {} streams open", ticket.ticketId(), ticket.deviceId(), activeStreams);
            result.completeExceptionally(TunnelException.of(TunnelError.TOO_MANY_STREAMS,
                    "at most " + relay.maxStreamsPerTunnel()));
            return;
        }
        activeStreams++;
        StreamBytes.Counter counter = new StreamBytes.Counter();
        CompletableFuture<Channel> answered = new CompletableFuture<>();
        AtomicBoolean opened = new AtomicBoolean();
        new Http2StreamChannelBootstrap(channel)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ConnectRequest(H2.connect(ticket.target()), answered, relay.streamOpenTimeout(), counter))
                .open()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        streamEnded();
                        answered.completeExceptionally(new TunnelException(TunnelError.DEVICE_OFFLINE,
                                "cannot open a stream on the tunnel", f.cause()));
                        return;
                    }
                    Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
                    stream.closeFuture().addListener(c -> {
                        streamEnded();
                        relay.untrack(tracked);
                        if (opened.get()) {
                            log.debug("stream {} closed: {} bytes to device, {} from device", ticket.ticketId(),
                                    counter.written, counter.read);
                            relay.notifyStreamClosed(ticket, counter.written, counter.read);
                        }
                    });
                });
        answered.whenComplete((stream, error) -> {
            if (error != null) {
                if (error instanceof TunnelException te) {
                    log.info("stream {} to {} on device {} refused: {}", ticket.ticketId(), ticket.target(),
                            ticket.deviceId(), te.getMessage());
                }
                result.completeExceptionally(error);
                return;
            }
            if (!tracked.opened(stream)) {
                log.info("stream {} to {} on device {} was cut before it opened", ticket.ticketId(), ticket.target(),
                        ticket.deviceId());
                stream.close();
                result.completeExceptionally(RelayServer.TrackedStream.cutException(tracked.cutReason()));
                return;
            }
            opened.set(true);
            relay.notifyStreamOpened(ticket);
            if (!result.complete(stream)) {
                stream.close();
            }
        });
    }

    private void streamEnded() {
        activeStreams--;
        if (draining && activeStreams <= 0) {
            channel.close();
        }
    }

    /** GOAWAY now; the connection closes when its last stream ends. */
    void drain() {
        channel.eventLoop().execute(() -> {
            if (draining || !channel.isActive()) {
                return;
            }
            draining = true;
            closeReason = "drained";
            retire("draining");
            channel.writeAndFlush(H2.goAway(Http2Error.NO_ERROR, TunnelError.DRAINING));
            if (activeStreams <= 0) {
                channel.close();
            }
        });
    }

    /** Closes now, telling the agent why; safe from any thread. */
    void close(String reason, TunnelError error) {
        closeReason = reason;
        retire(reason);
        channel.eventLoop().execute(() -> H2.refuseConnection(channel,
                error == TunnelError.DRAINING || error == TunnelError.RELAY_SHUTDOWN ? Http2Error.NO_ERROR : Http2Error.CANCEL,
                error));
    }

    private void refuse(TunnelError error, String reason) {
        closeReason = reason;
        H2.refuseConnection(channel, Http2Error.CANCEL, error);
    }

    private void retire(String reason) {
        if (!retired.compareAndSet(false, true)) {
            return;
        }
        boolean wasUp = up;
        AlarmPoller poller = alarms;
        if (poller != null) {
            poller.stop();
        }
        relay.forget(this, wasUp, reason);
    }

    /** Last handler of a device tunnel: GOAWAY from the agent, stray inbound frames, connection errors. */
    final class Events extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2GoAwayFrame goAway) {
                // the agent names why it leaves: SITE_DISABLED (key switch off) and IDLE_TIMEOUT (an on-demand agent
                // hung up) reach the listener's tunnelDown as their descriptions
                TunnelError reason = H2.reasonOf(goAway);
                log.info("device tunnel from {} sent GOAWAY ({}{})", remote, goAway.errorCode(),
                        reason == null ? "" : ", " + reason.name());
                closeReason = reason == TunnelError.SITE_DISABLED || reason == TunnelError.IDLE_TIMEOUT
                        ? reason.description() : "agent went away";
            }
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.info("device tunnel from {} failed: {}", remote, cause.toString());
            if (closeReason == null) {
                closeReason = "connection failed: " + RelayConnection.brief(cause);
            }
            H2.closeUnlessCodecHandles(ctx, cause);
        }
    }
}
