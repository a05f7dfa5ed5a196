package dev.gangway.portal.client;

import dev.gangway.portal.account.ClientSignIn;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.system.AuditLog;
import dev.gangway.portal.system.PortalSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Client sessions: made at a client sign-in, used with a bearer token (only its SHA-256 is stored), ended by
 * sign-out, their absolute end, the account's idle timeout, or the end of the user's access.
 *
 * <p>Every use ({@link #use} for API requests, {@link #live} for the relay's check of a stream) reads the session
 * and its user: a user disabled, past their access end, or whose password or second factor changed since sign-in
 * ends the session there and then (audited {@code client.session.end}). A session whose streams are still open is
 * in use, so it does not end for idleness while they last. A session's certificates are good only while it is
 * live; when it ends, {@link ClientSessionEnded} is published (its open streams are cut after commit).
 *
 * <p>Thread-safe; every method is one transaction.
 */
@Service
class ClientSessions {

    private static final Logger log = LoggerFactory.getLogger(ClientSessions.class);

    /** Absolute lifetime of a session when the account names none. */
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(12);
    /** A session's last use is written at most this often (not at every request). */
    static final Duration TOUCH_EVERY = Duration.ofSeconds(30);
    /** Sessions (and their certificates) ended this long ago are deleted; the audit trail keeps what happened. */
    static final Duration KEEP_ENDED = Duration.ofDays(30);

    /**
     * Live sessions per user: a sign-in beyond this ends the user's oldest session, so a script that signs in
     * again and again cannot pile up sessions (and their certificates).
     */
    static final int MAX_LIVE_PER_USER = 10;
    static final String REPLACED = "replaced by a newer sign-in (at most " + MAX_LIVE_PER_USER
            + " client sessions per user)";

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClientSessionRepository sessions;
    private final ClientCertificateRepository certificates;
    private final ClientSignIn signIn;
    private final LiveForwards forwards;
    private final PortalSettings portal;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    ClientSessions(ClientSessionRepository sessions, ClientCertificateRepository certificates, ClientSignIn signIn,
            LiveForwards forwards, PortalSettings portal, AuditLog audit, ApplicationEventPublisher events,
            Clock clock) {
        this.sessions = sessions;
        this.certificates = certificates;
        this.signIn = signIn;
        this.forwards = forwards;
        this.portal = portal;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    /** A new session and its token (returned to the client once, never stored). */
    record Created(ClientSession session, String token) {
    }

    /** What a use of a token came to: the caller, or why the session is over (words for the client). */
    record Use(ClientPrincipal principal, String endedMessage) {
    }

    /**
     * Starts a session for a completed sign-in: absolute end after the account's session hours (12 h if it names
     * none), never later than {@code gangway.portal.session-absolute-timeout}. Audited {@code client.session.start}
     * with the session's id. When the user already has {@value #MAX_LIVE_PER_USER} live sessions, the oldest end
     * ({@link #REPLACED}), so that the new one is the tenth. Sign-ins at the same moment may each see nine and
     * briefly leave more; the next sign-in trims them.
     */
    @Transactional
    Created create(ClientSignIn.SignedIn signedIn, String address) {
        Instant now = clock.instant();
        Duration lifetime = signedIn.sessionAbsoluteHours() > 0 ? Duration.ofHours(signedIn.sessionAbsoluteHours())
                : DEFAULT_LIFETIME;
        if (lifetime.compareTo(portal.sessionAbsoluteTimeout()) > 0) {
            lifetime = portal.sessionAbsoluteTimeout();
        }
        PortalUser user = signedIn.user();
        List<ClientSession> live = new ArrayList<>(sessions.findByAccountIdAndUserIdAndEndedAtIsNull(
                user.accountId(), user.userId()));
        live.removeIf(s -> !s.isLiveAt(now));
        live.sort(Comparator.comparing(ClientSession::getCreatedAt).thenComparing(ClientSession::getId));
        for (int i = 0; i <= live.size() - MAX_LIVE_PER_USER; i++) {
            end(live.get(i), now, user, REPLACED);
        }
        String token = newToken();
        ClientSession session = sessions.save(new ClientSession(user.accountId(), user.userId(), sha256(token),
                signedIn.stamp(), address, now, now.plus(lifetime)));
        audit.record("client.session.start", "ok", user.getName(), user.accountId(), null, "client session "
                + session.getId() + " of user " + user.userId() + " (" + signedIn.method()
                + "), until " + session.getExpiresAt());
        return new Created(session, token);
    }

    /** An API request's bearer token: the caller if its session is live (its last use is noted), else why not. */
    @Transactional
    Use use(String token) {
        if (token == null || !TOKEN.matcher(token).matches()) {
            return new Use(null, "This is not a token of a client session: sign in again (gangway login).");
        }
        Optional<ClientSession> found = sessions.findByTokenHash(sha256(token));
        if (found.isEmpty()) {
            return new Use(null, "This session is unknown: sign in again (gangway login).");
        }
        ClientSession session = found.get();
        Instant now = clock.instant();
        Checked checked = check(session, now);
        if (checked.endedWhy() != null) {
            return new Use(null, "Your session ended (" + checked.endedWhy() + "): sign in again (gangway login).");
        }
        touch(session, now);
        return new Use(new ClientPrincipal(session.getId(), checked.user()), null);
    }

    /**
     * The relay's check of a session before a stream of it opens: its user if the session is live (ending it if it
     * is not any more), else why not. Opening a stream counts as a use.
     */
    @Transactional
    Checked live(String sessionId) {
        Optional<ClientSession> found = sessions.findById(sessionId);
        if (found.isEmpty()) {
            return new Checked(null, "the client session is unknown");
        }
        Instant now = clock.instant();
        Checked checked = check(found.get(), now);
        if (checked.endedWhy() == null) {
            touch(found.get(), now);
        }
        return checked;
    }

    /**
     * The user of a session, or why it is over (already ended, expired, idle, the user's access or credentials).
     * Ends a session found over now.
     */
    record Checked(PortalUser user, String endedWhy) {
    }

    private Checked check(ClientSession session, Instant now) {
        if (session.getEndedAt() != null) {
            return new Checked(null, session.getEndReason() == null ? "ended" : session.getEndReason());
        }
        if (!session.isLiveAt(now)) {
            return ended(session, now, null, "its time was up");
        }
        ClientSignIn.Standing standing = signIn.standing(session.getAccountId(), session.getUserId(),
                session.getCredentialsStamp());
        if (standing.ended()) {
            return ended(session, now, standing.user(), standing.endedWhy());
        }
        int idle = standing.sessionIdleMinutes();
        if (idle > 0 && !now.isBefore(session.getLastUsedAt().plus(Duration.ofMinutes(idle)))
                && !forwards.carries(session.getId())) {
            return ended(session, now, standing.user(), "idle for more than " + idle + " minutes");
        }
        return new Checked(standing.user(), null);
    }

    private Checked ended(ClientSession session, Instant now, PortalUser user, String why) {
        end(session, now, user, why);
        return new Checked(null, why);
    }

    private void touch(ClientSession session, Instant now) {
        if (!now.isBefore(session.getLastUsedAt().plus(TOUCH_EVERY))) {
            session.used(now);
        }
    }

    /** Sign-out: ends the session (and so its certificates). */
    @Transactional
    void signOut(ClientPrincipal principal) {
        sessions.findById(principal.sessionId()).ifPresent(session -> end(session, clock.instant(),
                principal.user(), "signed out"));
    }

    /**
     * Ends every live session of a user (their access ended or shrank); in a transaction of its own, as it runs
     * after the commit of the change. Returns how many ended.
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    int endForUser(String accountId, String userId, String username, String why) {
        List<ClientSession> live = sessions.findByAccountIdAndUserIdAndEndedAtIsNull(accountId, userId);
        Instant now = clock.instant();
        int ended = 0;
        for (ClientSession session : live) {
            if (session.isLiveAt(now)) {
                ended++;
            }
            end(session, now, null, why);
        }
        if (ended > 0) {
            log.info("Ended {} client session(s) of {} in account {}: {}", ended, username, accountId, why);
        }
        return ended;
    }

    /** Deletes sessions (and their certificates) that ended or expired over {@link #KEEP_ENDED} ago. */
    @Transactional
    int deleteOld() {
        List<String> old = sessions.findIdsOver(clock.instant().minus(KEEP_ENDED));
        if (old.isEmpty()) {
            return 0;
        }
        int deleted = 0;
        for (int from = 0; from < old.size(); from += 500) {
            List<String> batch = old.subList(from, Math.min(old.size(), from + 500));
            certificates.deleteBySessionIds(batch);
            deleted += sessions.deleteByIds(batch);
        }
        return deleted;
    }

    private void end(ClientSession session, Instant now, PortalUser user, String why) {
        if (session.getEndedAt() != null) {
            return;
        }
        session.end(now, why);
        sessions.save(session);
        String actor = user != null ? user.getName() : null;
        audit.record("client.session.end", "ended", actor, session.getAccountId(), null,
                "client session " + session.getId() + " of user " + session.getUserId() + ": " + why);
        events.publishEvent(new ClientSessionEnded(session.getId(), session.getAccountId(), why));
    }

    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
