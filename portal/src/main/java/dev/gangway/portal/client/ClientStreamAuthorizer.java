package dev.gangway.portal.client;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.AgentService;
import dev.gangway.portal.relay.ClientStreams;
import dev.gangway.portal.report.ConnectionReport;
import dev.gangway.portal.rights.Access;
import dev.gangway.portal.rights.Right;
import dev.gangway.tunnel.LanTarget;
import dev.gangway.tunnel.StreamTicket;
import dev.gangway.tunnel.Tickets;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The access server's last word on every stream the Gangway client opens through the embedded relay, after the
 * relay checked the ticket's signature, expiry, single use and holder. Refuses with {@link TunnelError#NO_RIGHT}
 * unless, at this moment:
 *
 * <ul>
 *   <li>the connection's certificate is one this portal issued to a client session, still valid;</li>
 *   <li>that session is live (not signed out, not past its end or idle timeout) and its user enabled, within their
 *       access dates, with the password and second factor they signed in with;</li>
 *   <li>the ticket names that user and account;</li>
 *   <li>the device is in the account and the user holds "Client port forwards" on it.</li>
 * </ul>
 *
 * <p>Then the stream becomes a row of the connection report (kind {@code forward}; the service is the device's
 * service at that host and port, else {@code host:port}) before it is admitted: when the record or its audit event
 * cannot be written, the stream is refused. The relay reports the stream's end ({@link #streamClosed}, with the
 * bytes) or its failure to open ({@link #streamFailed}, with the reason), which close the row; when the portal cut
 * the stream ({@link ForwardEnding}), the row says {@code ended: } and why.
 *
 * <p>{@link #authorize} runs on the relay's authorization pool, the others on the relay feature's event thread;
 * none on an I/O thread, so each may read and write the database.
 */
@Component
class ClientStreamAuthorizer implements ClientStreams {

    private static final Logger log = LoggerFactory.getLogger(ClientStreamAuthorizer.class);

    static final String CLOSED = "stream closed";

    private final ClientCertificates certificates;
    private final ClientSessions sessions;
    private final ClientDevices devices;
    private final ClientTickets tickets;
    private final Access access;
    private final ConnectionReport report;
    private final LiveForwards forwards;
    private final ClientSessionRepository sessionRecords;
    private final Clock clock;

    ClientStreamAuthorizer(ClientCertificates certificates, ClientSessions sessions, ClientDevices devices,
            ClientTickets tickets, Access access, ConnectionReport report, LiveForwards forwards,
            ClientSessionRepository sessionRecords, Clock clock) {
        this.certificates = certificates;
        this.sessions = sessions;
        this.devices = devices;
        this.tickets = tickets;
        this.access = access;
        this.report = report;
        this.forwards = forwards;
        this.sessionRecords = sessionRecords;
        this.clock = clock;
    }

    @Override
    public void authorize(StreamTicket ticket, X509Certificate certificate) throws TunnelException {
        if (certificate == null || !ticket.isBound()) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "a client stream needs a ticket bound to the client "
                    + "certificate of its connection");
        }
        String fingerprint = Tickets.fingerprint(certificate);
        if (!fingerprint.equals(ticket.holder())) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "the ticket is bound to another client certificate");
        }
        ClientCertificate issued = certificates.find(fingerprint).orElseThrow(() -> refuse(ticket,
                "the client certificate was not issued to a client session"));
        if (!issued.isValidAt(clock.instant())) {
            throw refuse(ticket, "the client certificate expired at " + issued.getNotAfter()
                    + " (the client gets a new one)");
        }
        ClientSessions.Checked session = sessions.live(issued.getSessionId());
        if (session.endedWhy() != null) {
            throw refuse(ticket, "the client session ended (" + session.endedWhy() + ")");
        }
        PortalUser user = session.user();
        if (!user.accountId().equals(ticket.account()) || !user.username().equals(ticket.user())) {
            throw refuse(ticket, "the ticket names another user than the certificate's session");
        }
        if (!access.can(user, ticket.deviceId(), Right.CLIENT_FORWARD)) {
            throw refuse(ticket, user.getName() + " may not open client port forwards to device "
                    + ticket.deviceId());
        }
        String address = tickets.takeAddress(ticket.ticketId());
        if (address == null) {
            address = sessionRecords.findById(issued.getSessionId()).map(ClientSession::getClientAddress)
                    .orElse(null);
        }
        String recordId;
        try {
            recordId = report.opened(user.accountId(), user.username(), ticket.deviceId(),
                    serviceName(user, ticket), ConnectionReport.FORWARD, address);
        } catch (RuntimeException e) {
            log.error("Refused client stream {} of {} to device {}: the connection record cannot be written",
                    ticket.ticketId(), user.getName(), ticket.deviceId(), e);
            throw TunnelException.of(TunnelError.INTERNAL, "the portal cannot record the connection");
        }
        forwards.add(ticket.ticketId(), new LiveForwards.Forward(recordId, issued.getSessionId(), user.accountId(),
                user.username(), ticket.deviceId()));
    }

    @Override
    public void streamFailed(StreamTicket ticket, TunnelException error) {
        forwards.remove(ticket.ticketId()).ifPresent(forward -> report.closed(forward.recordId(), 0, 0,
                forward.endedWhy() != null ? ended(forward.endedWhy()) : "could not open: " + error.getMessage()));
    }

    @Override
    public void streamClosed(StreamTicket ticket, long bytesToDevice, long bytesFromDevice) {
        forwards.remove(ticket.ticketId()).ifPresent(forward -> report.closed(forward.recordId(), bytesToDevice,
                bytesFromDevice, forward.endedWhy() != null ? ended(forward.endedWhy()) : CLOSED));
    }

    @Override
    public void relayStopped() {
        for (LiveForwards.Forward forward : forwards.removeAll()) {
            try {
                report.closed(forward.recordId(), 0, 0, ConnectionReport.STOPPED);
            } catch (RuntimeException e) {
                log.warn("Cannot close the connection record {} at stop", forward.recordId(), e);
            }
        }
    }

    /** The end reason of the record of a stream the portal cut ({@link ForwardEnding}). */
    static String ended(String why) {
        return "ended: " + why;
    }

    /** The device's service at the ticket's host and port, else {@code host:port}. */
    private String serviceName(PortalUser user, StreamTicket ticket) {
        LanTarget target = ticket.target();
        List<AgentService> services = devices.visible(user, ticket.deviceId()).map(devices::services)
                .orElse(List.of());
        return services.stream()
                .filter(s -> s.port() == target.port() && s.host() != null
                        && s.host().toLowerCase(Locale.ROOT).equals(target.host()))
                .map(AgentService::name).findFirst().orElse(target.authority());
    }

    private static TunnelException refuse(StreamTicket ticket, String why) {
        log.info("Refused client stream {} to device {} for {}/{}: {}", ticket.ticketId(), ticket.deviceId(),
                ticket.account(), ticket.user(), why);
        return TunnelException.of(TunnelError.NO_RIGHT, why);
    }
}
