package dev.gangway.tunnel;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's alarm long poll on one device tunnel: asks the agent for its alarms ({@link AlarmsRequest}), hands a
 * non-empty answer to {@link TunnelListener#alarmsReceived} and, once that stage completed normally, asks again with
 * the new acknowledgement (the last sequence handed over). Any failure — no answer, a hostile or oversized answer, a
 * failed or unfinished listener stage — is followed by a new poll with the old acknowledgement after the retry delay.
 * An agent that answers {@code 404} is not asked again on this tunnel, and the tunnel drops its poller.
 *
 * <h2>Lifecycle</h2> {@link #start()} once the tunnel is up; {@link #stop()} when it goes. One poll at a time.
 *
 * <h2>Threading</h2> Everything runs on the tunnel's event loop; {@code start} and {@code stop} may be called from any
 * thread.
 */
final class AlarmPoller {

    private static final Logger log = LoggerFactory.getLogger(AlarmPoller.class);
    /** Empty answers faster than this are paced (a legitimate agent holds an empty poll for a minute). */
    private static final Duration MIN_EMPTY_INTERVAL = Duration.ofSeconds(1);

    /** What one poll came back with. */
    sealed interface Answer permits Alarms, NotOffered, Failed {
    }

    /** A {@code 200} with a valid body (possibly no alarms). */
    record Alarms(List<Alarm> alarms) implements Answer {
    }

    /** {@code 404}: the agent has no alarms (an older agent, or alarms not configured). */
    record NotOffered() implements Answer {
    }

    /** Anything else, with why. */
    record Failed(String why) implements Answer {
    }

    /** Timings of the poll loop. */
    record Timing(Duration answerTimeout, Duration retryDelay, Duration listenerTimeout) {
        static final Timing DEFAULT = new Timing(TunnelProtocol.ALARMS_HOLD.plusSeconds(15), Duration.ofSeconds(5),
                Duration.ofSeconds(60));
    }

    private final RelayServer relay;
    private final DeviceTunnel tunnel;
    private final DeviceIdentity device;
    private final Channel channel;
    private final EventLoop loop;
    private final Timing timing;
    private long ack;
    private volatile boolean stopped;
    private Channel stream;
    private ScheduledFuture<?> next;
    private long sentAt;
    /** Failures in a row: the first is a warning, the rest are logged at debug until a poll succeeds. */
    private int failures;

    AlarmPoller(RelayServer relay, DeviceTunnel tunnel, DeviceIdentity device, Timing timing) {
        this.relay = relay;
        this.tunnel = tunnel;
        this.device = device;
        this.channel = tunnel.channel;
        this.loop = channel.eventLoop();
        this.timing = timing;
    }

    void start() {
        run(this::poll);
    }

    void stop() {
        run(() -> {
            stopped = true;
            if (next != null) {
                next.cancel(false);
                next = null;
            }
            if (stream != null) {
                stream.close();
                stream = null;
            }
        });
    }

    /** Runs on the event loop; once the loop is shut down (relay closed) there is nothing left to poll or stop. */
    private void run(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            stopped = true;
        }
    }

    private boolean active() {
        return !stopped && tunnel.isUp() && channel.isActive();
    }

    private void poll() {
        next = null;
        if (!active()) {
            return;
        }
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        sentAt = System.nanoTime();
        new Http2StreamChannelBootstrap(channel)
                .handler(new AlarmsRequest(ack, answer, timing.answerTimeout()))
                .open()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        stream = (Channel) f.getNow();
                    } else {
                        answer.complete(new Failed("cannot open a stream" + (f.cause() == null ? ""
                                : ": " + RelayConnection.brief(f.cause()))));
                    }
                });
        answer.thenAcceptAsync(this::answered, loop);
    }

    private void answered(Answer answer) {
        try {
            handle(answer);
        } catch (RuntimeException e) {
            log.warn("device {}: alarm poll failed", device.deviceId(), e);
            failed("alarm poll failed: " + RelayConnection.brief(e));
        }
    }

    private void handle(Answer answer) {
        stream = null;
        if (!active()) {
            return;
        }
        if (answer instanceof NotOffered) {
            log.info("device {}: its agent offers no alarms; not asking again on this tunnel", device.deviceId());
            stopped = true;
            // nothing of this poller is needed any more: the tunnel lets go of it (an idle relay holds thousands)
            tunnel.alarmsNotOffered(this);
        } else if (answer instanceof Failed failed) {
            failed("alarm poll failed: " + failed.why());
        } else if (answer instanceof Alarms alarms) {
            List<Alarm> fresh = alarms.alarms().stream().filter(a -> a.sequence() > ack).toList();
            if (fresh.isEmpty()) {
                long elapsed = System.nanoTime() - sentAt;
                schedule(Math.max(0, MIN_EMPTY_INTERVAL.toNanos() - elapsed));
            } else {
                deliver(fresh);
            }
        }
    }

    private void deliver(List<Alarm> alarms) {
        CompletionStage<Void> stage;
        try {
            stage = relay.alarmsReceived(device, alarms);
        } catch (RuntimeException e) {
            log.warn("device {}: the tunnel listener failed on {} alarm(s)", device.deviceId(), alarms.size(), e);
            failed("the alarms were not stored");
            return;
        }
        if (stage == null) {
            failed("the tunnel listener returned no stage for the alarms");
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        ScheduledFuture<?> expiry = loop.schedule(() -> {
            done.completeExceptionally(new TimeoutException("not stored within " + timing.listenerTimeout().toSeconds()
                    + " s"));
        }, timing.listenerTimeout().toNanos(), TimeUnit.NANOSECONDS);
        stage.whenComplete((ok, error) -> {
            if (error == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(error);
            }
        });
        long last = alarms.get(alarms.size() - 1).sequence();
        done.whenCompleteAsync((ok, error) -> {
            expiry.cancel(false);
            if (!active()) {
                return;
            }
            if (error != null) {
                failed("the access server did not store " + alarms.size() + " alarm(s) (" + RelayConnection.brief(error)
                        + ")");
                return;
            }
            log.info("device {}: {} alarm(s) received, sequence {} to {}", device.deviceId(), alarms.size(),
                    alarms.get(0).sequence(), last);
            ack = last;
            failures = 0;
            poll();
        }, loop);
    }

    private void failed(String why) {
        failures++;
        if (failures == 1) {
            log.warn("device {}: {}; asking again in {} ms", device.deviceId(), why, timing.retryDelay().toMillis());
        } else {
            log.debug("device {}: {} ({} failures in a row); asking again in {} ms", device.deviceId(), why, failures,
                    timing.retryDelay().toMillis());
        }
        schedule(timing.retryDelay().toNanos());
    }

    private void schedule(long delayNanos) {
        if (delayNanos <= 0) {
            poll();
            return;
        }
        next = loop.schedule(this::poll, delayNanos, TimeUnit.NANOSECONDS);
    }
}
