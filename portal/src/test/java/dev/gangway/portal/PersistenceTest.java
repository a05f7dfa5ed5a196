package dev.gangway.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.portal.account.Account;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PasswordHistory;
import dev.gangway.portal.account.PasswordHistoryRepository;
import dev.gangway.portal.report.ConnectionRecord;
import dev.gangway.portal.report.ConnectionRecordRepository;
import dev.gangway.portal.report.ConnectionReport;
import dev.gangway.portal.system.AuditEvent;
import dev.gangway.portal.system.AuditEventRepository;
import dev.gangway.portal.system.AuditLog;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Table;
import jakarta.persistence.metamodel.EntityType;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The database layer on H2 (this class) and on PostgreSQL ({@link PersistencePostgresTest} runs the same tests):
 * migrations apply, every entity round-trips unchanged, unique constraints give a clean error, instants stay UTC to
 * the microsecond.
 */
@SpringBootTest
@AutoConfigureMockMvc
public class PersistenceTest extends PortalTestSupport {

    /** Microseconds, on the night European clocks go forward: a time zone slip would show. */
    static final Instant AT = Instant.parse("2026-03-29T01:30:00.123456Z");

    @Autowired
    Flyway flyway;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EntityManager entityManager;
    @Autowired
    PlatformTransactionManager transactions;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordHistoryRepository passwordHistory;
    @Autowired
    ConnectionReport report;
    @Autowired
    ConnectionRecordRepository connectionRecords;
    @Autowired
    AuditLog audit;
    @Autowired
    AuditEventRepository auditEvents;

    @Test
    void everyMigrationIsApplied() throws Exception {
        int files = new PathMatchingResourcePatternResolver().getResources("classpath:db/migration/V*__*.sql").length;
        MigrationInfo[] applied = flyway.info().applied();
        assertThat(applied).hasSize(files);
        assertThat(applied).allSatisfy(m -> assertThat(m.getState().isFailed()).as(m.getScript()).isFalse());
        assertThat(flyway.info().pending()).isEmpty();
    }

    @Test
    void accountsWithTheirPoliciesAndUsersWithEveryColumnRoundTrip() {
        Account account = new Account(unique("acct"), AT);
        account.setPasswordMinLength(14);
        account.setPasswordMinClasses(4);
        account.setPasswordMaxAgeDays(90);
        account.setPasswordHistory(7);
        account.setLockoutThreshold(5);
        account.setLockoutMinutes(30);
        account.setSessionIdleMinutes(10);
        account.setSessionAbsoluteHours(8);
        account.setRequireTwoFactor(true);
        account.setRememberBrowserDays(0);
        accounts.save(account);
        AppUser user = new AppUser(account.getId(), "jürgen", "{bcrypt}hash", AT);
        user.setEmail("j@example.com");
        user.setAccountAdmin(true);
        user.setEnabled(false);
        user.setExpiresAt(AT.plus(Duration.ofDays(30)));
        user.setPasswordChangedAt(AT.plusSeconds(1));
        user.setMustChangePassword(true);
        user.setRequireTwoFactor(true);
        user.setFailedAttempts(3);
        user.setLockedUntil(AT.plusSeconds(900));
        user.setTotpSecret("sealed-secret");
        user.setTotpLastStep(59_000_000_123L);
        user.setTotpEnabledAt(AT.plusSeconds(2));
        users.save(user);
        passwordHistory.save(new PasswordHistory(user.getId(), "{bcrypt}old", AT));

        Account a = accounts.findById(account.getId()).orElseThrow();
        assertThat(a).usingRecursiveComparison().isEqualTo(account);
        assertThat(a.getPasswordMinLength()).isEqualTo(14);
        assertThat(a.isRequireTwoFactor()).isTrue();
        AppUser u = users.findByAccountIdAndUsername(account.getId(), "jürgen").orElseThrow();
        assertThat(u).usingRecursiveComparison().isEqualTo(user);
        assertThat(u.getTotpLastStep()).isEqualTo(59_000_000_123L);
        assertThat(u.getLockedUntil()).isEqualTo(AT.plusSeconds(900));
        assertThat(passwordHistory.findByUserIdOrderByCreatedAtDesc(user.getId()))
                .singleElement().extracting(PasswordHistory::getPasswordHash).isEqualTo("{bcrypt}old");
    }

