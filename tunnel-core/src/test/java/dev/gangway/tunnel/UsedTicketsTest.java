package dev.gangway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class UsedTicketsTest {

    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    private static StreamTicket ticket(String id, Instant expiresAt) {
        return new StreamTicket(id, "acme", "alice", "dev-1", new LanTarget("198.19.0.2", 80), expiresAt);
    }

    @Test
    void aTicketIdIsUsedOnce() throws Exception {
        UsedTickets used = new UsedTickets(10);
        used.claim(ticket("t-1", NOW.plusSeconds(60)), NOW);
        used.claim(ticket("t-2", NOW.plusSeconds(60)), NOW);
        assertThatThrownBy(() -> used.claim(ticket("t-1", NOW.plusSeconds(60)), NOW.plusSeconds(59)))
                .isInstanceOfSatisfying(TunnelException.class, e -> {
                    assertThat(e.error()).isEqualTo(TunnelError.BAD_TICKET);
                    assertThat(e).hasMessageContaining("ticket already used");
                });
    }

    @Test
    void expiredIdsAreForgotten() throws Exception {
        UsedTickets used = new UsedTickets(10);
        used.claim(ticket("t-1", NOW.plusSeconds(10)), NOW);
        used.claim(ticket("t-2", NOW.plusSeconds(60)), NOW);
        used.claim(ticket("t-3", NOW.plusSeconds(90)), NOW.plusSeconds(10));
        assertThat(used.size()).isEqualTo(2);
        used.claim(ticket("t-4", NOW.plusSeconds(90)), NOW.plusSeconds(60));
        assertThat(used.size()).isEqualTo(2);
    }

    @Test
    void aFullMemoryRefusesNewTicketsUntilSomeExpire() throws Exception {
        UsedTickets used = new UsedTickets(2);
        used.claim(ticket("t-1", NOW.plusSeconds(10)), NOW);
        used.claim(ticket("t-2", NOW.plusSeconds(60)), NOW);
        assertThatThrownBy(() -> used.claim(ticket("t-3", NOW.plusSeconds(60)), NOW.plusSeconds(1)))
                .isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.TOO_MANY_STREAMS));
        used.claim(ticket("t-3", NOW.plusSeconds(60)), NOW.plusSeconds(10));
        // t-3 was refused before, so it was not remembered then; now it is.
        assertThatThrownBy(() -> used.claim(ticket("t-3", NOW.plusSeconds(60)), NOW.plusSeconds(11)))
                .isInstanceOfSatisfying(TunnelException.class, e -> assertThat(e.error()).isEqualTo(TunnelError.BAD_TICKET));
    }
}
