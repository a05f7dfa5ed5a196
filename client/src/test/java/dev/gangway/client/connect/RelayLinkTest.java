package dev.gangway.client.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Dialling the relay once, again when the connection is gone, and draining after a certificate renewal. */
class RelayLinkTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<CompletableFuture<RelayLink.Connection>> dials = new CopyOnWriteArrayList<>();
    private final RelayLink link = new RelayLink(() -> {
        CompletableFuture<RelayLink.Connection> dial = new CompletableFuture<>();
        dials.add(dial);
        return dial;
    }, scheduler, Duration.ofMillis(1), Duration.ofMillis(2));

    @AfterEach
    void tearDown() {
        scheduler.shutdownNow();
    }

    /** A relay connection whose streams are embedded channels. */
    static final class FakeConnection implements RelayLink.Connection {
        final List<String> tickets = new CopyOnWriteArrayList<>();
        final List<EmbeddedChannel> streams = new CopyOnWriteArrayList<>();
        volatile boolean active = true;
        final CompletableFuture<Void> closed = new CompletableFuture<>();

        @Override
        public CompletableFuture<Channel> openStream(String ticket) {
            tickets.add(ticket);
            EmbeddedChannel stream = new EmbeddedChannel();
            streams.add(stream);
            return CompletableFuture.completedFuture(stream);
        }

        @Override
        public boolean isActive() {
            return active;
        }

        @Override
        public void close() {
            active = false;
            closed.complete(null);
        }
    }

    private CompletableFuture<RelayLink.Connection> dial(int index) throws Exception {
        for (int i = 0; i < 1000 && dials.size() <= index; i++) {
            Thread.sleep(5);
        }
        assertThat(dials).hasSizeGreaterThan(index);
        return dials.get(index);
    }

    @Test
    void streamsWaitingForTheDialShareIt() throws Exception {
        CompletableFuture<Channel> a = link.open(CompletableFuture.completedFuture("t1"));
        CompletableFuture<Channel> b = link.open(CompletableFuture.completedFuture("t2"));
        FakeConnection connection = new FakeConnection();
        dial(0).complete(connection);
        assertThat(a.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(b.get(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(dials).hasSize(1);
        assertThat(connection.tickets).containsExactlyInAnyOrder("t1", "t2");
        assertThat(link.streams()).isEqualTo(2);
        connection.streams.forEach(EmbeddedChannel::close);
        assertThat(link.streams()).isZero();
    }

    @Test
    void aLostConnectionIsDialledAgainOnTheNextStream() throws Exception {
        FakeConnection first = new FakeConnection();
        CompletableFuture<Channel> a = link.open(CompletableFuture.completedFuture("t1"));
        dial(0).complete(first);
        a.get(5, TimeUnit.SECONDS);
        first.active = false;
        CompletableFuture<Channel> b = link.open(CompletableFuture.completedFuture("t2"));
        FakeConnection second = new FakeConnection();
        dial(1).complete(second);
        b.get(5, TimeUnit.SECONDS);
        assertThat(second.tickets).containsExactly("t2");
        first.closed.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aFailedDialFailsItsStreamsAndTheNextStreamTriesAgain() throws Exception {
        CompletableFuture<Channel> a = link.open(CompletableFuture.completedFuture("t1"));
        dial(0).completeExceptionally(new java.net.ConnectException("Connection refused"));
        assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("Connection refused");
        assertThat(link.streams()).isZero();
        CompletableFuture<Channel> b = link.open(CompletableFuture.completedFuture("t2"));
        dial(1).complete(new FakeConnection());
        assertThat(b.get(5, TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void aRefusedTicketOpensNoStream() throws Exception {
        FakeConnection connection = new FakeConnection();
        CompletableFuture<Channel> a = link.open(CompletableFuture.failedFuture(new IllegalStateException("no-right")));
        dial(0).complete(connection);
        assertThatThrownBy(() -> a.get(5, TimeUnit.SECONDS)).hasRootCauseMessage("no-right");
        assertThat(connection.tickets).isEmpty();
        assertThat(link.streams()).isZero();
    }

    @Test
    void drainingClosesTheConnectionWhenItsLastStreamEnds() throws Exception {
        FakeConnection connection = new FakeConnection();
        CompletableFuture<Channel> a = link.open(CompletableFuture.completedFuture("t1"));
        dial(0).complete(connection);
        Channel stream = a.get(5, TimeUnit.SECONDS);
        link.drain();
        assertThat(connection.closed).isNotDone();
        stream.close();
        connection.closed.get(5, TimeUnit.SECONDS);
    }

    @Test
    void drainingAnIdleConnectionClosesIt() throws Exception {
        FakeConnection connection = new FakeConnection();
        link.connection();
        dial(0).complete(connection);
        link.drain();
        connection.closed.get(5, TimeUnit.SECONDS);
        link.drained().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aDrainedLinkIsClosedAndSaysSo() throws Exception {
        FakeConnection connection = new FakeConnection();
        CompletableFuture<Channel> a = link.open(CompletableFuture.completedFuture("t1"));
        dial(0).complete(connection);
        Channel stream = a.get(5, TimeUnit.SECONDS);
        link.drain();
        assertThat(link.drained()).isNotDone();
        assertThat(link.reserve()).as("a stream may still come while others run").isTrue();
        Channel late = link.openReserved(CompletableFuture.completedFuture("t2")).get(5, TimeUnit.SECONDS);
        stream.close();
        assertThat(link.drained()).isNotDone();
        late.close();
        link.drained().get(5, TimeUnit.SECONDS);
        assertThat(connection.closed).isDone();
        assertThat(link.reserve()).as("drained: no new stream, no new dial").isFalse();
        assertThatThrownBy(() -> link.open(CompletableFuture.completedFuture("t3")).get(5, TimeUnit.SECONDS))
                .hasMessageContaining("closed");
        assertThat(dials).hasSize(1);
    }

    @Test
    void drainingDuringADialFinishesWhenTheDialDoes() throws Exception {
        link.connection();
        CompletableFuture<RelayLink.Connection> dialling = dial(0);
        link.drain();
        assertThat(link.drained()).isNotDone();
        FakeConnection connection = new FakeConnection();
        dialling.complete(connection);
        link.drained().get(5, TimeUnit.SECONDS);
        assertThat(connection.closed).isDone();
    }

    @Test
    void closedLinkOpensNothing() throws Exception {
        FakeConnection connection = new FakeConnection();
        link.connection();
        dial(0).complete(connection);
        link.close();
        assertThat(connection.closed).isDone();
        assertThatThrownBy(() -> link.open(CompletableFuture.completedFuture("t")).get(5, TimeUnit.SECONDS))
                .hasMessageContaining("closed");
    }
}
