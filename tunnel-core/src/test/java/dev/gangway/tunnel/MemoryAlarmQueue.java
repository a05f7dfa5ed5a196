package dev.gangway.tunnel;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** An agent's alarm queue in memory, as the contract of {@link AlarmSource} asks; records every ack it was given. */
final class MemoryAlarmQueue implements AlarmSource {

    final List<Long> acks = new CopyOnWriteArrayList<>();
    private final List<Alarm> queued = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private long sequence;

    private record Waiter(long ack, CompletableFuture<List<Alarm>> future) {
    }

    synchronized Alarm add(String subject) {
        Alarm alarm = new Alarm(UUID.randomUUID().toString(), ++sequence, Instant.now(), Alarm.SOURCE_HTTP,
                "198.18.0.9", subject, "text of " + subject);
        queued.add(alarm);
        List<Waiter> ready = new ArrayList<>(waiters);
        waiters.clear();
        for (Waiter w : ready) {
            w.future().complete(after(w.ack()));
        }
        return alarm;
    }

    synchronized List<Alarm> queued() {
        return List.copyOf(queued);
    }

    @Override
    public synchronized CompletableFuture<List<Alarm>> poll(long ack, Duration wait) {
        acks.add(ack);
        queued.removeIf(a -> a.sequence() <= ack);
        List<Alarm> due = after(ack);
        if (!due.isEmpty()) {
            return CompletableFuture.completedFuture(due);
        }
        CompletableFuture<List<Alarm>> future = new CompletableFuture<>();
        Waiter waiter = new Waiter(ack, future);
        waiters.add(waiter);
        future.whenComplete((v, e) -> {
            synchronized (this) {
                waiters.remove(waiter);
            }
        });
        return future;
    }

    private List<Alarm> after(long ack) {
        return queued.stream().filter(a -> a.sequence() > ack).toList();
    }
}
