package dev.gangway.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;

import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.device.DeviceRegistry;
import dev.gangway.portal.device.DeviceTestData;
import dev.gangway.portal.device.DeviceTunnels;
import dev.gangway.portal.rights.Right;
import dev.gangway.portal.rights.RightsTestData;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Must-show 1: every route of the portal, taken from the request-mapping registry (so a route added later is covered
 * without touching this test), called by the administrator of account A (the strongest attacker a tenant can be)
 * with the ids of account B's objects in the path and in the parameters. Every call must be refused (4xx), or
 * redirect somewhere that is not one of B's objects, or answer a page that shows nothing of B; and B's rows in
 * every table must be unchanged afterwards.
 *
 * <p>Each route is tried twice: once with B's ids only in the path (then a 2xx page must not contain any of B's ids
 * or names), once with B's ids in every parameter a form could carry too (then the page must not contain B's names
 * nor any id the attacker did not send: echoing the attacker's own input back is not a leak).
 *
 * <p>Not final, set up per test in instance methods, so a subclass can run it against PostgreSQL.
 */
@SpringBootTest
@AutoConfigureMockMvc
public class TenantIsolationTest extends PortalTestSupport {

    /** Fewer routes than this means the enumeration broke (the portal has far more). */
    static final int MIN_ROUTES = 55;

    /**
     * Routes not tried, and why: the device agent API is authenticated by activation keys and device certificates,
     * not by a user of an account (its isolation is tested in RegistrationApiTest and RelayIntegrationTest);
     * {@code /error} only renders the error of another request; {@code /login} is the anonymous sign-in form (a POST
     * with B's user name would only count a failed sign-in against B, which is the lockout feature, not a leak).
     * The client API ({@code /api/client/}) takes bearer tokens of client sessions, not the pages' signed-in
     * session, so every call here would only get 401: {@code client.ClientApiIsolationTest} calls each of its
     * routes with a token of A's administrator and B's ids instead.
     */
    static final List<String> SKIPPED = List.of("/api/agent/", "/api/client/", "/error", "/login");

    private static final Pattern VARIABLE = Pattern.compile("\\{\\*?([A-Za-z0-9_]+)(?::[^}]*)?}");

    @Autowired
    protected MockMvc mvc;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    protected RequestMappingHandlerMapping mappings;
    @Autowired
    protected AccountRepository accounts;
    @Autowired
    protected AppUserRepository users;
    @Autowired
    protected PasswordEncoder encoder;
    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected DataSource dataSource;
    @Autowired
    protected DeviceRegistry registry;
    @Autowired
    protected DeviceTunnels tunnels;

    /** The attacker: administrator of account A. */
    protected PortalUser attacker;
    /** B's ids by path variable name. */
    protected Map<String, String> victimIds;
    /** B's names, which the attacker never sends and must never see. */
    protected Set<String> victimNames;
    protected String victimAccountId;
    /** Makes B's names unique in the shared test database. */
    protected String tag;

