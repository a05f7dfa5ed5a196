package dev.gangway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The agent's keepalive adaptation as pure bookkeeping: every event carries its own time. */
class KeepaliveAdaptationTest {

    private static final Duration CEILING = Duration.ofSeconds(120);
    private static final Duration FLOOR = Duration.ofSeconds(20);
    private Instant now = Instant.parse("2026-11-26T00:00:00Z");
    private final KeepaliveAdaptation adaptation = new KeepaliveAdaptation(CEILING, FLOOR, now);

    private static Duration s(long seconds) {
        return Duration.ofSeconds(seconds);
    }

    /** {@code n} idle keepalives answered at the current interval, spaced by it. */
    private String answer(int n) {
        String last = null;
        for (int i = 0; i < n; i++) {
            Duration interval = adaptation.interval();
            now = now.plus(interval);
            String change = adaptation.answered(interval, now);
            if (change != null) {
                last = change;
            }
        }
        return last;
    }

    @Test
    void startsAtTheConfiguredIntervalAndStaysThereWhileTunnelsLive() {
        assertThat(adaptation.interval()).isEqualTo(CEILING);
        assertThat(answer(1000)).isNull();
        assertThat(adaptation.interval()).isEqualTo(CEILING);
    }

    @Test
    void aTunnelThatDiesWhileItsKeepaliveIsUnansweredHalvesTheInterval() {
        now = now.plusSeconds(120);
        String change = adaptation.died(s(120), true, now);

        assertThat(adaptation.interval()).isEqualTo(s(60));
        assertThat(change).isEqualTo("keepalive: the tunnel died after 120 s without traffic (its keepalive got no "
                + "answer); a NAT or firewall on the way probably forgets idle connections sooner. Next connections "
                + "send a keepalive after 60 s of silence (was 120 s; they probe back up slowly while the tunnel "
                + "stays up)");
        assertThat(adaptation.died(s(60), false, now)).contains("the connection was cut while its keepalive was "
                + "unanswered").contains("after 30 s of silence (was 60 s");
        assertThat(adaptation.interval()).isEqualTo(s(30));
    }

    @Test
    void neverBelowTheFloor() {
        adaptation.died(s(120), true, now);
        adaptation.died(s(60), true, now);
        adaptation.died(s(30), true, now);
        assertThat(adaptation.interval()).isEqualTo(FLOOR);
        String again = adaptation.died(s(20), true, now);
        assertThat(adaptation.interval()).isEqualTo(FLOOR);
        assertThat(again).endsWith("The interval is already the shortest allowed, 20 s; if this repeats, the link is "
                + "failing for another reason");
    }

    @Test
    void probesUpOnlyAfterTenAnsweredKeepalivesAndAnHourAndNeverAboveEightyPercentOfTheFatalSilence() {
        adaptation.died(s(120), true, now); // -> 60 s

        // ten answered keepalives at 60 s take 10 minutes: not an hour yet
        assertThat(answer(10)).isNull();
        assertThat(adaptation.interval()).isEqualTo(s(60));
        // 50 more minutes of them
        String probe = answer(50);
        assertThat(probe).isEqualTo("keepalive: the idle tunnel answered 60 keepalives in a row at 60 s over 60 min: "
                + "trying 75 s between keepalives to save traffic (at most 96 s)");
        assertThat(adaptation.interval()).isEqualTo(s(75));

        answer(60); // 75 min at 75 s
        assertThat(adaptation.interval()).isEqualTo(Duration.ofMillis(93_750));
        answer(60);
        assertThat(adaptation.interval()).isEqualTo(s(96)); // 80 % of the 120 s that killed a tunnel
        assertThat(answer(500)).isNull();
        assertThat(adaptation.interval()).isEqualTo(s(96));
    }

    @Test
    void aFailedProbeFallsBackToTheLongestAnsweredInterval() {
        // NAT forgets after 100 s: 120 dies, 60 works, probes to 75, 93.75, 96 all work
        Instant fatalAt = now;
        adaptation.died(s(120), true, now);
        answer(60);
        answer(60);
        answer(60);
        assertThat(adaptation.interval()).isEqualTo(s(96));

        // a day after the 120 s death it is forgotten, and the next probe goes past 96 s
        String forgotten = null;
        while (adaptation.interval().equals(s(96))) {
            forgotten = answer(1);
        }
        assertThat(Duration.between(fatalAt, now)).isBetween(Duration.ofHours(24), Duration.ofHours(24).plusSeconds(96));
        assertThat(forgotten).startsWith("keepalive: the tunnel death after 120 s of silence was 24 h ago or more, so "
                + "it no longer limits the interval; the idle tunnel answered ").endsWith("trying 120 s between "
                + "keepalives to save traffic (at most 120 s)");
        assertThat(adaptation.interval()).isEqualTo(s(120));

        String change = adaptation.died(s(120), false, now);
        assertThat(adaptation.interval()).isEqualTo(s(96));
        assertThat(change).contains("after 96 s of silence (was 120 s");
    }

    @Test
    void answersAtAnOlderShorterIntervalProveNothingAboutTheCurrentOne() {
        adaptation.died(s(120), true, now); // -> 60 s
        for (int i = 0; i < 100; i++) {
            now = now.plusSeconds(60);
            assertThat(adaptation.answered(s(30), now)).isNull();
        }
        assertThat(adaptation.interval()).isEqualTo(s(60));
    }

    @Test
    void aDeathOfAConnectionWithAnOlderLongerIntervalDoesNotLengthenIt() {
        adaptation.died(s(120), true, now);
        adaptation.died(s(60), true, now); // -> 30 s
        String change = adaptation.died(s(120), true, now);
        assertThat(adaptation.interval()).isEqualTo(s(30));
        assertThat(change).endsWith("The interval stays at 30 s, already below that");
    }

    @Test
    void aConfiguredIntervalBelowTheFloorIsNeverShortened() {
        KeepaliveAdaptation short10 = new KeepaliveAdaptation(s(10), FLOOR, now);
        assertThat(short10.floor()).isEqualTo(s(10));
        assertThat(short10.died(s(10), true, now)).contains("already the shortest allowed, 10 s");
        assertThat(short10.interval()).isEqualTo(s(10));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new KeepaliveAdaptation(Duration.ZERO, FLOOR, now))
                .hasMessage("keepalive interval must be positive, was PT0S");
        assertThatThrownBy(() -> new KeepaliveAdaptation(CEILING, s(-1), now))
                .hasMessage("shortest keepalive interval must be positive, was PT-1S");
    }
}
