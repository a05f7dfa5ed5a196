package dev.gangway.portal.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.ui.ExtendedModelMap;

/**
 * The security review's sign-in findings: second-factor guessing adds up across sign-ins and locks the user, My
 * account's confirmations count as failed sign-ins and a lock ends the session, a remembered browser follows the
 * account's current days and is forgotten on a password change, and each step's handlers check the pending step.
 */
class SignInHardeningTest extends SignInTestSupport {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TwoFactor twoFactor;
    @Autowired
    SignInStepController steps;

    @AfterEach
    void noContextLeftBehind() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void wrongCodesAddUpAcrossSignInsSoTheRightPasswordAloneNeverResetsTheCount() throws Exception {
        AppUser user = newUser("Right-password-1", "guessed@hardening.test");
        String secret = withApp(user);
        String wrong = wrongCode(secret);
        int mailsBefore = MAIL.getReceivedMessages().length;

        // threshold 10: 4 wrong codes per half-done sign-in (the session bound is 5), then the password again
        for (int round = 0; round < 2; round++) {
            MockHttpSession session = new MockHttpSession();
            enterPassword(session, user, "Right-password-1").andExpect(redirectedUrl("/login/two-factor"));
            for (int i = 0; i < 4; i++) {
                mvc.perform(form("/login/two-factor", session).param("code", wrong)).andExpect(status().isOk());
            }
            assertThat(reload(user).getFailedAttempts()).as("the right password resets nothing")
                    .isEqualTo(4 * (round + 1));
        }
        MockHttpSession third = new MockHttpSession();
        enterPassword(third, user, "Right-password-1").andExpect(redirectedUrl("/login/two-factor"));
        mvc.perform(form("/login/two-factor", third).param("code", wrong)).andExpect(status().isOk());
        MvcResult locked = mvc.perform(form("/login/two-factor", third).param("code", wrong))
                .andExpect(redirectedUrl("/login?error")).andExpect(unauthenticated()).andReturn();
        assertThat(LockoutTest.refusal((MockHttpSession) locked.getRequest().getSession(false))).contains("locked");
        assertThat(reload(user).getLockedUntil()).isEqualTo(CLOCK.instant().plus(Duration.ofMinutes(15)));

        assertThat(MAIL.waitForIncomingEmail(5_000, mailsBefore + 1)).as("lockout mail").isTrue();
        assertThat(Arrays.stream(MAIL.getReceivedMessages()).flatMap(m -> recipients(m).stream()))
                .contains("guessed@hardening.test");
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'signin.lockout' "
                + "and account_id = ?", Integer.class, user.getAccountId())).isEqualTo(1);
        // and the right code does not get past the lock either
        enterPassword(new MockHttpSession(), user, "Right-password-1").andExpect(unauthenticated());
    }

    @Test
    void aCompletedSignInResetsTheCount() throws Exception {
        AppUser user = newUser("Right-password-2", null);
        String secret = withApp(user);
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-2").andExpect(redirectedUrl("/login/two-factor"));
        mvc.perform(form("/login/two-factor", session).param("code", wrongCode(secret))).andExpect(status().isOk());
        assertThat(reload(user).getFailedAttempts()).isEqualTo(1);
        mvc.perform(form("/login/two-factor", session).param("code", code(secret, 1)))
                .andExpect(redirectedUrl("/devices"));
        assertThat(reload(user).getFailedAttempts()).isZero();
    }

    @Test
    void wrongCurrentPasswordsOnMyAccountCountAndTheLockEndsTheSession() throws Exception {
        AppUser user = newUser("Right-password-3", null);
        Account account = accountOf(user);
        account.setLockoutThreshold(3);
        accounts.save(account);
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-3").andExpect(redirectedUrl("/devices"));

        for (int i = 0; i < 2; i++) {
            changePassword(session, "guess-" + i).andExpect(status().isOk())
                    .andExpect(content().string(Matchers.containsString("not correct")));
        }
        assertThat(reload(user).getFailedAttempts()).isEqualTo(2);
        MvcResult result = changePassword(session, "guess-2").andExpect(redirectedUrl("/login?error")).andReturn();
        assertThat(session.isInvalid()).as("the lock ends this session").isTrue();
        assertThat(LockoutTest.refusal((MockHttpSession) result.getRequest().getSession(false))).contains("locked");
        assertThat(reload(user).getLockedUntil()).isAfter(CLOCK.instant());
        assertThat(reload(user).getPasswordHash()).isEqualTo(user.getPasswordHash());
    }

    @Test
    void wrongCodesWhenTurningTheAppOffCount() throws Exception {
        AppUser user = newUser("Right-password-4", null);
        String secret = withApp(user);
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-4").andExpect(redirectedUrl("/login/two-factor"));
        mvc.perform(form("/login/two-factor", session).param("code", code(secret, 1)))
                .andExpect(redirectedUrl("/devices"));
        mvc.perform(form("/account/two-factor/disable", session).param("currentPassword", "Right-password-4")
                .param("code", wrongCode(secret))).andExpect(status().isOk());
        mvc.perform(form("/account/two-factor/disable", session).param("currentPassword", "not-it")
                .param("code", code(secret, 2))).andExpect(status().isOk());
        assertThat(reload(user).getFailedAttempts()).isEqualTo(2);
        assertThat(reload(user).hasTotp()).isTrue();
    }

    @Test
    void aRememberedBrowserFollowsTheAccountsCurrentDaysAndAPasswordChangeForgetsIt() throws Exception {
        AppUser user = newUser("Right-password-5", null);
        String secret = withApp(user);
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-5").andExpect(redirectedUrl("/login/two-factor"));
        Cookie trusted = mvc.perform(form("/login/two-factor", session).param("code", code(secret, 1))
                .param("remember", "true")).andExpect(redirectedUrl("/devices")).andReturn().getResponse()
                .getCookie("gangway-trusted");
        assertThat(trusted).isNotNull();
        withCookie(trusted, user, "Right-password-5").andExpect(redirectedUrl("/devices"));

        Account account = accountOf(user);
        account.setRememberBrowserDays(0);
        accounts.save(account);
        withCookie(trusted, user, "Right-password-5").andExpect(redirectedUrl("/login/two-factor"));

        account.setRememberBrowserDays(5);
        accounts.save(account);
        jdbc.update("update trusted_browser set created_at = ? where user_id = ?",
                java.sql.Timestamp.from(CLOCK.instant().minus(Duration.ofDays(6))), user.getId());
        // remembered for 30 days, but the account now says 5
        withCookie(trusted, user, "Right-password-5").andExpect(redirectedUrl("/login/two-factor"));

        account.setRememberBrowserDays(30);
        accounts.save(account);
        MockHttpSession signedIn = new MockHttpSession();
        withCookie(trusted, user, "Right-password-5", signedIn).andExpect(redirectedUrl("/devices"));
        mvc.perform(form("/account/password", signedIn).param("currentPassword", "Right-password-5")
                .param("newPassword", "Fresh-password-5x").param("repeatPassword", "Fresh-password-5x"))
                .andExpect(redirectedUrl("/account?password-changed"));
        assertThat(jdbc.queryForObject("select count(*) from trusted_browser where user_id = ?", Integer.class,
                user.getId())).as("a password change forgets the remembered browsers").isZero();
        withCookie(trusted, user, "Fresh-password-5x").andExpect(redirectedUrl("/login/two-factor"));
    }

    @Test
    void theCodeStepRefusesAThrottledAddress() throws Exception {
        AppUser user = newUser("Right-password-7", null);
        String secret = withApp(user);
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-7").andExpect(redirectedUrl("/login/two-factor"));
        long stepBefore = reload(user).getTotpLastStep();
        AppUser nobody = new AppUser(user.getAccountId(), "nobody", "x", CLOCK.instant());
        for (int i = 0; i < 20; i++) {
            enterPassword(new MockHttpSession(), nobody, "guess");
        }
        mvc.perform(form("/login/two-factor", session).param("code", code(secret, 1))).andExpect(status().isOk())
                .andExpect(content().string(Matchers.containsString("Too many failed sign-ins from your address")));
        assertThat(reload(user).getTotpLastStep()).as("the code was not even checked").isEqualTo(stepBefore);
    }

    @Test
    void eachStepsHandlersCheckThePendingStepThemselves() {
        AppUser user = newUser("Right-password-6", null);
        Account account = accountOf(user);
        PendingSignIn atCode = new PendingSignIn(SignInFlow.portalUser(account, user), PendingSignIn.Step.TWO_FACTOR,
                true, CLOCK.instant(), 0, "password");
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(address);
        MockHttpServletResponse response = new MockHttpServletResponse();

        assertThat(steps.changePassword(atCode, "Right-password-6", "Skipped-the-code-6", "Skipped-the-code-6",
                request, response, new ExtendedModelMap())).isEqualTo("redirect:/login/two-factor");
        assertThat(reload(user).getPasswordHash()).as("the code step was not skipped").isEqualTo(
                user.getPasswordHash());
        assertThat(steps.changePasswordPage(atCode, new ExtendedModelMap())).isEqualTo("redirect:/login/two-factor");
        assertThat(steps.enrol(atCode, "123456", request, response, new ExtendedModelMap()))
                .isEqualTo("redirect:/login/two-factor");
        assertThat(steps.enrolPage(atCode, request, new ExtendedModelMap())).isEqualTo("redirect:/login/two-factor");

        PendingSignIn atPassword = atCode.next(PendingSignIn.Step.CHANGE_PASSWORD, "password + TOTP");
        assertThat(steps.verify(atPassword, "123456", "", request, response, new ExtendedModelMap()))
                .isEqualTo("redirect:/login/change-password");
        assertThat(steps.twoFactorPage(atPassword, new ExtendedModelMap())).isEqualTo("redirect:/login/change-password");
        assertThat(reload(user).getFailedAttempts()).isZero();
    }

    /** Gives the user an authenticator app; returns its secret. */
    private String withApp(AppUser user) {
        String secret = TwoFactor.newSecret();
        assertThat(twoFactor.enable(user, secret, code(secret, 0), "test")).isPresent();
        return secret;
    }

    /** Six digits that are no code of the secret around now. */
    private static String wrongCode(String secret) {
        Set<String> near = Set.of(code(secret, -2), code(secret, -1), code(secret, 0), code(secret, 1),
                code(secret, 2), code(secret, 3));
        for (String candidate : List.of("000000", "111111", "222222", "333333", "444444", "555555", "666666")) {
            if (!near.contains(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("unlucky secret");
    }

    private ResultActions changePassword(MockHttpSession session, String current) throws Exception {
        return mvc.perform(form("/account/password", session).param("currentPassword", current)
                .param("newPassword", "Never-set-1234").param("repeatPassword", "Never-set-1234"));
    }

    private ResultActions withCookie(Cookie cookie, AppUser user, String password) throws Exception {
        return withCookie(cookie, user, password, new MockHttpSession());
    }

    private ResultActions withCookie(Cookie cookie, AppUser user, String password, MockHttpSession session)
            throws Exception {
        return mvc.perform(form("/login", session).cookie(cookie)
                .param("account", accountOf(user).getName()).param("username", user.getUsername())
                .param("password", password));
    }

    private static List<String> recipients(jakarta.mail.internet.MimeMessage message) {
        try {
            return Arrays.stream(message.getRecipients(jakarta.mail.Message.RecipientType.TO)).map(Object::toString)
                    .toList();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