    @Test
    void connectionRecordsKeepByteCountsBeyondFourGigabytes() {
        Account account = accounts.save(new Account(unique("acct"), AT));
        String id = report.opened(account.getId(), "alice", null, "hmi", ConnectionReport.WEB, "2001:db8::7");
        report.progress(id, 5_000_000_000L, 6_000_000_000L);
        assertThat(connectionRecords.findById(id).orElseThrow().getBytesOut()).isEqualTo(6_000_000_000L);

        report.closed(id, 5_000_000_000_000L, Long.MAX_VALUE, "ended for the user");

        ConnectionRecord record = connectionRecords.findByIdAndAccountId(id, account.getId()).orElseThrow();
        assertThat(record.getBytesIn()).isEqualTo(5_000_000_000_000L);
        assertThat(record.getBytesOut()).isEqualTo(Long.MAX_VALUE);
        assertThat(record.getClientAddress()).isEqualTo("2001:db8::7");
        assertThat(record.getEndedAt()).isAfterOrEqualTo(record.getStartedAt());
        assertThat(connectionRecords.findByIdAndAccountId(id, UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    void auditEventsRoundTripAndCannotBeChanged() {
        String account = accounts.save(new Account(unique("acct"), AT)).getId();
        audit.record("persistence.test", "ok", "acme/alice", account, "device-1", "d".repeat(1200));

        AuditEvent event = auditEvents.findByAccountIdOrderByOccurredAt(account).get(0);
        assertThat(event.getAction()).isEqualTo("persistence.test");
        assertThat(event.getActor()).isEqualTo("acme/alice");
        assertThat(event.getDeviceId()).isEqualTo("device-1");
        assertThat(event.getDetail()).hasSize(1000);

        TransactionTemplate transaction = new TransactionTemplate(transactions);
        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> entityManager
                .createQuery("update AuditEvent e set e.result = 'forged' where e.accountId = :account")
                .setParameter("account", account).executeUpdate()))
                .hasMessageContaining("immutable");
        assertThat(auditEvents.findById(event.getId()).orElseThrow().getResult()).isEqualTo("ok");
    }

    @Test
    void aDuplicateOfAUniqueValueIsACleanDataIntegrityError() {
        Account account = accounts.save(new Account(unique("acct"), AT));
        users.save(new AppUser(account.getId(), "alice", "{noop}x", AT));

        assertThatThrownBy(() -> accounts.save(new Account(account.getName(), AT)))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> users.save(new AppUser(account.getId(), "alice", "{noop}y", AT)))
                .isInstanceOf(DataIntegrityViolationException.class);
        // user names are unique ignoring case, in the database too (username_key)
        assertThatThrownBy(() -> users.save(new AppUser(account.getId(), "ALICE", "{noop}y", AT)))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(jdbc.queryForObject("select username_key from app_user where account_id = ? and username = ?",
                String.class, account.getId(), "alice")).isEqualTo("alice");
        jdbc.update("insert into user_group (id, account_id, name, created_at) values (?, ?, 'Service', ?)",
                UUID.randomUUID().toString(), account.getId(), utc(AT));
        assertThatThrownBy(() -> jdbc.update("insert into user_group (id, account_id, name, created_at)"
                + " values (?, ?, 'Service', ?)", UUID.randomUUID().toString(), account.getId(), utc(AT)))
                .isInstanceOf(DataIntegrityViolationException.class);
        // the same names in another account are fine
        Account other = accounts.save(new Account(unique("acct"), AT));
        users.save(new AppUser(other.getId(), "Alice", "{noop}x", AT));
        assertThat(users.findByAccountIdAndUsername(other.getId(), "Alice")).isPresent();
    }

