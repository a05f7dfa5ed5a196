package dev.gangway.tunnel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The agent's alarm queue as its tunnel serves it to the relay ({@code GET /gangway/v1/alarms?ack=N}, see
 * {@link TunnelProtocol#PATH_ALARMS}); set with {@link TunnelClient.Builder#alarmSource}. Without one the agent
 * answers {@code 404} and the relay does not ask again on that tunnel.
 *
 * <h2>Threading</h2> {@link #poll} is called on the tunnel's event loop and must not block; the future may complete
 * on any thread.
 */
@FunctionalInterface
public interface AlarmSource {

    /**
     * The relay confirmed every alarm up to {@code ack} (the access server stored them): forget them, then complete
     * with the queued alarms whose sequence is higher, in sequence order, as soon as there are some. The tunnel sends
     * at most {@value TunnelProtocol#MAX_ALARMS_PER_ANSWER} of them and what fits in
     * {@value TunnelProtocol#MAX_ALARMS_ANSWER_BYTES} bytes; the rest go in later answers.
     *
     * <p>The future may complete with an empty list at any time. If it has not completed after {@code wait}, the
     * tunnel answers "no alarms" itself and cancels it; it is cancelled too when the relay stops waiting (the tunnel
     * closed). A future that fails makes the tunnel answer {@code 500}; the relay asks again a few seconds later.
     *
     * @param ack the highest sequence the access server confirmed; 0 when the relay confirms nothing (first poll on a
     *     tunnel)
     * @param wait how long the relay is prepared to wait for an answer
     */
    CompletableFuture<List<Alarm>> poll(long ack, Duration wait);
}
