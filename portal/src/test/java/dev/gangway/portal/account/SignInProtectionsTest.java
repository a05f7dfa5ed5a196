package dev.gangway.portal.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
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
import org.springframework.security.web.WebAttributes;

/** Throttling per address, the refusals (disabled, access ended, invited), and sessions that end mid-way. */
class SignInProtectionsTest extends SignInTestSupport {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PasswordChange passwordChange;

    @Test
    void anAddressWithTwentyFailuresIsRefusedEvenWithTheRightPasswordWhileOthersGoOn() throws Exception {
        AppUser user = newUser("Right-password-1", null);
        Account account = accountOf(user);
        for (int i = 0; i < 20; i++) {
            // unknown users: nobody's lockout counts, only the address
            mvc.perform(form("/login", new MockHttpSession()).param("account", account.getName())
                            .param("username", "guess-" + i).param("password", "guess"))
                    .andExpect(redirectedUrl("/login?error"));
        }
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-1").andExpect(unauthenticated());
        assertThat(LockoutTest.refusal(session)).startsWith("Too many failed sign-ins from your address");
        assertThat(reload(user).getLockedUntil()).as("the user is not locked by others' guesses").isNull();
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'signin.throttle' "
                + "and account_id = ?", Integer.class, account.getId())).isEqualTo(1);

        String throttled = address;
        address = "198.51.100.250";
        enterPassword(new MockHttpSession(), user, "Right-password-1").andExpect(authenticated());

        address = throttled;
        CLOCK.advance(Duration.ofMinutes(5));
        enterPassword(new MockHttpSession(), user, "Right-password-1").andExpect(authenticated());
    }

    @Test
    void badInputInTheSignInFormIsRefusedWithTheUsualMessageAndChangesNothing() throws Exception {
        AppUser user = newUser("Right-password-9", null);
        String account = accountOf(user).getName();
        String[][] inputs = {
            {"", "", ""}, {account, "", ""}, {account, "user", ""}, {"", "user", "Right-password-9"},
            {account.repeat(10), "user", "Right-password-9"}, {account, "user".repeat(100), "Right-password-9"},
            {account, "user", "Right-password-9".repeat(20)}, {account, "<script>alert(1)</script>", "x"},
            {"<img src=x onerror=alert(1)>", "user", "Right-password-9"},
        };
        for (String[] input : inputs) {
            MockHttpSession session = new MockHttpSession();
            mvc.perform(form("/login", session).param("account", input[0]).param("username", input[1])
                            .param("password", input[2]))
                    .andExpect(redirectedUrl("/login?error")).andExpect(unauthenticated());
            mvc.perform(get("/login").param("error", "").session(session))
                    .andExpect(status().isOk())
                    .andExpect(content().string(Matchers.allOf(
                            Matchers.containsString("Account, user name or password is not correct."),
                            Matchers.not(Matchers.containsString("<script>alert")),
                            Matchers.not(Matchers.containsString("<img src=x")))));
        }
        mvc.perform(form("/login", new MockHttpSession())).andExpect(redirectedUrl("/login?error"));
        assertThat(reload(user).getFailedAttempts()).as("only wrong passwords of the user count").isEqualTo(2);
        enterPassword(new MockHttpSession(), user, "Right-password-9").andExpect(authenticated());
    }

    @Test
    void theSignInPageShowsARefusalInWordsOnceAndOtherwiseTheUsualMessage() throws Exception {
        AppUser user = newUser("Right-password-2", null);
        user.setEnabled(false);
        users.save(user);
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-2").andExpect(redirectedUrl("/login?error"));
        mvc.perform(get("/login").param("error", "").session(session))
                .andExpect(content().string(Matchers.containsString("This user is disabled")));
        mvc.perform(get("/login").param("error", "").session(session))
                .andExpect(content().string(Matchers.allOf(
                        Matchers.not(Matchers.containsString("This user is disabled")),
                        Matchers.containsString("Account, user name or password is not correct."))));
    }

    @Test
    void disabledExpiredAndInvitedUsersAreRefusedInWordsAndAudited() throws Exception {
        AppUser disabled = newUser("Right-password-3", null);
        disabled.setEnabled(false);
        users.save(disabled);
        MockHttpSession s1 = new MockHttpSession();
        enterPassword(s1, disabled, "Right-password-3").andExpect(unauthenticated());
        assertThat(LockoutTest.refusal(s1)).contains("disabled");
        MockHttpSession wrong = new MockHttpSession();
        enterPassword(wrong, disabled, "wrong").andExpect(unauthenticated());
        assertThat(LockoutTest.refusal(wrong)).as("the same answer whatever was typed: no password oracle")
                .isEqualTo(LockoutTest.refusal(s1));

        AppUser expired = newUser("Right-password-4", null);
        expired.setExpiresAt(CLOCK.instant().minusSeconds(1));
        users.save(expired);
        MockHttpSession s2 = new MockHttpSession();
        enterPassword(s2, expired, "Right-password-4").andExpect(unauthenticated());
        assertThat(LockoutTest.refusal(s2)).contains("access ended");

        AppUser invited = newUser("unused", null);
        invited.setPasswordHash(Passwords.NO_PASSWORD);
        users.save(invited);
        MockHttpSession s3 = new MockHttpSession();
        enterPassword(s3, invited, "").andExpect(unauthenticated());
        assertThat(LockoutTest.refusal(s3)).contains("not set a password yet");

        for (AppUser user : List.of(disabled, expired, invited)) {
            assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'signin' and result = "
                    + "'refused' and account_id = ?", Integer.class, user.getAccountId())).isPositive();
        }
        assertThat(reload(disabled).getFailedAttempts()).as("the password of a disabled user is not even compared")
                .isZero();
        MockHttpSession wrongExpired = new MockHttpSession();
        enterPassword(wrongExpired, expired, "wrong").andExpect(unauthenticated());
        assertThat(LockoutTest.refusal(wrongExpired)).isEqualTo(LockoutTest.refusal(s2));
    }

    @Test
    void aUserDisabledWhileSignedInLosesTheSessionAtTheNextRequest() throws Exception {
        AppUser user = newUser("Right-password-5", null);
        MockHttpSession session = signedIn(user, "Right-password-5");
        mvc.perform(get("/devices").session(session)).andExpect(status().isOk());

        AppUser changed = reload(user);
        changed.setEnabled(false);
        users.save(changed);

        mvc.perform(get("/devices").session(session)).andExpect(redirectedUrl("/login?ended"));
        assertThat(session.isInvalid()).isTrue();
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'session.end' "
                + "and account_id = ?", Integer.class, user.getAccountId())).isEqualTo(1);
    }

    @Test
    void aUserWhoseAccessEndsWhileSignedInLosesTheSessionAndFeaturesAreTold() throws Exception {
        AppUser user = newUser("Right-password-6", null);
        user.setExpiresAt(CLOCK.instant().plus(Duration.ofHours(1)));
        users.save(user);
        MockHttpSession session = signedIn(user, "Right-password-6");
        mvc.perform(get("/devices").session(session)).andExpect(status().isOk());

        CLOCK.advance(Duration.ofHours(1));
        mvc.perform(get("/devices/events").session(session)).andExpect(status().isUnauthorized());
        assertThat(session.isInvalid()).isTrue();
        assertThat(endings.seen).anyMatch(e -> e.userId().equals(user.getId()) && e.username().equals("user"));
    }

    @Test
    void changingThePasswordEndsTheUsersOtherSessionsButNotThisOne() throws Exception {
        AppUser user = newUser("Right-password-7", null);
        MockHttpSession other = signedIn(user, "Right-password-7");
        MockHttpSession here = signedIn(user, "Right-password-7");

        mvc.perform(form("/account/password", here).param("currentPassword", "Right-password-7")
                        .param("newPassword", "New-password-77").param("repeatPassword", "New-password-77"))
                .andExpect(redirectedUrl("/account?password-changed"));

        mvc.perform(get("/devices").session(here)).andExpect(status().isOk());
        mvc.perform(get("/devices").session(other)).andExpect(redirectedUrl("/login?ended"));
        assertThat(other.isInvalid()).isTrue();
        enterPassword(new MockHttpSession(), user, "New-password-77").andExpect(authenticated());
    }

    @Test
    void theAccountsIdleTimeoutAndAbsoluteDeadlineAreSetAtSignIn() throws Exception {
        AppUser user = newUser("Right-password-8", null);
        Account account = accountOf(user);
        account.setSessionIdleMinutes(7);
        account.setSessionAbsoluteHours(2);
        accounts.save(account);
        MockHttpSession session = signedIn(user, "Right-password-8");
        assertThat(session.getMaxInactiveInterval()).isEqualTo(7 * 60);
        assertThat(session.getAttribute("gangway.session.deadline"))
                .isEqualTo(CLOCK.instant().plus(Duration.ofHours(2)).toEpochMilli());

        CLOCK.advance(Duration.ofHours(2));
        mvc.perform(get("/devices").session(session)).andExpect(redirectedUrl("/login"));
        assertThat(session.isInvalid()).isTrue();
    }

    @Autowired
    SignInTestConfiguration.Endings endings;

    MockHttpSession signedIn(AppUser user, String password) throws Exception {
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, password).andExpect(redirectedUrl("/devices")).andExpect(authenticated());
        return session;
    }
}