    @Test
    void instantsAreStoredAsUtcToTheMicrosecond() {
        Account account = accounts.save(new Account(unique("acct"), AT));
        Account nanos = accounts.save(new Account(unique("acct"), AT.plusNanos(789)));

        assertThat(accounts.findById(account.getId()).orElseThrow().getCreatedAt()).isEqualTo(AT);
        assertThat(jdbc.queryForObject("select count(*) from account where id = ? and created_at ="
                + " timestamp with time zone '2026-03-29 01:30:00.123456+00:00'", Integer.class, account.getId()))
                .isOne();
        assertThat(jdbc.queryForObject("select created_at from account where id = ?", OffsetDateTime.class,
                account.getId()).toInstant()).isEqualTo(AT);
        Instant stored = accounts.findById(nanos.getId()).orElseThrow().getCreatedAt();
        assertThat(Duration.between(AT.plusNanos(789), stored).abs()).isLessThan(Duration.ofNanos(1000));
    }

    /**
     * Every entity reads a row written with plain SQL and writes it back identically: each fixture row is loaded
     * through JPA, the rows are deleted, JPA inserts the loaded entities again, and every column must be as it was.
     * A new entity without a fixture row here fails the test.
     */
    @Test
    void everyEntityRoundTripsEveryColumn() {
        List<Fixture> fixtures = fixtures();
        Map<String, Class<?>> entities = new TreeMap<>();
        for (EntityType<?> type : entityManager.getMetamodel().getEntities()) {
            entities.put(type.getJavaType().getAnnotation(Table.class).name(), type.getJavaType());
        }
        assertThat(fixtures).extracting(Fixture::table)
                .as("every entity needs a fixture row in PersistenceTest.fixtures()")
                .containsAll(entities.keySet());

        TransactionTemplate transaction = new TransactionTemplate(transactions);
        List<Map<String, Object>> before = new ArrayList<>();
        List<Object> loaded = new ArrayList<>();
        transaction.executeWithoutResult(status -> {
            for (Fixture f : fixtures) {
                jdbc.update(f.insert(), f.values());
            }
            for (Fixture f : fixtures) {
                before.add(row(f));
                Class<?> entity = entities.get(f.table());
                if (entity != null) {
                    Object read = entityManager.createNativeQuery("select * from " + f.table() + " where "
                            + f.key() + " = ?", entity).setParameter(1, f.values()[0]).getSingleResult();
                    loaded.add(read);
                }
            }
        });
        transaction.executeWithoutResult(status -> {
            for (int i = fixtures.size() - 1; i >= 0; i--) {
                Fixture f = fixtures.get(i);
                jdbc.update("delete from " + f.table() + " where " + f.key() + " = ?", f.values()[0]);
            }
            for (Fixture f : fixtures) {
                if (!entities.containsKey(f.table())) {
                    jdbc.update(f.insert(), f.values());
                }
            }
        });
        transaction.executeWithoutResult(status -> loaded.forEach(entityManager::merge));

        List<Map<String, Object>> after = fixtures.stream().map(this::row).toList();
        for (int i = 0; i < fixtures.size(); i++) {
            assertThat(after.get(i)).as(fixtures.get(i).table()).isEqualTo(before.get(i));
        }
    }

