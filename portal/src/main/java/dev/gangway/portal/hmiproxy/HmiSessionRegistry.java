package dev.gangway.portal.hmiproxy;

import dev.gangway.tunnel.LanTarget;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live HMI sessions, in memory (an HMI session lives no longer than the portal process that proxies it).
 * Thread-safe. Ended session ids are remembered for a week, at most the {@value #MAX_ENDED_KEPT} most recent, so
 * that their host names answer "ended" (410) instead of "unknown" (404); a forgotten one answers 404. A new id is never
 * one that is live or remembered, and with 160 random bits a forgotten one does not come back either.
 *
 * <h2>Connection report</h2>
 * Each session is recorded by a {@link SessionRecorder} before it goes live (a failed record or audit write
 * refuses the session), its bytes so far are handed over by {@link #reportProgress()} and its end, whatever the
 * reason, by the one place sessions end.
 */
public final class HmiSessionRegistry implements HmiSessions, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HmiSessionRegistry.class);
    private static final Duration ENDED_KEPT = Duration.ofDays(7);
    /** About 10 MB of memory at most, whatever the rate at which sessions are opened and ended. */
    static final int MAX_ENDED_KEPT = 100_000;

    /** What a host name's session id refers to. */
    record Lookup(HmiSession session, boolean ended) {

        static final Lookup UNKNOWN = new Lookup(null, false);
        static final Lookup ENDED = new Lookup(null, true);
    }

    private final HmiProxySettings settings;
    private final Clock clock;
    private final SessionRecorder recorder;
    private final Map<String, HmiSession> live = new ConcurrentHashMap<>();
    /** Ended ids in the order they ended; the oldest is forgotten beyond the cap. Guarded by itself. */
    private final Map<String, Instant> ended;
    private volatile int boundPort;

    /** A registry that records nothing in the connection report. */
    public HmiSessionRegistry(HmiProxySettings settings, Clock clock) {
        this(settings, clock, SessionRecorder.NONE);
    }

    HmiSessionRegistry(HmiProxySettings settings, Clock clock, SessionRecorder recorder) {
        this(settings, clock, recorder, MAX_ENDED_KEPT);
    }

    HmiSessionRegistry(HmiProxySettings settings, Clock clock, int maxEndedKept) {
        this(settings, clock, SessionRecorder.NONE, maxEndedKept);
    }

    HmiSessionRegistry(HmiProxySettings settings, Clock clock, SessionRecorder recorder, int maxEndedKept) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.boundPort = settings.port();
        this.ended = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                return size() > maxEndedKept;
            }
        };
    }

    @Override
    public URI open(String account, String user, String deviceId, String serviceName, LanTarget target,
            boolean tls) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(target, "target");
        Instant now = clock.instant();
        String token = Secrets.token();
        HmiSession session;
        synchronized (this) {
            String id;
            do {
                id = Secrets.sessionId();
            } while (live.containsKey(id) || wasEnded(id));
            session = new HmiSession(id, account, user, deviceId, serviceName, target, tls, originOf(id), now,
                    settings, token, Secrets.token());
        }
        // recorded (and audited) before it is live, outside the lock as it writes to the database: when that
        // fails, the session never existed
        recorder.opened(session, () -> endSession(session, "not opened: its connection record was undone"));
        synchronized (this) {
            if (session.isEnded()) {
                throw new IllegalStateException("HMI session " + session.id() + " was undone while opening");
            }
            endOldestBeyondLimit(account, user, now);
            live.put(session.id(), session);
        }
        log.info("Opened HMI session {} for {}/{} on device {} service {} ({})", session.id(), account, user,
                deviceId, serviceName, target);
        return URI.create(session.origin() + "/__gangway/enter?token=" + token);
    }

    /** The live session with this id, if any. */
    public Optional<HmiSession> find(String id) {
        return Optional.ofNullable(live.get(id));
    }

    /** The live sessions, oldest first. */
    @Override
    public List<HmiSession> sessions() {
        return live.values().stream().sorted(Comparator.comparing(HmiSession::createdAt)).toList();
    }

    /** Ends one session now: its connections close and its host name is never served again. */
    public boolean end(String id) {
        HmiSession session = live.get(id);
        if (session == null) {
            return false;
        }
        endSession(session, "ended");
        return true;
    }

    /** Ends every session of a user (signed out, portal session expired, user disabled). */
    @Override
    public int endForUser(String account, String user) {
        return endWhere(s -> s.account().equals(account) && s.user().equals(user), "ended for the user");
    }

    /** Ends every session on a device (device removed, certificate revoked, admin kill). */
    @Override
    public int endForDevice(String deviceId) {
        return endWhere(s -> s.deviceId().equals(deviceId), "ended for the device");
    }

    /** Ends sessions past their idle or absolute timeout and forgets long-ended ids; returns how many ended. */
    int endExpired() {
        Instant now = clock.instant();
        synchronized (ended) {
            ended.values().removeIf(at -> at.isBefore(now.minus(ENDED_KEPT)));
        }
        return endWhere(s -> s.expired(now), "expired");
    }

    /** Ends every live session (the portal stops); returns how many ended. */
    int endAll(String why) {
        return endWhere(s -> true, why);
    }

    /** Hands the bytes so far of the live sessions to the connection report; never blocks. */
    void reportProgress() {
        recorder.progress(live.values());
    }

    /** Waits until the connection report has written what it was handed (the portal stops). */
    void flushReport(Duration timeout) {
        recorder.flush(timeout);
    }

    /** Stops the connection report's writer (Spring calls this when the context closes, after the proxy stopped). */
    @Override
    public void close() {
        recorder.close();
    }

    /** Resolves a session id from a host name, ending the session first if it has expired. */
    Lookup lookup(String id) {
        HmiSession session = live.get(id);
        if (session != null) {
            if (!session.expired(clock.instant())) {
                return new Lookup(session, false);
            }
            endSession(session, "expired");
        }
        return wasEnded(id) ? Lookup.ENDED : Lookup.UNKNOWN;
    }

    private boolean wasEnded(String id) {
        synchronized (ended) {
            return ended.containsKey(id);
        }
    }

    /** Called by the server once it listens, so URLs carry the real port when the port was 0 (tests). */
    void boundTo(int port) {
        this.boundPort = port;
    }

    Instant now() {
        return clock.instant();
    }

    HmiProxySettings settings() {
        return settings;
    }

    /** {@code scheme://<id>.<base-domain>[:port]}, the port left out when it is the scheme's default. */
    String originOf(String id) {
        int port = settings.publicPort() != null ? settings.publicPort() : boundPort;
        boolean defaultPort = settings.secure() ? port == 443 : port == 80;
        return settings.scheme() + "://" + id + "." + settings.baseDomain() + (defaultPort ? "" : ":" + port);
    }

    private void endOldestBeyondLimit(String account, String user, Instant now) {
        List<HmiSession> mine = live.values().stream()
                .filter(s -> s.account().equals(account) && s.user().equals(user))
                .sorted(Comparator.comparing(HmiSession::createdAt))
                .toList();
        for (int i = 0; i <= mine.size() - settings.maxSessionsPerUser(); i++) {
            endSession(mine.get(i), "ended: the user opened more than " + settings.maxSessionsPerUser()
                    + " HMI sessions");
        }
    }

    @Override
    public int endWhere(Predicate<HmiSession> which, String why) {
        int count = 0;
        for (HmiSession session : live.values()) {
            if (which.test(session)) {
                endSession(session, why);
                count++;
            }
        }
        return count;
    }

    private void endSession(HmiSession session, String why) {
        Instant now = clock.instant();
        // remember the id before it leaves the live map so no lookup sees it as unknown in between
        synchronized (ended) {
            ended.put(session.id(), now);
        }
        boolean wasLive = live.remove(session.id(), session);
        session.end(now);
        if (wasLive) {
            recorder.ended(session, why);
            log.info("HMI session {} {}: {} bytes from the browser, {} bytes to the browser", session.id(), why,
                    session.bytesFromBrowser(), session.bytesToBrowser());
        }
    }
}
