package dev.gangway.portal.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.List;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;

/** The new-password step at sign-in (expired or forced) and "change password" on My account. */
class PasswordStepTest extends SignInTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anExpiredPasswordLeadsToTheChangePageAndNowhereElseUntilChanged() throws Exception {
        AppUser user = newUser("Old-password-1", null);
        Account account = accountOf(user);
        account.setPasswordMaxAgeDays(30);
        accounts.save(account);
        AppUser aged = reload(user);
        aged.setPasswordChangedAt(CLOCK.instant().minus(Duration.ofDays(31)));
        users.save(aged);

        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Old-password-1").andExpect(redirectedUrl("/login/change-password"));
        mvc.perform(get("/devices").session(session)).andExpect(redirectedUrl("/login/change-password"));
        mvc.perform(get("/login/change-password").session(session)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.allOf(Matchers.containsString("expired"),
                        Matchers.containsString("id=\"current-password\""),
                        Matchers.containsString("id=\"new-password\""),
                        Matchers.containsString("id=\"repeat-password\""),
                        Matchers.containsString("id=\"change-password\""))));

        String hash = reload(user).getPasswordHash();
        assertRefused(session, "/login/change-password", "", "New-password-11", "New-password-11",
                "Enter your current password.");
        assertRefused(session, "/login/change-password", "wrong", "New-password-11", "New-password-11",
                "The current password is not correct.");
        assertRefused(session, "/login/change-password", "Old-password-1", "", "", "Enter a new password.");
        assertRefused(session, "/login/change-password", "Old-password-1", "New-password-11", "New-password-12",
                "differ");
        assertRefused(session, "/login/change-password", "Old-password-1", "Short-1", "Short-1", "too short");
        assertRefused(session, "/login/change-password", "Old-password-1", "alllowercaseletters",
                "alllowercaseletters", "must mix");
        assertRefused(session, "/login/change-password", "Old-password-1", "Old-password-1", "Old-password-1",
                "current password");
        assertRefused(session, "/login/change-password", "Old-password-1", "x".repeat(129), "x".repeat(129),
                "too long");
        assertRefused(session, "/login/change-password", "Old-password-1", "<script>alert(1)</script>",
                "<script>alert(2)</script>", "differ");
        assertThat(reload(user).getPasswordHash()).as("nothing changed").isEqualTo(hash);
        mvc.perform(get("/devices").session(session)).andExpect(redirectedUrl("/login/change-password"));

        String before = session.getId();
        MvcResult changed = mvc.perform(form("/login/change-password", session)
                        .param("currentPassword", "Old-password-1").param("newPassword", "New-password-11")
                        .param("repeatPassword", "New-password-11"))
                .andExpect(redirectedUrl("/devices")).andExpect(authenticated().withRoles("USER")).andReturn();
        assertThat(changed.getRequest().getSession().getId()).isNotEqualTo(before);
        assertThat(reload(user).getPasswordChangedAt()).isEqualTo(CLOCK.instant());
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'password.change' and "
                + "result = 'ok' and account_id = ?", Integer.class, user.getAccountId())).isEqualTo(1);

        enterPassword(new MockHttpSession(), user, "New-password-11").andExpect(redirectedUrl("/devices"));
        enterPassword(new MockHttpSession(), user, "Old-password-1").andExpect(redirectedUrl("/login?error"));
    }

    @Test
    void changingThePasswordOnMyAccountNeedsTheCurrentOneAndFollowsThePolicy() throws Exception {
        AppUser user = newUser("Old-password-2", null);
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Old-password-2").andExpect(redirectedUrl("/devices"));
        mvc.perform(get("/account").session(session)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.allOf(Matchers.containsString("id=\"change-password\""),
                        Matchers.containsString("id=\"two-factor\""))));
        String hash = reload(user).getPasswordHash();
        for (List<String> bad : List.of(List.of("", "New-password-22", "New-password-22"),
                List.of("Old-password-2x", "New-password-22", "New-password-22"),
                List.of("Old-password-2", "short", "short"),
                List.of("Old-password-2", "New-password-22", ""))) {
            mvc.perform(form("/account/password", session).param("currentPassword", bad.get(0))
                            .param("newPassword", bad.get(1)).param("repeatPassword", bad.get(2)))
                    .andExpect(status().isOk())
                    .andExpect(content().string(Matchers.containsString("id=\"password-error\"")));
        }
        // missing fields altogether
        mvc.perform(form("/account/password", session)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("Enter your current password.")));
        assertThat(reload(user).getPasswordHash()).isEqualTo(hash);

        mvc.perform(form("/account/password", session).param("currentPassword", "Old-password-2")
                        .param("newPassword", "New-password-22").param("repeatPassword", "New-password-22"))
                .andExpect(redirectedUrl("/account?password-changed"));
        mvc.perform(get("/account").param("password-changed", "").session(session))
                .andExpect(content().string(Matchers.containsString("id=\"password-changed\"")));
        enterPassword(new MockHttpSession(), user, "New-password-22").andExpect(redirectedUrl("/devices"));
    }

    @Test
    void theStepsAreOnlyForAHalfDoneSignIn() throws Exception {
        mvc.perform(get("/login/change-password")).andExpect(redirectedUrl("/login"));
        mvc.perform(get("/login/two-factor")).andExpect(redirectedUrl("/login"));
        mvc.perform(form("/login/enrol-two-factor", new MockHttpSession()).param("code", "123456"))
                .andExpect(redirectedUrl("/login"));
        AppUser user = newUser("Old-password-3", null);
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Old-password-3").andExpect(redirectedUrl("/devices"));
        mvc.perform(get("/login/two-factor").session(session)).andExpect(status().isForbidden());
    }

    private void assertRefused(MockHttpSession session, String path, String current, String fresh, String repeat,
            String message) throws Exception {
        String html = mvc.perform(form(path, session).param("currentPassword", current).param("newPassword", fresh)
                        .param("repeatPassword", repeat))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(html).contains("id=\"password-error\"").contains(message).doesNotContain("<script>");
    }
}