    @BeforeEach
    protected void twoAccounts() {
        RightsTestData data = new RightsTestData(jdbc);
        attacker = TestData.newUser(accounts, users, encoder, "pw");
        String ownDevice = DeviceTestData.newDevice(registry, attacker.accountId(), "A's press");
        String ownPool = data.pool(attacker.accountId(), "A's pool");
        data.poolDevice(ownPool, ownDevice);
        data.grant(data.group(attacker.accountId(), "A's group"), ownPool, Right.OPEN_WEB_HMI);

        tag = UUID.randomUUID().toString().substring(0, 8);
        PortalUser victimAdmin = TestData.newUser(accounts, users, encoder, "pw");
        victimAccountId = victimAdmin.accountId();
        PortalUser victim = data.newMember(victimAdmin, "b-secret-user-" + tag);
        String group = data.group(victimAccountId, "b-secret-group-" + tag);
        String pool = data.pool(victimAccountId, "b-secret-pool-" + tag);
        String device = DeviceTestData.newDevice(registry, victimAccountId, "b-secret-device-" + tag);
        String service = "bsecret-svc-" + tag;
        data.member(group, victim);
        data.poolDevice(pool, device);
        data.grant(group, pool, Right.OPEN_WEB_HMI);
        tunnels.tunnelUp(device, "b-cert-" + tag, """
                {"agentVersion":"0.1.0","hostname":"b-secret-host-%s","services":[
                  {"name":"%s","kind":"http","host":"198.19.0.2","port":80},
                  {"name":"%s-vnc","kind":"vnc","host":"198.19.0.3","port":5900}]}
                """.formatted(tag, service, service));
        String connection = UUID.randomUUID().toString();
        jdbc.update("insert into connection_record (id, account_id, user_id, username, device_id, device_name,"
                + " service, kind, client_address, started_at, ended_at, bytes_in, bytes_out, end_reason)"
                + " values (?, ?, ?, ?, ?, ?, ?, 'hmi', '198.51.100.7', ?, ?, 1234, 5678, 'b-secret-reason')",
                connection, victimAccountId, victim.userId(), victim.username(), device, "b-secret-device-" + tag,
                service, Timestamp.from(Instant.now().minusSeconds(600)), Timestamp.from(Instant.now()));

        victimIds = new LinkedHashMap<>();
        victimIds.put("deviceId", device);
        victimIds.put("userId", victim.userId());
        victimIds.put("groupId", group);
        victimIds.put("poolId", pool);
        victimIds.put("serviceName", service);
        victimIds.put("service", service + "-vnc");
        victimIds.put("connectionId", connection);
        victimNames = new LinkedHashSet<>(List.of(victim.username(), "b-secret-group-" + tag,
                "b-secret-pool-" + tag, "b-secret-device-" + tag, "b-secret-host-" + tag, "b-secret-reason",
                victimAdmin.accountName()));
    }

    @AfterEach
    protected void victimOffline() {
        tunnels.tunnelDown(victimIds.get("deviceId"), "b-cert-" + tag, "test");
    }

    /** One route: an HTTP method and a path pattern. */
    protected record Route(HttpMethod method, String pattern) {
        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    @Test
    void everyRouteRefusesAnotherAccountsIdsAndLeaksNothing() throws Exception {
        List<Route> routes = routes();
        assertThat(routes).as("routes found in the request-mapping registry").hasSizeGreaterThanOrEqualTo(MIN_ROUTES);
        Map<String, List<String>> before = victimRows();
        assertThat(before.values().stream().mapToInt(List::size).sum()).as("B's rows").isGreaterThanOrEqualTo(8);

        List<String> failures = new ArrayList<>();
        for (Route route : routes) {
            String path = expand(route.pattern());
            check(route, path, Map.of(), failures);
            check(route, path, bodyParameters(), failures);
        }
        Map<String, List<String>> after = victimRows();
        assertThat(failures).as("routes that let account A reach account B (B's rows changed too: %s)",
                !after.equals(before)).isEmpty();
        assertThat(after).as("B's rows after every route was tried").isEqualTo(before);
    }

    /** Every (method, pattern) of the registry; a mapping without a method is tried with GET and POST. */
    protected List<Route> routes() {
        Set<Route> routes = new LinkedHashSet<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            List<HttpMethod> tried = methods.isEmpty() ? List.of(HttpMethod.GET, HttpMethod.POST)
                    : methods.stream().map(m -> HttpMethod.valueOf(m.name())).toList();
            for (String pattern : info.getPatternValues()) {
                if (SKIPPED.stream().anyMatch(s -> s.endsWith("/") ? pattern.startsWith(s) : pattern.equals(s))) {
                    continue;
                }
                tried.forEach(method -> routes.add(new Route(method, pattern)));
            }
        }
        // reads first and destructive calls last, so a hole in a delete does not hide the holes of the other routes
        return routes.stream().sorted(java.util.Comparator
                .comparing((Route r) -> r.method() != HttpMethod.GET)
                .thenComparing(r -> r.pattern().contains("delete") || r.pattern().contains("remove"))
                .thenComparing(Route::pattern)).toList();
    }