    @Test
    void clientSessionTokensAndCertificateFingerprintsAreUnique() {
        Account account = accounts.save(new Account(unique("acct"), AT));
        AppUser user = users.save(new AppUser(account.getId(), "alice", "{noop}x", AT));
        String insert = "insert into client_session (id, account_id, user_id, token_hash, credentials_stamp,"
                + " created_at, expires_at, last_used_at) values (?, ?, ?, ?, 'stamp', ?, ?, ?)";
        String session = UUID.randomUUID().toString();
        String hash = unique("hash");
        jdbc.update(insert, session, account.getId(), user.getId(), hash, utc(AT), utc(AT.plusSeconds(60)), utc(AT));
        assertThatThrownBy(() -> jdbc.update(insert, UUID.randomUUID().toString(), account.getId(), user.getId(),
                hash, utc(AT), utc(AT.plusSeconds(60)), utc(AT))).isInstanceOf(DataIntegrityViolationException.class);
        String certificate = "insert into client_certificate (fingerprint, session_id, serial, issued_at, not_after)"
                + " values (?, ?, 'ab', ?, ?)";
        String fingerprint = unique("fp");
        jdbc.update(certificate, fingerprint, session, utc(AT), utc(AT.plusSeconds(60)));
        assertThatThrownBy(() -> jdbc.update(certificate, fingerprint, session, utc(AT), utc(AT)))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> jdbc.update(certificate, unique("fp"), UUID.randomUUID().toString(), utc(AT),
                utc(AT))).as("a certificate of no session").isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void alarmsAreStoredOncePerDeviceAndAgentAlarmIdAndUsersKeepTheirPhoneNumber() {
        Account account = accounts.save(new Account(unique("acct"), AT));
        AppUser user = new AppUser(account.getId(), "alice", "{noop}x", AT);
        user.setPhoneNumber("+491701234567");
        users.save(user);
        assertThat(users.findById(user.getId()).orElseThrow().getPhoneNumber()).isEqualTo("+491701234567");

        String device = UUID.randomUUID().toString();
        jdbc.update("insert into device (id, account_id, name, created_at) values (?, ?, 'Press', ?)", device,
                account.getId(), utc(AT));
        String insert = "insert into alarm (id, device_id, account_id, agent_alarm_id, sequence, raised_at,"
                + " received_at, source, sender, subject, text) values (?, ?, ?, ?, ?, ?, ?, 'http', '', '', '')";
        jdbc.update(insert, UUID.randomUUID().toString(), device, account.getId(), "a-1", 1L, utc(AT), utc(AT));
        assertThatThrownBy(() -> jdbc.update(insert, UUID.randomUUID().toString(), device, account.getId(), "a-1",
                2L, utc(AT), utc(AT))).as("the same agent alarm id twice for one device")
                .isInstanceOf(DataIntegrityViolationException.class);
        String otherDevice = UUID.randomUUID().toString();
        jdbc.update("insert into device (id, account_id, name, created_at) values (?, ?, 'Other', ?)", otherDevice,
                account.getId(), utc(AT));
        jdbc.update(insert, UUID.randomUUID().toString(), otherDevice, account.getId(), "a-1", 1L, utc(AT), utc(AT));
        assertThatThrownBy(() -> jdbc.update(insert, UUID.randomUUID().toString(), UUID.randomUUID().toString(),
                account.getId(), "a-2", 1L, utc(AT), utc(AT))).as("an alarm of no device")
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(jdbc.queryForObject("select raised_at from alarm where device_id = ?", OffsetDateTime.class,
                device).toInstant()).isEqualTo(AT);

        // every column at its widest (the agent protocol's limits), read back unchanged
        String id = UUID.randomUUID().toString();
        String text = "line 1\nline 2\tü" + "x".repeat(7984);
        jdbc.update("insert into alarm (id, device_id, account_id, agent_alarm_id, sequence, raised_at, received_at,"
                + " source, sender, subject, text, dispatched_at) values (?, ?, ?, ?, 9007199254740993, ?, ?, 'smtp',"
                + " ?, ?, ?, ?)", id, device, account.getId(), "i".repeat(64), utc(AT), utc(AT.plusSeconds(1)),
                "s".repeat(320), "Pump <3> ü" + "y".repeat(190), text, utc(AT.plusSeconds(2)));
        Map<String, Object> row = jdbc.queryForMap("select * from alarm where id = ?", id);
        assertThat(row.get("sequence")).isEqualTo(9007199254740993L);
        assertThat(row.get("text")).isEqualTo(text);
        assertThat((String) row.get("subject")).hasSize(200);
        assertThat(jdbc.queryForObject("select dispatched_at from alarm where id = ?", OffsetDateTime.class, id)
                .toInstant()).isEqualTo(AT.plusSeconds(2));
    }

