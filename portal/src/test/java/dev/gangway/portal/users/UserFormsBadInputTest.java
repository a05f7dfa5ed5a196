package dev.gangway.portal.users;

import static dev.gangway.portal.users.UsersTestData.GOOD_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.ResultMatcher;

/**
 * Bad input on the users forms: empty, too long, wrong type, script tags. Each gets a sentence next to its field,
 * shown escaped, and nothing is written (row counts of users, links and audit events stay).
 */
@SpringBootTest
@AutoConfigureMockMvc
class UserFormsBadInputTest extends PortalTestSupport {

    private static final String SCRIPT = "<script>alert(1)</script>";
    private static final String ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;";

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

    UsersTestData data;
    PortalUser admin;

    @BeforeEach
    void anAccountWithItsAdmin() {
        data = new UsersTestData(jdbc, users, encoder);
        admin = TestData.newUser(accounts, users, encoder, GOOD_PASSWORD);
    }

    @Test
    void theNewUserFormRefusesEachBadFieldWithAMessageAndCreatesNothing() throws Exception {
        data.plainUser(admin, "taken", GOOD_PASSWORD);
        int usersBefore = data.userCount(admin.accountId());
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();

        create("", "a@example.test", "").andExpect(fieldError("username", "Enter a user name."));
        create("   ", "a@example.test", "").andExpect(fieldError("username", "Enter a user name."));
        create("u".repeat(65), "a@example.test", "").andExpect(fieldError("username", "too long: at most 64"));
        create("two words", "a@example.test", "").andExpect(fieldError("username", "only letters"));
        create("Taken", "a@example.test", "").andExpect(fieldError("username", "already taken"));
        create("new", "", "").andExpect(fieldError("email", "Enter an e-mail address"));
        create("new", "a".repeat(250) + "@example.test", "").andExpect(fieldError("email", "too long: at most 254"));
        create("new", "not-an-address", "").andExpect(fieldError("email", "not an e-mail address"));
        create("new", "a@b@example.test", "").andExpect(fieldError("email", "not an e-mail address"));
        create("new", "a@example.test\r\nBcc: all@example.test", "")
                .andExpect(fieldError("email", "not an e-mail address"));
        create("new", "a@example.test", "31/12/2030").andExpect(fieldError("expires-at", "yyyy-mm-dd"));
        create("new", "a@example.test", "2030-02-30").andExpect(fieldError("expires-at", "does not exist"));
        create("new", "a@example.test", "tomorrow").andExpect(fieldError("expires-at", "yyyy-mm-dd"));
        create("new", "a@example.test", "2020-01-01").andExpect(fieldError("expires-at", "in the future"));
        create("new", "a@example.test", LocalDate.now(ZoneOffset.UTC).toString())
                .andExpect(fieldError("expires-at", "in the future"));

        // every error at once, the typed values kept (escaped)
        create(SCRIPT, SCRIPT + "@example.test", "<b>")
                .andExpect(fieldError("username", "only letters"))
                .andExpect(fieldError("email", "not an e-mail address"))
                .andExpect(fieldError("expires-at", "yyyy-mm-dd"))
                .andExpect(content().string(allOf(not(containsString(SCRIPT)), containsString(ESCAPED),
                        not(containsString("<b>")), containsString("value=\"&lt;b&gt;\""))));
        // a good field next to a bad one is not saved either
        create("good-name", "a@example.test", "no date").andExpect(fieldError("expires-at", "yyyy-mm-dd"));

        assertThat(data.userCount(admin.accountId())).isEqualTo(usersBefore);
        assertThat(data.tokenCount(admin.accountId())).isZero();
        assertThat(data.auditCount(admin.accountId(), "user.create")).isZero();

        // and the same form, filled right, works
        mvc.perform(post("/admin/users").with(TestData.signedIn(admin)).with(csrf()).param("username", "good-name")
                .param("email", "a@example.test").param("expiresAt", tomorrow).param("requireTwoFactor", "true"))
                .andExpect(status().isFound());
        assertThat(data.userCount(admin.accountId())).isEqualTo(usersBefore + 1);
        assertThat(data.tokenCount(admin.accountId())).isEqualTo(1);
        var created = users.findByAccountIdAndUsername(admin.accountId(), "good-name").orElseThrow();
        assertThat(created.isRequireTwoFactor()).isTrue();
        assertThat(created.isAccountAdmin()).isFalse();
        assertThat(UserInput.expiryDate(created.getExpiresAt())).isEqualTo(tomorrow);
    }

    @Test
    void theExpiryFormRefusesBadDatesWithAMessageAndChangesNothing() throws Exception {
        PortalUser worker = data.plainUser(admin, "worker", GOOD_PASSWORD);
        for (String bad : new String[] {"31/12/2030", "2030-13-01", "2030-02-30", "abc", "1999-12-31",
                "+12030-01-01", SCRIPT}) {
            String page = mvc.perform(post("/admin/users/" + worker.userId() + "/expiry")
                            .with(TestData.signedIn(admin)).with(csrf()).param("expiresAt", bad))
                    .andExpect(status().isOk())
                    .andExpect(content().string(containsString("id=\"expires-at-error\"")))
                    .andReturn().getResponse().getContentAsString();
            assertThat(page).as(bad).doesNotContain(SCRIPT);
            if (bad.equals(SCRIPT)) {
                assertThat(page).contains("value=\"" + ESCAPED + "\"");
            }
        }
        assertThat(data.reload(worker.userId()).getExpiresAt()).isNull();
        assertThat(data.auditCount(admin.accountId(), "user.expiry")).isZero();
    }

    @Test
    void actionsWithMissingOrOddValuesChangeNothingUnexpected() throws Exception {
        PortalUser worker = data.plainUser(admin, "worker", GOOD_PASSWORD);
        // a toggle without its value, or with a value that is not "true", means "off": never "on" by accident
        mvc.perform(post("/admin/users/" + worker.userId() + "/admin").with(TestData.signedIn(admin)).with(csrf())
                .param("admin", "yes please")).andExpect(status().isFound());
        assertThat(data.reload(worker.userId()).isAccountAdmin()).isFalse();
        mvc.perform(post("/admin/users/" + worker.userId() + "/require-two-factor").with(TestData.signedIn(admin))
                .with(csrf())).andExpect(status().isFound());
        assertThat(data.reload(worker.userId()).isRequireTwoFactor()).isFalse();
        // without the CSRF token nothing happens
        mvc.perform(post("/admin/users/" + worker.userId() + "/disable").with(TestData.signedIn(admin)))
                .andExpect(status().isForbidden());
        assertThat(data.reload(worker.userId()).isEnabled()).isTrue();
    }

    private ResultActions create(String username, String email, String expiresAt) throws Exception {
        return mvc.perform(post("/admin/users").with(TestData.signedIn(admin)).with(csrf()).param("username", username)
                        .param("email", email).param("expiresAt", expiresAt))
                .andExpect(status().isOk());
    }

    /** The sentence in the error paragraph of a field. */
    private static ResultMatcher fieldError(String field, String text) {
        return content().string(Matchers.matchesPattern("(?s).*<p id=\"" + field
                + "-error\" class=\"error\"[^>]*>[^<]*" + Pattern.quote(text) + "[^<]*</p>.*"));
    }
}
