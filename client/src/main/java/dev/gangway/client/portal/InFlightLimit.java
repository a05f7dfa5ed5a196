package dev.gangway.client.portal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A semaphore for asynchronous work that never blocks a thread: at most {@code max} tasks run at once; the others
 * wait in a queue, in the order they came, and each starts (on {@code executor}) when a running one completes.
 * Nothing is dropped: every task submitted runs, and its result reaches the caller.
 *
 * <p>Thread-safe. {@link #submit} may be called on an event loop: it never waits.
 */
final class InFlightLimit {

    private final int max;
    private final Executor executor;
    private final Queue<Runnable> waiting = new ArrayDeque<>();
    private int running;

    InFlightLimit(int max, Executor executor) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        this.max = max;
        this.executor = executor;
    }

    /** Runs {@code task} now if fewer than {@code max} run, else when its turn comes; completes with its result. */
    <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            CompletableFuture<T> running;
            try {
                running = task.get();
            } catch (RuntimeException e) {
                running = CompletableFuture.failedFuture(e);
            }
            running.whenComplete((value, error) -> {
                release();
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
        };
        boolean now;
        synchronized (this) {
            now = running < max;
            if (now) {
                running++;
            } else {
                waiting.add(start);
            }
        }
        if (now) {
            start.run();
        }
        return result;
    }

    /** A task completed: the next waiting one takes its place. */
    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                running--;
            }
        }
        if (next != null) {
            executor.execute(next);
        }
    }

    /** Tasks running now. */
    synchronized int running() {
        return running;
    }

    /** Tasks waiting for their turn. */
    synchronized int waiting() {
        return waiting.size();
    }
}
