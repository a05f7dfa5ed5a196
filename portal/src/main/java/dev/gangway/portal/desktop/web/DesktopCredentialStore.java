package dev.gangway.portal.desktop.web;

import dev.gangway.portal.desktop.DesktopCredentials;
import dev.gangway.portal.system.AuditLog;
import dev.gangway.portal.system.DataDirectory;
import dev.gangway.portal.system.KeyFileCipher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Credentials stored for a device's desktop service (VNC password; RDP user, password, domain). The password is
 * encrypted at rest ({@link KeyFileCipher}, key {@code <data-dir>/secrets/desktop-key}, bound to the device and the
 * service). Set by users who manage the device, on the service's credentials page; read only by the desktop tunnel
 * when a session opens. Never shown back, never logged; every change is audited without the secret.
 */
@Service
public class DesktopCredentialStore {

    static final int MAX_NAME = 200;
    static final int MAX_PASSWORD = 256;
    private static final Pattern PRINTABLE = Pattern.compile("[\\p{Print}\\p{L}\\p{M}\\p{N} ]*");
    private static final Logger log = LoggerFactory.getLogger(DesktopCredentialStore.class);

    private final JdbcTemplate jdbc;
    private final KeyFileCipher cipher;
    private final AuditLog audit;
    private final Clock clock;

    DesktopCredentialStore(JdbcTemplate jdbc, DataDirectory dataDirectory, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.cipher = new KeyFileCipher(dataDirectory.directory("secrets").resolve("desktop-key"));
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The credentials stored for the service, or {@link DesktopCredentials#NONE}. A password that no longer decrypts
     * (the key file was replaced) counts as not stored, and is logged (without the value): the viewer then asks.
     */
    public DesktopCredentials find(String accountId, String deviceId, String serviceName) {
        List<DesktopCredentials> found = jdbc.query("select c.username, c.password_sealed, c.domain_name"
                + " from desktop_credential c join device d on d.id = c.device_id"
                + " where d.account_id = ? and c.device_id = ? and c.service_name = ?",
                (rs, row) -> new DesktopCredentials(rs.getString(1),
                        open(rs.getString(2), deviceId, serviceName), rs.getString(3)),
                accountId, deviceId, serviceName);
        return found.isEmpty() ? DesktopCredentials.NONE : found.get(0);
    }

    /** What is stored, for the credentials page: the user name and domain, and whether a password is. */
    StoredCredentials stored(String deviceId, String serviceName) {
        List<StoredCredentials> found = jdbc.query("select username, password_sealed is not null, domain_name,"
                + " updated_at, updated_by from desktop_credential where device_id = ? and service_name = ?",
                (rs, row) -> new StoredCredentials(rs.getString(1), rs.getBoolean(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), rs.getString(5)),
                deviceId, serviceName);
        return found.isEmpty() ? null : found.get(0);
    }

    /**
     * Stores the user name and domain, and the password unless {@code password} is null or empty (the stored one
     * is then kept) or {@code clearPassword} is set. Checks everything first: a refused field stores nothing.
     *
     * @throws IllegalArgumentException with the message for the form, naming the field
     */
    @Transactional
    void save(String accountId, String deviceId, String serviceName, String username, String password,
            boolean clearPassword, String domain, String actor) {
        String user = field("User name", username);
        String dom = field("Domain", domain);
        if (password != null && password.length() > MAX_PASSWORD) {
            throw new IllegalArgumentException("The password is longer than " + MAX_PASSWORD
                    + " characters: shorten it.");
        }
        if (password != null && password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("The password contains a line break or another control character:"
                    + " type it again.");
        }
        boolean newPassword = !clearPassword && password != null && !password.isEmpty();
        StoredCredentials before = stored(deviceId, serviceName);
        String sealed = newPassword ? cipher.seal(password.getBytes(StandardCharsets.UTF_8),
                boundTo(deviceId, serviceName)) : null;
        Timestamp now = Timestamp.from(clock.instant());
        if (before == null) {
            jdbc.update("insert into desktop_credential (device_id, service_name, username, password_sealed,"
                    + " domain_name, updated_at, updated_by) values (?, ?, ?, ?, ?, ?, ?)",
                    deviceId, serviceName, user, sealed, dom, now, actor);
        } else if (newPassword || clearPassword) {
            jdbc.update("update desktop_credential set username = ?, password_sealed = ?, domain_name = ?,"
                    + " updated_at = ?, updated_by = ? where device_id = ? and service_name = ?",
                    user, sealed, dom, now, actor, deviceId, serviceName);
        } else {
            jdbc.update("update desktop_credential set username = ?, domain_name = ?, updated_at = ?, updated_by = ?"
                    + " where device_id = ? and service_name = ?", user, dom, now, actor, deviceId, serviceName);
        }
        String passwordWord = newPassword ? "password set" : clearPassword ? "password cleared"
                : before != null && before.passwordStored() ? "password kept" : "no password";
        audit.record("desktop.credentials", "ok", actor, accountId, deviceId, "service " + serviceName
                + ": user name " + (user == null ? "none" : "\"" + user + "\"") + ", " + passwordWord
                + (dom == null ? "" : ", domain \"" + dom + "\""));
    }

    /** Removes everything stored for the service. */
    @Transactional
    void delete(String accountId, String deviceId, String serviceName, String actor) {
        int removed = jdbc.update("delete from desktop_credential where device_id = ? and service_name = ?",
                deviceId, serviceName);
        if (removed > 0) {
            audit.record("desktop.credentials", "ok", actor, accountId, deviceId, "service " + serviceName
                    + ": stored credentials removed");
        }
    }

    private String open(String sealed, String deviceId, String serviceName) {
        if (sealed == null) {
            return null;
        }
        try {
            return new String(cipher.open(sealed, boundTo(deviceId, serviceName)), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            log.warn("The stored password of desktop service {} of device {} cannot be decrypted (was"
                    + " secrets/desktop-key replaced?); the viewer will ask for it", serviceName, deviceId);
            return null;
        }
    }

    private static String boundTo(String deviceId, String serviceName) {
        return deviceId + "/" + serviceName;
    }

    private static String field(String label, String value) {
        String stripped = value == null ? "" : value.strip();
        if (stripped.isEmpty()) {
            return null;
        }
        if (stripped.length() > MAX_NAME) {
            throw new IllegalArgumentException(label + " is longer than " + MAX_NAME + " characters: shorten it.");
        }
        if (!PRINTABLE.matcher(stripped).matches()) {
            throw new IllegalArgumentException(label + " contains a control character: type it again.");
        }
        return stripped;
    }

    /** What the credentials page shows of a stored entry. */
    record StoredCredentials(String username, boolean passwordStored, String domain, Instant updatedAt,
            String updatedBy) {
    }
}