    /** One row per table, parents first; the first value is the key column's. */
    private List<Fixture> fixtures() {
        String account = UUID.randomUUID().toString();
        String user = UUID.randomUUID().toString();
        String device = UUID.randomUUID().toString();
        String group = UUID.randomUUID().toString();
        String pool = UUID.randomUUID().toString();
        String session = UUID.randomUUID().toString();
        OffsetDateTime t = utc(AT);
        return List.of(
                new Fixture("account", "id", "insert into account (id, name, created_at, password_min_length,"
                        + " password_min_classes, password_max_age_days, password_history, lockout_threshold,"
                        + " lockout_minutes, session_idle_minutes, session_absolute_hours, require_two_factor,"
                        + " remember_browser_days) values (?, ?, ?, 15, 2, 60, 3, 4, 5, 6, 7, true, 9)",
                        account, unique("fixture"), t),
                new Fixture("app_user", "id", "insert into app_user (id, account_id, username, username_key,"
                        + " password_hash, enabled, created_at, email, account_admin, expires_at, password_changed_at,"
                        + " must_change_password, require_two_factor, failed_attempts, locked_until, totp_secret,"
                        + " totp_last_step, totp_enabled_at, passkeys_changed_at) values (?, ?, 'Ünï', 'ünï',"
                        + " '{bcrypt}h', false, ?, 'u@example.com', true, ?, ?, true, true, 4, ?, 'sealed', 9000000000,"
                        + " ?, ?)",
                        user, account, t, utc(AT.plusSeconds(1)), utc(AT.plusSeconds(2)), utc(AT.plusSeconds(3)),
                        utc(AT.plusSeconds(4)), utc(AT.plusSeconds(6))),
                new Fixture("device", "id", "insert into device (id, account_id, name, serial, agent_version, hostname,"
                        + " services_json, relay_id, created_at, registered_at, last_seen_at, on_demand, phone_number)"
                        + " values (?, ?, 'Press <3>', 'SN-1', '0.1.0', 'press-3', '[]', 'relay-1', ?, ?, ?, true,"
                        + " '+491701234567')",
                        device, account, t, utc(AT.plusSeconds(1)), utc(AT.plusSeconds(2))),
                new Fixture("device_wake", "id", "insert into device_wake (id, account_id, device_id, requested_by,"
                        + " requested_via, requested_at, wake_time, state, failure, sms_detail, sms_sent_at,"
                        + " dialling_at, online_at, ended_at, end_reason) values (?, ?, ?, 'acme/ünï', 'client', ?,"
                        + " 9000000000, 'online', 'no-answer', 'HTTP 200 from <sms>', ?, ?, ?, ?, 'on-demand tunnel"
                        + " idle; hung up')", UUID.randomUUID().toString(), account, device, t, utc(AT.plusSeconds(1)),
                        utc(AT.plusSeconds(2)), utc(AT.plusSeconds(3)), utc(AT.plusSeconds(4))),
                new Fixture("password_history", "id", "insert into password_history (id, user_id, password_hash,"
                        + " created_at) values (?, ?, '{bcrypt}old', ?)", UUID.randomUUID().toString(), user, t),
                new Fixture("password_token", "id", "insert into password_token (id, user_id, token_hash, purpose,"
                        + " created_at, expires_at, used_at) values (?, ?, ?, 'invite', ?, ?, ?)",
                        UUID.randomUUID().toString(), user, unique("tok"), t, utc(AT.plusSeconds(60)),
                        utc(AT.plusSeconds(30))),
                new Fixture("recovery_code", "id", "insert into recovery_code (id, user_id, code_hash, created_at,"
                        + " used_at) values (?, ?, 'hash', ?, ?)", UUID.randomUUID().toString(), user, t,
                        utc(AT.plusSeconds(5))),
                new Fixture("trusted_browser", "id", "insert into trusted_browser (id, user_id, token_hash, user_agent,"
                        + " created_at, expires_at) values (?, ?, ?, 'Firefox', ?, ?)", UUID.randomUUID().toString(),
                        user, unique("tb"), t, utc(AT.plus(Duration.ofDays(30)))),
                new Fixture("passkey_user", "user_id", "insert into passkey_user (user_id, handle, created_at)"
                        + " values (?, ?, ?)", user, unique("handle"), t),
                new Fixture("passkey", "id", "insert into passkey (id, user_id, credential_id, label, credential_type,"
                        + " public_key, signature_count, uv_initialized, backup_eligible, backup_state, transports,"
                        + " attestation_object, client_data_json, created_at, last_used_at) values (?, ?, ?,"
                        + " 'Key <1> ü', 'public-key', 'pQECAyYgASFYIA', 4294967296, true, true, false,"
                        + " 'hybrid,internal', 'o2NmbXRkbm9uZQ', 'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIn0', ?, ?)",
                        UUID.randomUUID().toString(), user, unique("cred"), t, utc(AT.plusSeconds(7))),
                new Fixture("activation_key", "id", "insert into activation_key (id, device_id, key_hash, created_at,"
                        + " expires_at, used_at) values (?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(), device,
                        unique("key"), t, utc(AT.plus(Duration.ofDays(7))), utc(AT.plusSeconds(9))),
                new Fixture("device_certificate", "serial", "insert into device_certificate (serial, device_id,"
                        + " account_id, device_serial, issued_at, not_after, revoked_at, revoke_reason)"
                        + " values (?, ?, ?, 'SN-1', ?, ?, ?, 'replaced')", unique("c"), device, account, t,
                        utc(AT.plus(Duration.ofDays(1095))), utc(AT.plusSeconds(10))),
                new Fixture("user_group", "id", "insert into user_group (id, account_id, name, created_at)"
                        + " values (?, ?, 'Service', ?)", group, account, t),
                new Fixture("group_member", "group_id", "insert into group_member (group_id, user_id) values (?, ?)",
                        group, user),
                new Fixture("device_pool", "id", "insert into device_pool (id, account_id, name, created_at)"
                        + " values (?, ?, 'Line 1', ?)", pool, account, t),
                new Fixture("pool_device", "pool_id", "insert into pool_device (pool_id, device_id) values (?, ?)",
                        pool, device),
                new Fixture("pool_right", "group_id", "insert into pool_right (group_id, pool_id, right_name)"
                        + " values (?, ?, 'OPEN_WEB_HMI')", group, pool),
                new Fixture("connection_record", "id", "insert into connection_record (id, account_id, user_id,"
                        + " username, device_id, device_name, service, kind, client_address, started_at, ended_at,"
                        + " bytes_in, bytes_out, end_reason) values (?, ?, ?, 'ünï', ?, 'Press <3>', 'hmi', 'web',"
                        + " '2001:db8::1', ?, ?, 5000000000000, 9223372036854775807, 'ended for the user')",
                        UUID.randomUUID().toString(), account, user, device, t, utc(AT.plusSeconds(3725))),
                new Fixture("audit_event", "id", "insert into audit_event (id, occurred_at, actor, account_id, address,"
                        + " device_id, action, result, detail) values (?, ?, 'acme/ünï', ?, '192.0.2.1', ?,"
                        + " 'persistence.fixture', 'ok', 'detail')", UUID.randomUUID().toString(), t, account,
                        device),
                new Fixture("client_session", "id", "insert into client_session (id, account_id, user_id, token_hash,"
                        + " credentials_stamp, client_address, created_at, expires_at, last_used_at, ended_at,"
                        + " end_reason) values (?, ?, ?, ?, 'stamp', '2001:db8::2', ?, ?, ?, ?, 'signed out')",
                        session, account, user, unique("token"), t, utc(AT.plus(Duration.ofHours(12))),
                        utc(AT.plusSeconds(11)), utc(AT.plusSeconds(12))),
                new Fixture("client_certificate", "fingerprint", "insert into client_certificate (fingerprint,"
                        + " session_id, serial, issued_at, not_after) values (?, ?, 'a1b2c3', ?, ?)",
                        unique("fp"), session, t, utc(AT.plus(Duration.ofHours(1)))));
    }

    private Map<String, Object> row(Fixture f) {
        return jdbc.queryForMap("select * from " + f.table() + " where " + f.key() + " = ?", f.values()[0]);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A row of a table written with SQL; {@code values[0]} is the value of the column {@code key}. */
    record Fixture(String table, String key, String insert, Object... values) {
    }
}