    /** The pattern with each variable replaced by B's id of that name. */
    protected String expand(String pattern) {
        Matcher matcher = VARIABLE.matcher(pattern);
        StringBuilder path = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String value = victimIds.get(name);
            assertThat(value).as("add a guessed value for {" + name + "} (in " + pattern + ") to TenantIsolationTest")
                    .isNotNull();
            matcher.appendReplacement(path, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(path);
        return path.toString();
    }

    /** Form fields and query parameters carrying B's ids, as the pages' forms name them. */
    protected Map<String, List<String>> bodyParameters() {
        Map<String, List<String>> params = new LinkedHashMap<>();
        victimIds.forEach((name, value) -> params.put(name, List.of(value)));
        params.put("device", List.of(victimIds.get("deviceId")));
        params.put("user", List.of(victimIds.get("userId")));
        params.put("group", List.of(victimIds.get("groupId")));
        params.put("pool", List.of(victimIds.get("poolId")));
        params.put("id", List.of(victimIds.get("deviceId")));
        params.put("grant", List.of(victimIds.get("groupId") + ":" + victimIds.get("poolId") + ":OPEN_WEB_HMI",
                victimIds.get("groupId") + ":" + victimIds.get("poolId") + ":MANAGE_USERS"));
        params.put("complete", List.of("1"));
        String probe = "probe-" + UUID.randomUUID().toString().substring(0, 8);
        params.put("name", List.of(probe));
        params.put("username", List.of(probe));
        params.put("email", List.of(probe + "@example.com"));
        return params;
    }

    private void check(Route route, String path, Map<String, List<String>> params, List<String> failures) {
        MockHttpServletRequestBuilder request = request(route.method(), path).with(TestData.signedIn(attacker))
                .with(csrf());
        params.forEach((name, values) -> request.param(name, values.toArray(String[]::new)));
        String what = route + " as " + path + (params.isEmpty() ? "" : " with B's ids in the parameters");
        MvcResult result;
        try {
            result = mvc.perform(request).andReturn();
        } catch (Exception e) {
            failures.add(what + ": threw " + e);
            return;
        }
        int status = result.getResponse().getStatus();
        Set<String> forbidden = new LinkedHashSet<>(victimNames);
        forbidden.add(victimAccountId);
        for (String id : victimIds.values()) {
            if (params.values().stream().noneMatch(values -> values.stream().anyMatch(v -> v.contains(id)))) {
                forbidden.add(id);
            }
        }
        if (status >= 400 && status < 500) {
            return;
        }
        if (status >= 300 && status < 400) {
            String location = String.valueOf(result.getResponse().getRedirectedUrl());
            victimIds.values().stream().filter(location::contains).findFirst()
                    .ifPresent(id -> failures.add(what + ": redirects to B's object " + location));
            return;
        }
        if (status >= 200 && status < 300) {
            String body;
            try {
                body = result.getResponse().getContentAsString();
            } catch (Exception e) {
                failures.add(what + ": unreadable body " + e);
                return;
            }
            forbidden.stream().filter(body::contains).findFirst()
                    .ifPresent(leak -> failures.add(what + ": " + status + " shows B's " + leak));
            return;
        }
        failures.add(what + ": answered " + status);
    }

    /**
     * B's rows in every table: in tables with an {@code account_id}, the rows of B's account; in the others, the
     * rows holding one of B's ids in any column.
     */
    protected Map<String, List<String>> victimRows() throws SQLException {
        Map<String, List<String>> rows = new TreeMap<>();
        Set<String> ids = new LinkedHashSet<>(victimIds.values());
        ids.add(victimAccountId);
        for (String table : tables()) {
            List<String> found = new ArrayList<>();
            jdbc.query("select * from \"" + table + "\"", rs -> {
                int columns = rs.getMetaData().getColumnCount();
                List<String> values = new ArrayList<>();
                boolean hasAccount = false;
                boolean victims = false;
                boolean accountMatches = false;
                for (int i = 1; i <= columns; i++) {
                    String column = rs.getMetaData().getColumnLabel(i).toLowerCase(Locale.ROOT);
                    Object value = rs.getObject(i);
                    String text = value instanceof byte[] bytes ? Base64.getEncoder().encodeToString(bytes)
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
            rows.put(table, found);
        }
        return rows;
    }

    private List<String> tables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            DatabaseMetaData meta = connection.getMetaData();
            String schema = connection.getSchema();
            try (ResultSet rs = meta.getTables(null, schema, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
        }
        assertThat(tables).as("tables in schema").anyMatch(t -> t.equalsIgnoreCase("device"))
                .anyMatch(t -> t.equalsIgnoreCase("pool_right"));
        return tables.stream().sorted().toList();
    }

    /** For subclasses and the report: the routes tried, one a line. */
    protected String describeRoutes() {
        return String.join("\n", routes().stream().map(Route::toString).toList());
    }
}
