package dev.gangway.portal.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Tenant isolation of the client API (the part {@code TenantIsolationTest} leaves to this test): every
 * {@code /api/client/**} route of the request-mapping registry, called with a bearer token of account A's
 * administrator (the strongest user a tenant has) and account B's device id in the path and in the body (with A's
 * own valid certificate, so nothing but the device stands in the way; B's device is on demand, so waking it or
 * sending it offline would act). Every answer must be a refusal, or an answer
 * about A's own session that shows nothing of B; B's rows in every table are unchanged afterwards, and no ticket was
 * signed for B's device.
 *
 * <p>The sign-in ({@code POST /sessions}) names its account in the body, like the sign-in form: called with B's
 * account and a wrong password it only counts a failed sign-in against B (the lockout feature, not a leak); it is
 * called with A's own credentials here, which must name nothing of B.
 */
class ClientApiIsolationTest extends ClientApiTestSupport {

    /** The client API's routes; fewer means the enumeration broke (9 with wake, its progress and offline). */
    static final int MIN_ROUTES = 9;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;
    @Autowired
    DataSource dataSource;

    PortalUser attacker;
    String attackerAddress;
    String ownDevice;
    String victimAccountId;
    String victimDevice;
    String victimFingerprint;
    Set<String> victimSecrets;

    @BeforeEach
    void twoAccounts() throws Exception {
        RightsTestData data = new RightsTestData(jdbc);
        attacker = newAdmin("Attacker-password-1");
        attackerAddress = newAddress();
        ownDevice = DeviceTestData.newDevice(registry, attacker.accountId(), "A's press");
        DeviceTestData.online(tunnels, ownDevice);

        String tag = UUID.randomUUID().toString().substring(0, 8);
        PortalUser victimAdmin = newAdmin("Victim-password-1");
        victimAccountId = victimAdmin.accountId();
        victimDevice = DeviceTestData.newDevice(registry, victimAccountId, "b-secret-device-" + tag);
        String pool = data.pool(victimAccountId, "b-secret-pool-" + tag);
        data.poolDevice(pool, victimDevice);
        PortalUser victim = data.userWith(victimAdmin, pool, Right.CLIENT_FORWARD);
        DeviceTestData.online(tunnels, victimDevice);
        // on demand with a phone number, so a wake-up or Send offline that got through would show in B's rows
        // (a device_wake row, an audit event) or B's answers
        jdbc.update("update device set on_demand = true, phone_number = '+491709990001' where id = ?", victimDevice);
        String victimAddress = newAddress();
        String victimToken = token(victim, "unused", victimAddress);
        victimFingerprint = certificate(victimToken, victimAddress).fingerprint();
        victimSecrets = new LinkedHashSet<>(List.of(victimAccountId, victimAdmin.accountName(), victim.username(),
                victim.userId(), victimAdmin.userId(), "b-secret-device-" + tag, "b-secret-pool-" + tag,
                victimFingerprint));
    }

    @AfterEach
    void offline() {
        DeviceTestData.offline(tunnels, ownDevice);
        DeviceTestData.offline(tunnels, victimDevice);
    }

    @Test
    void everyClientApiRouteRefusesAnotherAccountsIdsAndChangesNothingOfIt() throws Exception {
        List<String[]> routes = routes();
        assertThat(routes).as("client API routes in the request-mapping registry").hasSizeGreaterThanOrEqualTo(
                MIN_ROUTES);
        Map<String, List<String>> before = victimRows();
        assertThat(before.get("client_session")).hasSize(1);
        assertThat(before.get("client_certificate")).hasSize(1);
        List<String> failures = new ArrayList<>();

        for (String[] route : routes) {
            HttpMethod method = HttpMethod.valueOf(route[0]);
            String path = route[1].replace("{deviceId}", victimDevice);
            assertThat(path).as("a path variable this test does not know: " + route[1]).doesNotContain("{");
            // a fresh session per call: a sign-out must not turn the calls after it into plain 401s
            String token = token(attacker, "Attacker-password-1", attackerAddress);
            String own = certificate(token, attackerAddress).fingerprint();
            List<Object> bodies = new ArrayList<>();
            bodies.add(null);
            if (path.endsWith("/sessions")) {
                bodies.add(Map.of("account", attacker.accountName(), "user", attacker.username(),
                        "password", "Attacker-password-1"));
            } else {
                bodies.add(body(victimDevice, own));
                bodies.add(body(victimDevice, victimFingerprint));
                bodies.add(body(ownDevice, victimFingerprint));
            }
            for (Object body : bodies) {
                String what = method + " " + route[1] + (body == null ? "" : " with " + body);
                MvcResult result = perform(call(method, path.substring(API.length()), token, body,
                        attackerAddress));
                int status = result.getResponse().getStatus();
                String answer = result.getResponse().getContentAsString();
                if (status >= 200 && status < 300) {
                    victimSecrets.stream().filter(answer::contains).findFirst()
                            .ifPresent(leak -> failures.add(what + ": " + status + " shows B's " + leak));
                    if (answer.contains("\"ticket\"")) {
                        failures.add(what + ": signed a ticket");
                    }
                } else if (status < 400 || status >= 500) {
                    failures.add(what + ": answered " + status + " " + answer);
                } else {
                    victimSecrets.stream().filter(s -> !s.equals(victimDevice) && !s.equals(victimFingerprint))
                            .filter(answer::contains).findFirst()
                            .ifPresent(leak -> failures.add(what + ": " + status + " names B's " + leak));
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(victimRows()).as("B's rows after every route was tried").isEqualTo(before);
    }

    /** Every (method, pattern) of the client API in the registry. */
    private List<String[]> routes() {
        List<String[]> routes = new ArrayList<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith(API + "/")) {
                    continue;
                }
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                assertThat(methods).as(pattern + " names its methods").isNotEmpty();
                methods.forEach(m -> routes.add(new String[] {m.name(), pattern}));
            }
        }
        routes.sort((a, b) -> (a[1] + a[0]).compareTo(b[1] + b[0]));
        return routes;
    }

    private static Map<String, Object> body(String deviceId, String fingerprint) {
        Map<String, Object> body = new LinkedHashMap<>(ticketBody(deviceId, "198.19.0.2", 80, fingerprint));
        body.put("csr", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n");
        return body;
    }

    /** B's rows: in tables with an account id, B's; in the others, those holding one of B's ids. */
    private Map<String, List<String>> victimRows() throws Exception {
        Set<String> ids = new LinkedHashSet<>(victimSecrets);
        ids.add(victimDevice);
        jdbc.queryForList("select id from client_session where account_id = ?", String.class, victimAccountId)
                .forEach(ids::add);
        Map<String, List<String>> rows = new TreeMap<>();
        List<String> tables = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                ResultSet rs = connection.getMetaData().getTables(null, connection.getSchema(), "%",
                        new String[] {"TABLE"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME"));
            }
        }
        for (String table : tables) {
            List<String> found = new ArrayList<>();
            jdbc.query("select * from \"" + table + "\"", rs -> {
                int columns = rs.getMetaData().getColumnCount();
                List<String> values = new ArrayList<>();
                boolean hasAccount = false;
                boolean accountMatches = false;
                boolean victims = false;
                for (int i = 1; i <= columns; i++) {
                    String column = rs.getMetaData().getColumnLabel(i).toLowerCase(Locale.ROOT);
                    Object value = rs.getObject(i);
                    String text = value instanceof Timestamp t ? Instant.ofEpochMilli(t.getTime()).toString()
                            : String.valueOf(value);
                    values.add(column + "=" + text);
                    if (column.equals("account_id")) {
                        hasAccount = true;
                        accountMatches = victimAccountId.equals(text);
                    }
                    victims |= ids.contains(text);
                }
                if (hasAccount ? accountMatches : victims) {
                    found.add(String.join(", ", values));
                }
            });
            found.sort(null);
            rows.put(table.toLowerCase(Locale.ROOT), found);
        }
        return rows;
    }
}
