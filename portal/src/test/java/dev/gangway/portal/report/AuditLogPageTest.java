package dev.gangway.portal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.system.AuditLog;
import java.time.Instant;
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

/** The audit log page: the account's events only, newest first, filtered, a hundred to a page, for admins. */
@SpringBootTest
@AutoConfigureMockMvc
class AuditLogPageTest extends PortalTestSupport {

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
    @Autowired
    AuditLog audit;

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
    void theLogShowsOnlyTheAccountsEventsNewestFirst() throws Exception {
        audit.record("user.create", "ok", admin.getName(), admin.accountId(), null, "created <b>carol</b>");
        data.event(admin, MARCH_1, "acme/alice", "signin", "refused", "bad password");
        data.event(stranger, MARCH_1.plusSeconds(1), "other/mallory", "signin", "ok", "stranger's event");
        audit.record("signin", "ok", "nobody/ghost", null, null, "event without an account");

        String html = page(get("/admin/audit"));

        List<Map<String, String>> rows = Html.rows(html, "audit-event");
        assertThat(rows).extracting(r -> r.get("action")).containsExactly("user.create", "signin");
        assertThat(rows.get(0)).containsEntry("actor", admin.getName()).containsEntry("result", "ok")
                .containsEntry("detail", "created <b>carol</b>");
        assertThat(rows.get(1)).containsEntry("time", "2026-03-01 10:00:00").containsEntry("actor", "acme/alice")
                .containsEntry("result", "refused").containsEntry("detail", "bad password")
                .containsEntry("address", "192.0.2.1");
        assertThat(html).doesNotContain("<b>carol").doesNotContain("mallory").doesNotContain("ghost");
    }

    @Test
    void filtersByActionPrefixActorPartAndInclusiveUtcDays() throws Exception {
        data.event(admin, MARCH_1, "acme/alice", "signin", "ok", null);
        data.event(admin, MARCH_1.plusSeconds(86_400), "acme/alice", "signin.lockout", "ok", null);
        data.event(admin, MARCH_1.plusSeconds(2 * 86_400), "acme/Bob", "user.create", "ok", null);
        data.event(admin, MARCH_1.plusSeconds(3 * 86_400 - 36_000), "acme/bob", "rights.change", "ok", null);

        assertThat(actions(get("/admin/audit").param("action", "signin")))
                .containsExactly("signin.lockout", "signin");
        assertThat(actions(get("/admin/audit").param("action", "SIGNIN.L"))).containsExactly("signin.lockout");
        assertThat(actions(get("/admin/audit").param("action", "in"))).isEmpty();
        assertThat(actions(get("/admin/audit").param("actor", "BOB"))).containsExactly("rights.change",
                "user.create");
        assertThat(actions(get("/admin/audit").param("from", "2026-03-02").param("to", "2026-03-03")))
                .containsExactly("user.create", "signin.lockout");
        // rights.change happened at 00:00 UTC on March 4: in March 4, not in March 3
        assertThat(actions(get("/admin/audit").param("from", "2026-03-04"))).containsExactly("rights.change");
        assertThat(actions(get("/admin/audit").param("actor", "alice").param("to", "2026-03-01")))
                .containsExactly("signin");
    }

    @Test
    void eventsComeAHundredToAPage() throws Exception {
        for (int i = 0; i < 230; i++) {
            data.event(admin, MARCH_1.plusSeconds(i), "acme/alice", "test.event", "ok", "event " + i);
        }

        String first = page(get("/admin/audit"));
        List<Map<String, String>> rows = Html.rows(first, "audit-event");
        assertThat(rows).hasSize(100);
        assertThat(rows.get(0).get("detail")).isEqualTo("event 229");
        assertThat(first).contains("Page <span>1</span> of <span>3</span>")
                .contains("href=\"/admin/audit?page=2\"").doesNotContain("id=\"previous-page\"");

        List<Map<String, String>> last = Html.rows(page(get("/admin/audit").param("page", "3")), "audit-event");
        assertThat(last).hasSize(30);
        assertThat(last.get(29).get("detail")).isEqualTo("event 0");

        String filtered = page(get("/admin/audit").param("action", "test").param("page", "2"));
        assertThat(Html.rows(filtered, "audit-event").get(0).get("detail")).isEqualTo("event 129");
        assertThat(filtered).contains("href=\"/admin/audit?action=test&amp;page=1\"")
                .contains("href=\"/admin/audit?action=test&amp;page=3\"");

        assertThat(Html.rows(page(get("/admin/audit").param("page", "4")), "audit-event")).isEmpty();
    }

    @Test
    void badFilterInputGetsAMessageAndNoStackTrace() throws Exception {
        data.event(admin, MARCH_1, "acme/alice", "signin", "ok", null);

        String html = page(get("/admin/audit").param("page", "-1").param("from", "01/03/2026")
                .param("actor", "x".repeat(161)));

        assertThat(html).contains("The page must be a number from 1 to 100000.",
                "From must be a date like 2026-03-31.", "Actor can be at most 160 characters long.")
                .doesNotContain("Exception");
        assertThat(Html.rows(html, "audit-event")).isEmpty();
        assertThat(page(get("/admin/audit").param("page", "abc"))).contains("The page must be a number");
        assertThat(page(get("/admin/audit").param("from", "2026-03-05").param("to", "2026-03-04")))
                .contains("The end date 2026-03-04 is before the start date 2026-03-05.");
    }

    @Test
    void onlyAdministratorsSeeTheLog() throws Exception {
        PortalUser plain = ReportTestData.plainUser(admin, users, "plain");
        mvc.perform(get("/admin/audit").with(TestData.signedIn(plain))).andExpect(status().isForbidden());
        mvc.perform(get("/admin/audit")).andExpect(status().is3xxRedirection());
    }

    private String page(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.with(TestData.signedIn(admin))).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
    }

    private List<String> actions(MockHttpServletRequestBuilder request) throws Exception {
        return Html.rows(page(request), "audit-event").stream().map(r -> r.get("action")).toList();
    }
}
