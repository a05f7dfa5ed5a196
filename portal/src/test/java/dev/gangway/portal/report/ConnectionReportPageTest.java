package dev.gangway.portal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The connection report page: the account's connections only, newest first, filtered, capped, for admins. */
@SpringBootTest
@AutoConfigureMockMvc
class ConnectionReportPageTest extends PortalTestSupport {

    static final Instant MARCH_1 = Instant.parse("2026-03-01T10:00:00Z");

    @Autowired
    MockMvc mvc;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AppUserRepository users;
    @Autowired
    PasswordEncoder encoder;
    @Autowired
    JdbcTemplate jdbc;

    ReportTestData data;
    PortalUser admin;
    PortalUser stranger;

    @BeforeEach
    void accounts() {
        data = new ReportTestData(jdbc);
        admin = TestData.newUser(accounts, users, encoder, "pw");
        stranger = TestData.newUser(accounts, users, encoder, "pw");
    }

    @Test
    void theReportShowsTheAccountsConnectionsNewestFirstWithDurationsAndBytes() throws Exception {
        String press = data.device(admin, "Press line 3");
        data.record(admin, "alice", press, "Press line 3", "198.51.100.7", MARCH_1,
                MARCH_1.plusSeconds(3 * 3600 + 25 * 60 + 7), 1_234, 52_428_800);
        data.record(admin, "<script>bob</script>", press, "Press line 3", null, MARCH_1.plusSeconds(86_400), null,
                999, 0);
        data.record(stranger, "mallory", null, "Stranger's mill", "203.0.113.9", MARCH_1.plusSeconds(60), null, 1,
                1);

        String html = page(get("/admin/connections"));

        List<Map<String, String>> rows = Html.rows(html, "connection");
        assertThat(rows).extracting(r -> r.get("user")).containsExactly("<script>bob</script>", "alice");
        Map<String, String> open = rows.get(0);
        assertThat(open.get("ended")).isEqualTo("open");
        assertThat(open.get("duration")).endsWith(" so far").matches("\\d+:\\d{2}:\\d{2} so far");
        assertThat(open.get("address")).isEqualTo("—");
        assertThat(open.get("bytes-in")).isEqualTo("999 bytes");
        Map<String, String> done = rows.get(1);
        assertThat(done).containsEntry("device", "Press line 3").containsEntry("service", "hmi")
                .containsEntry("kind", "web HMI")
                .containsEntry("address", "198.51.100.7").containsEntry("started", "2026-03-01 10:00:00")
                .containsEntry("ended", "2026-03-01 13:25:07").containsEntry("duration", "3:25:07")
                .containsEntry("bytes-in", "1.2 kB").containsEntry("bytes-in@title", "1,234 bytes")
                .containsEntry("bytes-out", "52.4 MB").containsEntry("bytes-out@title", "52,428,800 bytes");
        assertThat(html).doesNotContain("<script>bob").doesNotContain("mallory").doesNotContain("Stranger")
                .contains("id=\"export-csv\"").contains("href=\"/admin/connections.csv\"")
                .doesNotContain("id=\"capped\"");
    }

