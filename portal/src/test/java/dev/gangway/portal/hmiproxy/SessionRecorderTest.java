package dev.gangway.portal.hmiproxy;

import static dev.gangway.portal.hmiproxy.ProxyTestBed.cookieHeader;
import static dev.gangway.portal.hmiproxy.ProxyTestBed.host;
import static dev.gangway.portal.hmiproxy.ProxyTestBed.sessionId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry reports every session to its recorder: before it is live (a refusal means no session), its bytes
 * while it is, and its end once, whatever ends it.
 */
class SessionRecorderTest {

    private final Recorder recorder = new Recorder();
    private final ProxyTestBed bed = new ProxyTestBed(ProxyTestBed.settings(Duration.ofSeconds(20),
            Duration.ofSeconds(30)), recorder);

    {
        recorder.registry = bed.registry;
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    @Test
    void aSessionIsRecordedBeforeItIsLiveAndARefusalMeansNoSession() {
        URI entry = bed.open("alice");
        assertThat(recorder.opened).containsExactly(sessionId(entry));
        assertThat(recorder.liveWhenOpened).containsExactly(false);

        recorder.refuse = true;
        assertThatThrownBy(() -> bed.open("bob")).hasMessage("audit write failed");
        assertThat(bed.registry.sessions()).extracting(HmiSession::user).containsExactly("alice");
        assertThat(recorder.ended).isEmpty();
    }

    @Test
    void everyWayASessionEndsIsRecordedOnceWithItsReason() {
        String user = sessionId(bed.open("alice"));
        String device = sessionId(bed.registry.open("acme", "carol", "device-2", "hmi", ProxyTestBed.DEVICE_HMI,
                false));
        String chosen = sessionId(bed.open("dave"));
        String one = sessionId(bed.open("erin"));
        String idle = sessionId(bed.open("frank"));

        bed.registry.endForUser("acme", "alice");
        bed.registry.endForUser("acme", "alice");
        bed.registry.endForDevice("device-2");
        bed.registry.endWhere(s -> s.user().equals("dave"), "right removed");
        bed.registry.end(one);
        bed.clock.advance(HmiProxySettings.defaults().sessionIdleTimeout().plusSeconds(1));
        bed.registry.endExpired();

        assertThat(recorder.ended).containsExactlyInAnyOrder(user + " ended for the user",
                device + " ended for the device", chosen + " right removed", one + " ended", idle + " expired");
    }

    @Test
    void theBytesOfLiveSessionsAreReportedAndStoppingThePortalEndsAndFlushesThem() throws Exception {
        URI entry = bed.open("alice");
        String cookie = bed.enter(entry);
        try (RawHttp http = bed.connect()) {
            assertThat(http.get(host(entry), "/download?size=5000", cookieHeader(cookie)).body()).hasSize(5000);
        }
        bed.registry.reportProgress();
        assertThat(recorder.progress).hasSize(1);
        assertThat(recorder.progress.get(0)).isGreaterThan(5000);

        bed.server.stop();

        assertThat(recorder.ended).containsExactly(sessionId(entry) + " portal stopped");
        assertThat(recorder.flushed).isTrue();
        assertThat(bed.registry.sessions()).isEmpty();
    }

    @Test
    void aRecordUndoneAfterwardsEndsTheSession() {
        URI entry = bed.open("alice");
        recorder.cancels.get(0).run();

        assertThat(bed.registry.find(sessionId(entry))).isEmpty();
        assertThat(bed.registry.lookup(sessionId(entry)).ended()).isTrue();
    }

    /** Remembers what it was told; refuses to record when asked to. */
    static final class Recorder implements SessionRecorder {
        final List<String> opened = new CopyOnWriteArrayList<>();
        final List<Boolean> liveWhenOpened = new CopyOnWriteArrayList<>();
        final List<Runnable> cancels = new CopyOnWriteArrayList<>();
        final List<String> ended = new CopyOnWriteArrayList<>();
        final List<Long> progress = new CopyOnWriteArrayList<>();
        volatile boolean refuse;
        volatile boolean flushed;
        HmiSessionRegistry registry;

        @Override
        public void opened(HmiSession session, Runnable cancel) {
            if (refuse) {
                throw new IllegalStateException("audit write failed");
            }
            opened.add(session.id());
            liveWhenOpened.add(registry.find(session.id()).isPresent());
            cancels.add(cancel);
        }

        @Override
        public void progress(Collection<HmiSession> live) {
            live.forEach(s -> progress.add(s.bytesToBrowser()));
        }

        @Override
        public void ended(HmiSession session, String why) {
            ended.add(session.id() + " " + why);
        }

        @Override
        public void flush(Duration timeout) {
            flushed = true;
        }
    }
}
