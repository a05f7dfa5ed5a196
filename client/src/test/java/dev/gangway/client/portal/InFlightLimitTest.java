package dev.gangway.client.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The asynchronous semaphore: a bound on running tasks, the rest waiting in order, none dropped. */
class InFlightLimitTest {

    private final List<Integer> started = new ArrayList<>();
    private final List<CompletableFuture<Integer>> running = new ArrayList<>();
    private final InFlightLimit limit = new InFlightLimit(3, Runnable::run);

    private CompletableFuture<Integer> submit(int n) {
        return limit.submit(() -> {
            started.add(n);
            CompletableFuture<Integer> task = new CompletableFuture<>();
            running.add(task);
            return task;
        });
    }

    @Test
    void atMostMaxRunAndTheOthersStartInTheOrderTheyCame() {
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(submit(i));
        }
        assertThat(started).containsExactly(0, 1, 2);
        assertThat(limit.running()).isEqualTo(3);
        assertThat(limit.waiting()).isEqualTo(5);

        running.get(1).complete(10);
        assertThat(results.get(1)).isCompletedWithValue(10);
        assertThat(started).containsExactly(0, 1, 2, 3);
        running.get(0).completeExceptionally(new IllegalStateException("refused"));
        assertThat(results.get(0)).isCompletedExceptionally();
        assertThat(started).as("a failure frees its place too").containsExactly(0, 1, 2, 3, 4);

        for (int i = 2; i < 8; i++) {
            running.get(i).complete(i * 10);
        }
        assertThat(started).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        for (int i = 2; i < 8; i++) {
            assertThat(results.get(i)).isCompletedWithValue(i * 10);
        }
        assertThat(limit.running()).isZero();
        assertThat(limit.waiting()).isZero();
    }

    @Test
    void aTaskThatThrowsFailsItsResultAndFreesItsPlace() {
        CompletableFuture<Integer> failed = limit.submit(() -> {
            throw new IllegalArgumentException("bad request");
        });
        assertThat(failed).isCompletedExceptionally();
        assertThat(limit.running()).isZero();
    }
}
