package dev.gangway.portal.device;

import dev.gangway.portal.pki.DeviceCertificate;
import dev.gangway.portal.system.AuditLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Site-access reports of device agents ({@code POST /api/agent/v1/site-access}): whether remote access is enabled on
 * site, i.e. the position of the site's key switch. The portal shows "remote access disabled on site" for a device
 * without a tunnel whose agent reported it off, and audits every change ({@code device.site-access}).
 *
 * <h2>Who may report</h2> Only the device itself. The agent API has no session and, the portal possibly being plain
 * HTTP behind a proxy, no client certificate; so the report carries the device certificate and is signed with the
 * device's key ({@code SHA256withECDSA} over the exact body bytes, base64 in {@code Gangway-Signature}). Checked in
 * this order: the certificate was signed by this portal's CA and is within its dates, the signature matches its key
 * (before anything is looked up), this portal issued it (by serial) and has not revoked it, and it names the device
 * the report is about ({@link AgentReportSignatures}, shared with the other signed agent reports).
 *
 * <h2>Replays and order</h2> The report is dated by the agent ({@code at}); it must be within {@link #MAX_CLOCK_SKEW}
 * of the portal's clock and later (in milliseconds) than the latest accepted report of that device (compared under a
 * row lock), so an old report sent again is refused (409) and two reports can never be applied out of order.
 */
@Service
class SiteAccessReports {

    private static final Logger log = LoggerFactory.getLogger(SiteAccessReports.class);
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    static final String SIGNATURE_HEADER = AgentReportSignatures.SIGNATURE_HEADER;
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final int MAX_CERTIFICATE = AgentReportSignatures.MAX_CERTIFICATE;

    /** What the portal now holds for the device. */
    record Result(boolean enabled, boolean changed) {
    }

    /** The parsed body. */
    private record Report(String deviceId, boolean enabled, boolean keySwitch, Instant at, String certificate) {
    }

    /** A report refused, with the HTTP status and a sentence for the agent's log. */
    static final class RefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final HttpStatus status;

        RefusedException(HttpStatus status, String message) {
            super(message);
            this.status = status;
        }

        HttpStatus status() {
            return status;
        }
    }

    private final DeviceRepository devices;
    private final DeviceTunnels tunnels;
    private final AgentReportSignatures signatures;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final Clock clock;

    SiteAccessReports(DeviceRepository devices, DeviceTunnels tunnels, AgentReportSignatures signatures,
            AuditLog audit, TransactionTemplate transactions, JsonMapper json, Clock clock) {
        this.devices = devices;
        this.tunnels = tunnels;
        this.signatures = signatures;
        this.audit = audit;
        this.transactions = transactions;
        this.json = json;
        this.clock = clock;
    }

    /** Checks and applies one report; {@link RefusedException} says why not. */
    Result accept(byte[] body, String signature) {
        if (signature == null || signature.isBlank()) {
            throw new RefusedException(HttpStatus.UNAUTHORIZED, "the report is not signed: send the device key's "
                    + SIGNATURE_ALGORITHM + " signature of the body, base64, in the " + SIGNATURE_HEADER + " header");
        }
        Report report = parse(body);
        DeviceCertificate issued;
        try {
            issued = signatures.verify(body, signature, report.certificate(), report.deviceId());
        } catch (AgentReportSignatures.RefusedException e) {
            throw new RefusedException(e.status(), e.getMessage());
        }
        Instant now = clock.instant();
        if (Duration.between(now, report.at()).abs().compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new RefusedException(HttpStatus.BAD_REQUEST, "the report is dated " + report.at()
                    + ", more than " + MAX_CLOCK_SKEW.toMinutes() + " minutes from the portal's clock (" + now
                    + "): set the device's clock (NTP)");
        }
        Applied applied = transactions.execute(status -> apply(report, issued, now));
        if (applied.changed()) {
            tunnels.siteAccessChanged(applied.device());
        }
        return new Result(!applied.device().isSiteAccessDisabled(), applied.changed());
    }

    private record Applied(Device device, boolean changed) {
    }

    private Applied apply(Report report, DeviceCertificate issued, Instant now) {
        Device device = devices.findByIdForUpdate(report.deviceId()).orElseThrow(() -> new RefusedException(
                HttpStatus.NOT_FOUND, "device " + report.deviceId() + " is not known to this portal"));
        Instant last = device.getSiteAccessReportedAt();
        if (last != null && !report.at().isAfter(last)) {
            throw new RefusedException(HttpStatus.CONFLICT, "a report dated " + last + " is already recorded; this"
                    + " one, dated " + report.at() + ", is older or the same");
        }
        boolean changed = device.siteAccess(!report.enabled(), report.at(), now);
        if (changed) {
            audit.record("device.site-access", "ok", null, device.getAccountId(), device.getId(), detail(report)
                    + " (certificate " + issued.getSerial() + ")");
        }
        return new Applied(device, changed);
    }

    private static String detail(Report report) {
        if (!report.enabled()) {
            return "off: key switch off, remote access disabled on site";
        }
        return report.keySwitch() ? "on: key switch on, remote access enabled on site"
                : "on: no key switch configured, remote access enabled on site";
    }

    private Report parse(byte[] body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JacksonException e) {
            node = null;
        }
        if (node == null || !node.isObject()) {
            throw bad("the body is not a JSON object with deviceId, enabled, at and certificate");
        }
        JsonNode deviceId = node.get("deviceId");
        if (deviceId == null || !deviceId.isString() || deviceId.stringValue().isEmpty()
                || deviceId.stringValue().length() > 36) {
            throw bad("deviceId must be the device's id");
        }
        JsonNode enabled = node.get("enabled");
        if (enabled == null || !enabled.isBoolean()) {
            throw bad("enabled must be true or false");
        }
        JsonNode keySwitch = node.get("keySwitch");
        if (keySwitch != null && !keySwitch.isBoolean()) {
            throw bad("keySwitch must be true or false");
        }
        JsonNode at = node.get("at");
        Instant when;
        try {
            when = Instant.parse(at == null || !at.isString() ? "" : at.stringValue());
        } catch (DateTimeParseException e) {
            throw bad("at must be an ISO-8601 instant like 2026-11-26T10:15:30.123Z");
        }
        JsonNode certificate = node.get("certificate");
        if (certificate == null || !certificate.isString() || certificate.stringValue().length() > MAX_CERTIFICATE) {
            throw bad("certificate must be the device certificate (PEM)");
        }
        // milliseconds are what the agent sends and every database stores
        return new Report(deviceId.stringValue(), enabled.booleanValue(), keySwitch == null || keySwitch.booleanValue(),
                when.truncatedTo(ChronoUnit.MILLIS), certificate.stringValue());
    }

    private static RefusedException bad(String message) {
        return new RefusedException(HttpStatus.BAD_REQUEST, message);
    }

    /** For the log: who reported what, never the signature. */
    static void logRefusal(RefusedException e) {
        log.warn("Site-access report refused ({}): {}", e.status().value(), e.getMessage());
    }
}
