package dev.gangway.client.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.client.ExitCode;
import dev.gangway.client.FakePortal;
import dev.gangway.client.FakePortal.Reply;
import dev.gangway.tunnel.LanTarget;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ticket requests against a local portal: a bound on those in flight, and a throttled one sent again. */
class PortalClientTicketsTest {

    private static final String TICKET = "{\"ticket\":\"t\",\"expiresAt\":\"2030-01-01T00:00:00Z\","
            + "\"relay\":{\"host\":\"127.0.0.1\",\"port\":8443}}";

    private FakePortal portal;
    private PortalClient client;
    private final CountDownLatch gate = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws Exception {
        portal = new FakePortal();
        client = new PortalClient(URI.create(portal.url()), Optional.empty(), SSLContext.getDefault(), "test");
    }

    @AfterEach
    void tearDown() {
        gate.countDown();
        portal.close();
    }

    private CompletableFuture<Ticket> ticket() {
        return client.ticket(FakePortal.TOKEN, "dev-7", new LanTarget("198.19.0.2", 80), "ab".repeat(32));
    }

    /** Waits (at most 10 s) until the portal has {@code n} ticket requests. */
    private void awaitRequests(int n) throws InterruptedException {
        for (int i = 0; i < 1000 && portal.requests("POST /tickets").size() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(portal.requests("POST /tickets")).hasSizeGreaterThanOrEqualTo(n);
    }

    @Test
    void atMost32TicketRequestsAreInFlightTheOthersWaitAndNoneIsDropped() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        portal.on("POST /tickets", r -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
            return new Reply(201, TICKET);
        });
        List<CompletableFuture<Ticket>> tickets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tickets.add(ticket());
        }
        awaitRequests(PortalClient.MAX_TICKET_REQUESTS);
        assertThat(client.ticketRequests()).containsExactly(32, 8);
        assertThat(portal.requests("POST /tickets")).as("the 33rd waits for a place").hasSize(32);
        assertThat(tickets).noneMatch(CompletableFuture::isDone);

        gate.countDown();
        for (CompletableFuture<Ticket> ticket : tickets) {
            assertThat(ticket.get(30, TimeUnit.SECONDS).token()).isEqualTo("t");
        }
        assertThat(portal.requests("POST /tickets")).hasSize(40);
        assertThat(most.get()).isEqualTo(PortalClient.MAX_TICKET_REQUESTS);
        assertThat(client.ticketRequests()).containsExactly(0, 0);
    }

    @Test
    void aThrottledTicketRequestIsSentAgainALittleLater() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        portal.on("POST /tickets", r -> calls.incrementAndGet() == 1
                ? new Reply(429, FakePortal.error("throttled", "too many connections at once; slow down"))
                : new Reply(201, TICKET));
        assertThat(ticket().get(30, TimeUnit.SECONDS).token()).isEqualTo("t");
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void aTicketRequestThrottledEveryTimeFailsWithThePortalsWords() throws Exception {
        portal.on("POST /tickets", 429, FakePortal.error("throttled", "too many connections at once; slow down"));
        assertThatThrownBy(() -> ticket().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(PortalException.class, e -> {
                    assertThat(e.is("throttled")).isTrue();
                    assertThat(e.getMessage()).isEqualTo("too many connections at once; slow down");
                });
        assertThat(portal.requests("POST /tickets")).hasSize(1 + PortalClient.TICKET_RETRIES);
        assertThat(client.ticketRequests()).containsExactly(0, 0);
    }

    @Test
    void otherRefusalsAreNotSentAgain() throws Exception {
        portal.on("POST /tickets", 403, FakePortal.error("no-right", "you may not open client port forwards"));
        assertThatThrownBy(() -> ticket().get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(PortalException.class,
                        e -> assertThat(e.exitCode()).isEqualTo(ExitCode.NO_RIGHT));
        assertThat(portal.requests("POST /tickets")).hasSize(1);
    }
}
