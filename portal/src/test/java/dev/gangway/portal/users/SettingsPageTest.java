package dev.gangway.portal.users;

import static dev.gangway.portal.users.UsersTestData.GOOD_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.gangway.portal.PortalTestSupport;
import dev.gangway.portal.TestData;
import dev.gangway.portal.account.Account;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import java.util.LinkedHashMap;
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

/** {@code /admin/settings}: every field checked, nothing saved on any error, changes audited. */
@SpringBootTest
@AutoConfigureMockMvc
class SettingsPageTest extends PortalTestSupport {

    /** Property → [lowest allowed, highest allowed]. */
    private static final Map<String, int[]> RANGES = new LinkedHashMap<>();

    static {
        RANGES.put("passwordMinLength", new int[] {8, 128});
        RANGES.put("passwordMinClasses", new int[] {1, 4});
        RANGES.put("passwordMaxAgeDays", new int[] {0, 3650});
        RANGES.put("passwordHistory", new int[] {0, 24});
        RANGES.put("lockoutThreshold", new int[] {3, 100});
        RANGES.put("lockoutMinutes", new int[] {1, 1440});
        RANGES.put("sessionIdleMinutes", new int[] {5, 1440});
        RANGES.put("sessionAbsoluteHours", new int[] {1, 168});
        RANGES.put("rememberBrowserDays", new int[] {0, 365});
    }

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
    void thePageShowsTheAccountsSettingsUnderTheContractIds() throws Exception {
        mvc.perform(get("/admin/settings").with(TestData.signedIn(admin)))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(
                        containsString("id=\"password-min-length\" name=\"passwordMinLength\" value=\"12\""),
                        containsString("id=\"password-min-classes\""), containsString("id=\"password-max-age-days\""),
                        containsString("id=\"password-history\""),
                        containsString("id=\"lockout-threshold\" name=\"lockoutThreshold\" value=\"10\""),
                        containsString("id=\"lockout-minutes\""), containsString("id=\"session-idle-minutes\""),
                        containsString("id=\"session-absolute-hours\""), containsString("id=\"require-two-factor\""),
                        containsString("id=\"remember-browser-days\""), containsString("id=\"save-settings\""))));
    }

    @Test
    void onlyAdministratorsSeeOrChangeTheSettings() throws Exception {
        PortalUser manager = data.userManager(admin, "manager");
        PortalUser plain = data.plainUser(admin, "plain", GOOD_PASSWORD);
        for (PortalUser user : List.of(manager, plain)) {
            mvc.perform(get("/admin/settings").with(TestData.signedIn(user))).andExpect(status().isForbidden());
            mvc.perform(save(user, valid(Map.of("passwordMinLength", "20")))).andExpect(status().isForbidden());
        }
        assertThat(account().getPasswordMinLength()).isEqualTo(12);
    }

    @Test
    void aValidSaveChangesTheAccountAndAuditsEachChangedField() throws Exception {
        Map<String, String> form = valid(Map.of("passwordMinLength", "14", "lockoutThreshold", "5",
                "sessionIdleMinutes", "15", "sessionAbsoluteHours", "8"));
        form.put("requireTwoFactor", "true");
        mvc.perform(save(admin, form)).andExpect(redirectedUrl("/admin/settings"));

        Account account = account();
        assertThat(account.getPasswordMinLength()).isEqualTo(14);
        assertThat(account.getLockoutThreshold()).isEqualTo(5);
        assertThat(account.getSessionIdleMinutes()).isEqualTo(15);
        assertThat(account.getSessionAbsoluteHours()).isEqualTo(8);
        assertThat(account.isRequireTwoFactor()).isTrue();
        assertThat(account.getPasswordMinClasses()).isEqualTo(3);
        assertThat(data.auditDetail(admin.accountId(), "settings.change")).isEqualTo("passwordMinLength 12 -> 14; "
                + "lockoutThreshold 10 -> 5; sessionIdleMinutes 30 -> 15; sessionAbsoluteHours 12 -> 8; "
                + "requireTwoFactor false -> true");

        // the same values again: nothing changes, nothing audited; the box unticked turns it off
        mvc.perform(save(admin, form)).andExpect(redirectedUrl("/admin/settings"));
        assertThat(data.auditCount(admin.accountId(), "settings.change")).isEqualTo(1);
        form.remove("requireTwoFactor");
        mvc.perform(save(admin, form)).andExpect(redirectedUrl("/admin/settings"));
        assertThat(account().isRequireTwoFactor()).isFalse();
        assertThat(data.auditDetail(admin.accountId(), "settings.change")).isEqualTo("requireTwoFactor true -> false");

        // the limits themselves are accepted
        Map<String, String> lowest = new LinkedHashMap<>();
        RANGES.forEach((property, range) -> lowest.put(property, String.valueOf(range[0])));
        lowest.put("sessionIdleMinutes", "60");
        mvc.perform(save(admin, lowest)).andExpect(redirectedUrl("/admin/settings"));
        assertThat(account().getPasswordMinLength()).isEqualTo(8);
        Map<String, String> highest = new LinkedHashMap<>();
        RANGES.forEach((property, range) -> highest.put(property, String.valueOf(range[1])));
        mvc.perform(save(admin, highest)).andExpect(redirectedUrl("/admin/settings"));
        assertThat(account().getPasswordMinLength()).isEqualTo(128);
        assertThat(account().getSessionAbsoluteHours()).isEqualTo(168);
    }

    @Test
    void everyFieldOutOfRangeOrNotANumberGetsAMessageNextToItAndNothingIsSaved() throws Exception {
        for (Map.Entry<String, int[]> field : RANGES.entrySet()) {
            String property = field.getKey();
            String id = SettingField.kebab(property);
            int min = field.getValue()[0];
            int max = field.getValue()[1];
            for (String bad : List.of(String.valueOf(min - 1), String.valueOf(max + 1), "", "abc", "12x", "-5",
                    "1.5", "99999999999999999999", "<script>alert(1)</script>")) {
                Map<String, String> form = valid(Map.of(property, bad));
                form.put("requireTwoFactor", "true");
                String page = mvc.perform(save(admin, form))
                        .andExpect(status().isOk())
                        .andExpect(content().string(allOf(containsString("id=\"" + id + "-error\""),
                                containsString("Nothing was saved"), not(containsString("<script>alert")))))
                        .andReturn().getResponse().getContentAsString();
                assertThat(page).as(property + " = " + bad).contains("from " + min + " to " + max);
                if (bad.startsWith("<")) {
                    assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
                }
            }
        }
        Account account = account();
        assertThat(account.getPasswordMinLength()).isEqualTo(12);
        assertThat(account.getPasswordMinClasses()).isEqualTo(3);
        assertThat(account.getLockoutThreshold()).isEqualTo(10);
        assertThat(account.getSessionIdleMinutes()).isEqualTo(30);
        assertThat(account.getRememberBrowserDays()).isEqualTo(30);
        assertThat(account.isRequireTwoFactor()).isFalse();
        assertThat(data.auditCount(admin.accountId(), "settings.change")).isZero();
    }

    @Test
    void aSessionCannotEndBeforeItsIdleTimeout() throws Exception {
        mvc.perform(save(admin, valid(Map.of("sessionIdleMinutes", "600", "sessionAbsoluteHours", "9",
                        "passwordMinLength", "20"))))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("id=\"session-absolute-hours-error\""),
                        containsString("enter at least 10 hours"))));
        assertThat(account().getSessionIdleMinutes()).isEqualTo(30);
        assertThat(account().getPasswordMinLength()).isEqualTo(12);
        mvc.perform(save(admin, valid(Map.of("sessionIdleMinutes", "600", "sessionAbsoluteHours", "10"))))
                .andExpect(redirectedUrl("/admin/settings"));
        assertThat(account().getSessionIdleMinutes()).isEqualTo(600);
    }

    /** The defaults, with some fields replaced. */
    private static Map<String, String> valid(Map<String, String> replaced) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("passwordMinLength", "12");
        form.put("passwordMinClasses", "3");
        form.put("passwordMaxAgeDays", "0");
        form.put("passwordHistory", "5");
        form.put("lockoutThreshold", "10");
        form.put("lockoutMinutes", "15");
        form.put("sessionIdleMinutes", "30");
        form.put("sessionAbsoluteHours", "12");
        form.put("rememberBrowserDays", "30");
        form.putAll(replaced);
        return form;
    }

    private MockHttpServletRequestBuilder save(PortalUser user, Map<String, String> form) {
        MockHttpServletRequestBuilder request = post("/admin/settings").with(TestData.signedIn(user)).with(csrf());
        form.forEach(request::param);
        return request;
    }

    private Account account() {
        return accounts.findById(admin.accountId()).orElseThrow();
    }
}