    @Test
    void filtersByUserDeviceAsRecordedOrAsNamedNowAndByInclusiveUtcDays() throws Exception {
        String renamed = data.device(admin, "Mill 7 (new name)");
        data.record(admin, "alice", renamed, "Old mill", null, MARCH_1, MARCH_1.plusSeconds(60), 1, 1);
        data.record(admin, "Alice.Smith", null, "Press", null, MARCH_1.plusSeconds(2 * 86_400), null, 2, 2);
        data.record(admin, "bob", null, "Press", null, MARCH_1.plusSeconds(5 * 86_400),
                MARCH_1.plusSeconds(5 * 86_400 + 60), 3, 3);
        data.record(admin, "a_b%", null, "Press", null, MARCH_1.minusSeconds(20 * 86_400),
                MARCH_1.minusSeconds(20 * 86_400 - 60), 4, 4);

        assertThat(users(get("/admin/connections").param("user", "ALICE"))).containsExactly("Alice.Smith", "alice");
        assertThat(users(get("/admin/connections").param("user", "_"))).containsExactly("a_b%");
        assertThat(users(get("/admin/connections").param("user", "%"))).containsExactly("a_b%");
        assertThat(users(get("/admin/connections").param("device", "old mill"))).containsExactly("alice");
        assertThat(users(get("/admin/connections").param("device", "new name"))).containsExactly("alice");
        // March 1 to 3 inclusive; the open connection of March 3 is in, March 6 is not
        assertThat(users(get("/admin/connections").param("from", "2026-03-01").param("to", "2026-03-03")))
                .containsExactly("Alice.Smith", "alice");
        assertThat(users(get("/admin/connections").param("from", "2026-03-03").param("to", "2026-03-03")))
                .containsExactly("Alice.Smith");
        // an open connection started before the range is still there in it
        assertThat(users(get("/admin/connections").param("from", "2026-03-06"))).containsExactly("bob",
                "Alice.Smith");
        assertThat(users(get("/admin/connections").param("to", "2026-02-28"))).containsExactly("a_b%");
        assertThat(users(get("/admin/connections").param("user", "bob").param("device", "press")))
                .containsExactly("bob");
    }

    @Test
    void thePageShowsAtMostAThousandConnectionsAndSaysSo() throws Exception {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < ConnectionReportController.SHOWN + 1; i++) {
            rows.add(new Object[] {java.util.UUID.randomUUID().toString(), admin.accountId(), "user" + i, "Press",
                    ReportTestData.utc(MARCH_1.plusSeconds(i))});
        }
        jdbc.batchUpdate("insert into connection_record (id, account_id, username, device_name, service, kind,"
                + " started_at) values (?, ?, ?, ?, 'hmi', 'web', ?)", rows);

        String html = page(get("/admin/connections"));

        List<Map<String, String>> shown = Html.rows(html, "connection");
        assertThat(shown).hasSize(ConnectionReportController.SHOWN);
        assertThat(shown.get(0).get("user")).isEqualTo("user1000");
        assertThat(shown.get(999).get("user")).isEqualTo("user1");
        assertThat(html).contains("id=\"capped\"");
    }

    @Test
    void badFilterInputGetsAMessageNextToItsFieldAndNoStackTrace() throws Exception {
        data.record(admin, "alice", null, "Press", null, MARCH_1, null, 1, 1);

        String badDate = page(get("/admin/connections").param("from", "2026-02-30").param("to", "yesterday"));
        assertThat(badDate).contains("id=\"filter-from-error\"", "From must be a date like 2026-03-31.",
                "id=\"filter-to-error\"", "To must be a date like 2026-03-31.");
        assertThat(Html.rows(badDate, "connection")).isEmpty();

        String backwards = page(get("/admin/connections").param("from", "2026-03-05").param("to", "2026-03-01"));
        assertThat(backwards).contains("The end date 2026-03-01 is before the start date 2026-03-05.");

        String tooLong = page(get("/admin/connections").param("user", "u".repeat(65))
                .param("device", "<b>" + "d".repeat(100)));
        assertThat(tooLong).contains("User can be at most 64 characters long.",
                "Device can be at most 100 characters long.").contains("&lt;b&gt;ddd").doesNotContain("<b>ddd");

        for (String html : List.of(badDate, backwards, tooLong)) {
            assertThat(html).doesNotContain("Exception").doesNotContain("at dev.gangway");
        }
    }

    @Test
    void onlyAdministratorsSeeTheReport() throws Exception {
        PortalUser plain = ReportTestData.plainUser(admin, users, "plain");
        mvc.perform(get("/admin/connections").with(TestData.signedIn(plain))).andExpect(status().isForbidden());
        mvc.perform(get("/admin/connections.csv").with(TestData.signedIn(plain)))
                .andExpect(status().isForbidden());
        mvc.perform(get("/admin/connections")).andExpect(status().is3xxRedirection());
    }

    private String page(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.with(TestData.signedIn(admin)))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith("text/html"))
                .andReturn().getResponse().getContentAsString();
    }

    private List<String> users(MockHttpServletRequestBuilder request) throws Exception {
        return Html.rows(page(request), "connection").stream().map(r -> r.get("user")).toList();
    }
}
