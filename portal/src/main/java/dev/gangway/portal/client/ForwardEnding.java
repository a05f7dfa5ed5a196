package dev.gangway.portal.client;

import dev.gangway.portal.account.UserAccessEnded;
import dev.gangway.portal.pki.CertificatesRevoked;
import dev.gangway.portal.relay.OpenStreams;
import dev.gangway.portal.rights.AccessChanged;
import dev.gangway.portal.rights.AccessService;
import dev.gangway.portal.rights.Right;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.TunnelError;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Cuts the client's open streams (port forwards) when what allowed them goes away, as {@code HmiSessionEnding} ends
 * HMI sessions: the relay refuses new streams by itself ({@link ClientStreamAuthorizer}), but a stream already open
 * would run until the client closed it. After commit of:
 *
 * <ul>
 *   <li>{@link ClientSessionEnded} (signed out, its end, the user's access or credentials found changed at a use):
 *       the streams of the session's certificates;</li>
 *   <li>{@link UserAccessEnded} (disabled, expired, password or two-factor reset by an administrator): the user's
 *       streams;</li>
 *   <li>{@link AccessChanged} (rights removed, a member removed, a device taken out of a pool, a group or pool
 *       deleted, admin rights removed): the streams in the account whose user no longer holds "Client port
 *       forwards" on their device (one read of the database, only when such streams are open);</li>
 *   <li>{@link CertificatesRevoked}: the streams to those devices (before the relay drops their tunnels, so the
 *       record says why).</li>
 * </ul>
 *
 * <p>Every {@value #SWEEP_MILLIS} ms, while streams are open, each one is checked again with the relay's rules: its
 * session live (not ended, not past its end, user enabled and within their access dates, same password and second
 * factor: what changes without an event, an expiry date passing or the user changing their own password) and its
 * user holding "Client port forwards" on the device. The certificate's own expiry is not a reason: the client
 * renews certificates for new streams, and a stream outlives the certificate it opened with while its session is
 * live.
 *
 * <p>Streams being authorized or opened are cut too (the relay refuses them). A cut stream's connection record is
 * closed with {@code ended: } and why. Only the client's streams (bound tickets) are concerned: the HMI proxy's
 * in-process streams end with their HMI sessions.
 *
 * <p>Threading: the listeners run on the thread that committed (the relay's authorization pool for sessions found
 * over by a stream's check), the sweep on the scheduler; all may read the database, and the relay's cut does not
 * block.
 */
@Component
class ForwardEnding {

    private static final Logger log = LoggerFactory.getLogger(ForwardEnding.class);

    static final long SWEEP_MILLIS = 10_000;

    private final OpenStreams relay;
    private final LiveForwards forwards;
    private final ClientSessions sessions;
    private final ClientCertificateRepository certificates;
    private final AccessService access;

    ForwardEnding(OpenStreams relay, LiveForwards forwards, ClientSessions sessions,
            ClientCertificateRepository certificates, AccessService access) {
        this.relay = relay;
        this.forwards = forwards;
        this.sessions = sessions;
        this.certificates = certificates;
        this.access = access;
    }

    /** After commit: the streams of the session's certificates end with it. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void sessionEnded(ClientSessionEnded event) {
        Supplier<Set<String>> holders = once(() -> Set.copyOf(certificates.findFingerprintsBySessionId(
                event.sessionId())));
        String why = "the client session ended (" + event.why() + ")";
        int cut = cut(ticket -> ticket.account().equals(event.accountId())
                && (forwards.sessionOf(ticket.ticketId()).filter(event.sessionId()::equals).isPresent()
                        || holders.get().contains(ticket.holder())) ? why : null, TunnelError.NO_RIGHT);
        if (cut > 0) {
            log.info("Cut {} client stream(s) of client session {}: {}", cut, event.sessionId(), event.why());
        }
    }

    /** After commit: the user was disabled, expired, or had their password or second factor reset. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void userAccessEnded(UserAccessEnded event) {
        int cut = cut(ticket -> ticket.account().equals(event.accountId()) && ticket.user().equals(event.username())
                ? event.reason() : null, TunnelError.NO_RIGHT);
        if (cut > 0) {
            log.info("Cut {} client stream(s) of {} in account {}: {}", cut, event.username(), event.accountId(),
                    event.reason());
        }
    }

    /** After commit, so that the check reads the committed rights. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void accessChanged(AccessChanged event) {
        Supplier<Map<String, Set<String>>> holders = once(() -> access.holders(event.accountId(),
                Right.CLIENT_FORWARD));
        String why = "the 'Client port forwards' right went away (" + event.why() + ")";
        int cut = cut(ticket -> ticket.account().equals(event.accountId())
                && !holders.get().getOrDefault(ticket.user(), Set.of()).contains(ticket.deviceId()) ? why : null,
                TunnelError.NO_RIGHT);
        if (cut > 0) {
            log.info("Cut {} client stream(s) in account {}: {}", cut, event.accountId(), event.why());
        }
    }

    /** After commit, and before the relay drops the devices' tunnels (which ends their streams without a word). */
    @Order(Ordered.HIGHEST_PRECEDENCE)
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    void certificatesRevoked(CertificatesRevoked event) {
        int cut = cut(ticket -> event.deviceIds().contains(ticket.deviceId())
                ? "the device's certificate was revoked" : null, TunnelError.REVOKED);
        if (cut > 0) {
            log.info("Cut {} client stream(s) to devices whose certificate was revoked", cut);
        }
    }

    /**
     * Checks every open stream again (session live, right held) and cuts those no longer allowed. Returns how many
     * were cut.
     */
    @Scheduled(fixedDelay = SWEEP_MILLIS, initialDelay = SWEEP_MILLIS)
    int sweep() {
        Map<String, LiveForwards.Forward> live = forwards.snapshot();
        if (live.isEmpty()) {
            return 0;
        }
        Map<String, String> sessionEnded = new HashMap<>();
        Map<String, Map<String, Set<String>>> holders = new HashMap<>();
        Map<String, String> why = new HashMap<>();
        for (Map.Entry<String, LiveForwards.Forward> entry : live.entrySet()) {
            LiveForwards.Forward forward = entry.getValue();
            String ended = sessionEnded.get(forward.sessionId());
            if (ended == null) {
                String endedWhy = sessions.live(forward.sessionId()).endedWhy();
                ended = endedWhy == null ? "" : endedWhy;
                sessionEnded.put(forward.sessionId(), ended);
            }
            if (!ended.isEmpty()) {
                why.put(entry.getKey(), "the client session ended (" + ended + ")");
                continue;
            }
            Map<String, Set<String>> accountHolders = holders.get(forward.accountId());
            if (accountHolders == null) {
                accountHolders = access.holders(forward.accountId(), Right.CLIENT_FORWARD);
                holders.put(forward.accountId(), accountHolders);
            }
            if (!accountHolders.getOrDefault(forward.username(), Set.of()).contains(forward.deviceId())) {
                why.put(entry.getKey(), "the 'Client port forwards' right went away");
            }
        }
        if (why.isEmpty()) {
            return 0;
        }
        int cut = cut(ticket -> why.get(ticket.ticketId()), TunnelError.NO_RIGHT);
        if (cut > 0) {
            log.info("Cut {} client stream(s) no longer allowed", cut);
        }
        return cut;
    }

    /**
     * Cuts the client streams (bound tickets) for which {@code whyFor} gives a reason, noting it for their records
     * first (the relay reports their end on another thread, maybe before {@code closeStreams} returns).
     */
    private int cut(Function<StreamTicket, String> whyFor, TunnelError error) {
        return relay.closeStreams(ticket -> {
            if (!ticket.isBound()) {
                return false;
            }
            String why = whyFor.apply(ticket);
            if (why == null) {
                return false;
            }
            forwards.ending(ticket.ticketId(), why);
            return true;
        }, error);
    }

    /** A supplier asked at most once (on one thread): a read only made when a stream needs it. */
    private static <T> Supplier<T> once(Supplier<T> read) {
        return new Supplier<>() {
            private T value;

            @Override
            public T get() {
                if (value == null) {
                    value = read.get();
                }
                return value;
            }
        };
    }
}
