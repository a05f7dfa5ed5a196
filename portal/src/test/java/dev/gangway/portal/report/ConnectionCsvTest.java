package dev.gangway.portal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.Account;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The CSV export: RFC 4180, no formulas, raw values, the page's filters, the account's rows only. */
@SpringBootTest
@AutoConfigureMockMvc
class ConnectionCsvTest extends PortalTestSupport {

    static final String HEADER = "\"user\",\"device\",\"service\",\"kind\",\"address\",\"started\",\"ended\","
            + "\"duration_seconds\",\"bytes_in\",\"bytes_out\",\"end_reason\"";
    static final Instant MARCH_1 = Instant.parse("2026-03-01T10:00:00.250Z");

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

    @BeforeEach
    void account() {
        data = new ReportTestData(jdbc);
        admin = TestData.newUser(accounts, users, encoder, "pw");
    }

    @Test
    void theExportIsAnAttachmentWithAHeaderRowRawValuesAndIsoTimes() throws Exception {
        data.record(admin, "alice", null, "Press line 3", "198.51.100.7", MARCH_1, MARCH_1.plusSeconds(3725),
                5_000_000_000_000L, 52_428_800);
        data.record(admin, "bob", null, "Press line 3", null, MARCH_1.plusSeconds(86_400), null, 0, 0);

        MockHttpServletResponse response = csv(get("/admin/connections.csv"));

        assertThat(response.getContentType()).startsWith("text/csv").containsIgnoringCase("charset=UTF-8");
        assertThat(response.getHeader("Content-Disposition")).isEqualTo("attachment; filename=\"connections-"
                + admin.accountName() + "-" + LocalDate.now(ZoneOffset.UTC) + ".csv\"");
        List<String> lines = lines(response);
        assertThat(lines.get(0)).isEqualTo(HEADER);
        assertThat(lines.get(1)).matches(
                "\"bob\",\"Press line 3\",\"hmi\",\"web\",,\"2026-03-02T10:00:00.250Z\",,\\d+,0,0,");
        assertThat(lines.get(2)).isEqualTo("\"alice\",\"Press line 3\",\"hmi\",\"web\",\"198.51.100.7\","
                + "\"2026-03-01T10:00:00.250Z\",\"2026-03-01T11:02:05.250Z\",3725,5000000000000,52428800,"
                + "\"ended for the user\"");
        assertThat(lines).hasSize(3);
        assertThat(response.getContentAsString(StandardCharsets.UTF_8)).endsWith("\r\n").contains("\r\n");
    }

    @Test
    void fieldsAreQuotedAndFormulasAreDefused() throws Exception {
        Instant t = MARCH_1;
        data.record(admin, "=HYPERLINK(\"http://evil\")", null, "a,b", null, t, t, 0, 0);
        data.record(admin, "+1", null, "line\r\nbreak", null, t.plusSeconds(1), t.plusSeconds(1), 0, 0);
        data.record(admin, "-2", null, "say \"hi\"", null, t.plusSeconds(2), t.plusSeconds(2), 0, 0);
        data.record(admin, "@SUM(A1)", null, "\tTab", null, t.plusSeconds(3), t.plusSeconds(3), 0, 0);
        data.record(admin, "Jürgen", null, "\rCR", null, t.plusSeconds(4), t.plusSeconds(4), 0, 0);

        String body = csv(get("/admin/connections.csv")).getContentAsString(StandardCharsets.UTF_8);

        assertThat(body).contains("\r\n\"Jürgen\",\"'\rCR\",\"hmi\",")
                .contains("\r\n\"'@SUM(A1)\",\"'\tTab\",\"hmi\",")
                .contains("\r\n\"'-2\",\"say \"\"hi\"\"\",\"hmi\",")
                .contains("\r\n\"'+1\",\"line\r\nbreak\",\"hmi\",")
                .contains("\r\n\"'=HYPERLINK(\"\"http://evil\"\")\",\"a,b\",\"hmi\",");
    }

    @Test
    void theExportUsesThePagesFiltersAndOnlyTheAccountsRows() throws Exception {
        PortalUser stranger = TestData.newUser(accounts, users, encoder, "pw");
        data.record(admin, "alice", null, "Press", null, MARCH_1, MARCH_1.plusSeconds(1), 0, 0);
        data.record(admin, "bob", null, "Mill", null, MARCH_1.plusSeconds(3 * 86_400), null, 0, 0);
        data.record(stranger, "mallory", null, "Press", null, MARCH_1, null, 0, 0);

        assertThat(lines(csv(get("/admin/connections.csv")))).hasSize(3).noneMatch(l -> l.contains("mallory"));
        assertThat(lines(csv(get("/admin/connections.csv").param("device", "press"))))
                .containsExactly(HEADER, lines(csv(get("/admin/connections.csv"))).get(2));
        assertThat(lines(csv(get("/admin/connections.csv").param("from", "2026-03-04").param("to", "2026-03-04"))))
                .hasSize(2).element(1).asString().startsWith("\"bob\",");
        assertThat(lines(csv(get("/admin/connections.csv").param("user", "mallory")))).containsExactly(HEADER);
        // the page's export link carries the filter
        String page = mvc.perform(get("/admin/connections").param("user", "a b+c").param("from", "2026-03-01")
                        .with(TestData.signedIn(admin)))
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("href=\"/admin/connections.csv?user=a+b%2Bc&amp;from=2026-03-01\"");
    }

    @Test
    void aBadFilterIsRefusedWithItsMessage() throws Exception {
        MockHttpServletResponse response = mvc.perform(get("/admin/connections.csv").param("to", "2026-99-01")
                        .with(TestData.signedIn(admin)))
                .andExpect(status().isBadRequest()).andReturn().getResponse();
        assertThat(response.getContentAsString()).isEqualTo("To must be a date like 2026-03-31.\n");
        assertThat(response.getHeader("Content-Disposition")).isNull();
    }

    @Test
    void theFileNameKeepsOnlySafeCharactersOfTheAccountName() throws Exception {
        Account odd = accounts.save(new Account("Müller \"&\" Söhne/" + admin.accountId().substring(0, 6),
                Instant.now()));
        AppUser oddAdmin = new AppUser(odd.getId(), "admin", "{noop}x", Instant.now());
        oddAdmin.setAccountAdmin(true);
        users.save(oddAdmin);
        PortalUser signedIn = new PortalUser(oddAdmin.getId(), "admin", odd.getId(), odd.getName());

        String disposition = mvc.perform(get("/admin/connections.csv").with(TestData.signedIn(signedIn)))
                .andExpect(status().isOk()).andReturn().getResponse().getHeader("Content-Disposition");

        assertThat(disposition).isEqualTo("attachment; filename=\"connections-M_ller_____S_hne_"
                + admin.accountId().substring(0, 6) + "-" + LocalDate.now(ZoneOffset.UTC) + ".csv\"");
    }

    private MockHttpServletResponse csv(MockHttpServletRequestBuilder request) throws Exception {
        return mvc.perform(request.with(TestData.signedIn(admin))).andExpect(status().isOk()).andReturn()
                .getResponse();
    }

    /** Records split at CRLF (fields in these rows hold no line breaks). */
    private static List<String> lines(MockHttpServletResponse response) throws Exception {
        return List.of(response.getContentAsString(StandardCharsets.UTF_8).split("\r\n"));
    }
}
