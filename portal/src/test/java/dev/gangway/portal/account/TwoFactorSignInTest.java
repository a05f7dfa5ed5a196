package dev.gangway.portal.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import jakarta.servlet.http.Cookie;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MvcResult;

/**
 * Two-factor sign-in: enrolment, the second step, codes working once, recovery codes, "remember this browser",
 * required two-factor, and what a half-done sign-in can reach (nothing but its step).
 */
class TwoFactorSignInTest extends SignInTestSupport {

    private static final Pattern SECRET = Pattern.compile("id=\"totp-secret\">([A-Z2-7 ]+)<");
    private static final Pattern RECOVERY = Pattern.compile("<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code>");

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TwoFactor twoFactor;

    @Test
    void enrolOnTheAccountPageThenSignInWithACodeThatWorksOnce() throws Exception {
        AppUser user = newUser("Right-password-1", null);
        MockHttpSession session = signIn(user, "Right-password-1");
        String page = mvc.perform(get("/account/two-factor").session(session)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        String secret = find(SECRET, page);
        assertThat(secret.replace(" ", "")).hasSize(32);
        assertThat(page).contains("id=\"totp-uri\"", "otpauth://totp/", "secret=" + secret.replace(" ", ""))
                .contains("src=\"data:image/png;base64,");
        assertThat(mvc.perform(get("/account/two-factor").session(session)).andReturn().getResponse()
                .getContentAsString()).as("a reload shows the same secret").contains(secret);

        mvc.perform(form("/account/two-factor", session).param("code", code(secret, 0)))
                .andExpect(status().isOk()).andExpect(content().string(Matchers.containsString("current password")));
        mvc.perform(form("/account/two-factor", session).param("currentPassword", "not-it")
                        .param("code", code(secret, 0)))
                .andExpect(status().isOk()).andExpect(content().string(Matchers.containsString("not correct")));
        assertThat(reload(user).hasTotp()).as("turning the app on needs the current password").isFalse();
        assertThat(page).contains("id=\"current-password\"");
        List<String> codes = enable(session, secret, "Right-password-1");
        assertThat(codes).hasSize(10).doesNotHaveDuplicates();
        AppUser enrolled = reload(user);
        assertThat(enrolled.getTotpSecret()).startsWith("v1:").doesNotContain(secret.replace(" ", ""));
        java.nio.file.Path key = DATA_DIR.resolve("secrets").resolve("totp-key");
        assertThat(java.nio.file.Files.getPosixFilePermissions(key))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(java.nio.file.Files.getPosixFilePermissions(key.getParent()))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        assertThat(audits("totp.enable", user)).as("two refused (no or a wrong password), one ok").isEqualTo(3);
        mvc.perform(get("/devices").session(session)).andExpect(status().isOk());

        // signing in again: the password leads to the second step, which is all the session can reach
        MockHttpSession next = new MockHttpSession();
        enterPassword(next, user, "Right-password-1").andExpect(redirectedUrl("/login/two-factor"))
                .andExpect(authenticated().withAuthorities(List.of(
                        new org.springframework.security.core.authority.SimpleGrantedAuthority("SIGNIN_PENDING"))));
        for (String path : List.of("/devices", "/account", "/devices/new", "/login/change-password", "/admin/users")) {
            mvc.perform(get(path).session(next)).andExpect(redirectedUrl("/login/two-factor"));
        }
        mvc.perform(get("/login/two-factor").session(next)).andExpect(status().isOk())
                .andExpect(content().string(Matchers.allOf(Matchers.containsString("id=\"code\""),
                        Matchers.containsString("id=\"verify\""), Matchers.containsString("id=\"remember-browser\""),
                        Matchers.not(Matchers.containsString("id=\"nav-devices\"")))));

        // the code used at enrolment is used up
        mvc.perform(form("/login/two-factor", next).param("code", code(secret, 0)))
                .andExpect(status().isOk()).andExpect(content().string(Matchers.containsString("used already")));
        String before = next.getId();
        MvcResult done = mvc.perform(form("/login/two-factor", next).param("code", code(secret, 1)))
                .andExpect(redirectedUrl("/devices")).andExpect(authenticated().withRoles("USER")).andReturn();
        assertThat(done.getRequest().getSession().getId()).as("new session id after the second factor")
                .isNotEqualTo(before);
        mvc.perform(get("/devices").session(next)).andExpect(status().isOk());

        // the same code once more, in another sign-in: refused
        MockHttpSession again = new MockHttpSession();
        enterPassword(again, user, "Right-password-1").andExpect(redirectedUrl("/login/two-factor"));
        mvc.perform(form("/login/two-factor", again).param("code", code(secret, 1)))
                .andExpect(content().string(Matchers.containsString("used already")));
        mvc.perform(get("/devices").session(again)).andExpect(redirectedUrl("/login/two-factor"));
    }

    @Test
    void aRecoveryCodeWorksOnceInPlaceOfTheAppsCode() throws Exception {
        AppUser user = newUser("Right-password-2", null);
        List<String> codes = enrolled(user, "Right-password-2");

        MockHttpSession first = new MockHttpSession();
        enterPassword(first, user, "Right-password-2").andExpect(redirectedUrl("/login/two-factor"));
        mvc.perform(form("/login/two-factor", first).param("code", codes.get(3).toUpperCase().replace("-", " ")))
                .andExpect(redirectedUrl("/devices"));
        assertThat(audits("recovery.use", user)).isEqualTo(1);
        assertThat(twoFactor.recoveryCodesLeft(user)).isEqualTo(9);

        MockHttpSession second = new MockHttpSession();
        enterPassword(second, user, "Right-password-2");
        mvc.perform(form("/login/two-factor", second).param("code", codes.get(3)))
                .andExpect(status().isOk()).andExpect(content().string(Matchers.containsString("id=\"code-error\"")));
        mvc.perform(get("/devices").session(second)).andExpect(redirectedUrl("/login/two-factor"));
    }

    @Test
    void badInputAtTheSecondStepGetsAClearMessageAndChangesNothing() throws Exception {
        AppUser user = newUser("Right-password-3", null);
        enrolled(user, "Right-password-3");
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-3");
        for (String bad : List.of("", "   ", "12ab56", "<script>alert(1)</script>", "9".repeat(40), "١٢٣٤٥٦")) {
            String html = mvc.perform(form("/login/two-factor", session).param("code", bad))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            assertThat(html).contains("id=\"code-error\"").contains("6-digit code")
                    .doesNotContain("<script>alert(1)</script>");
        }
        assertThat(reload(user).getFailedAttempts()).as("malformed input is no guess").isZero();
        mvc.perform(get("/devices").session(session)).andExpect(redirectedUrl("/login/two-factor"));
    }

    @Test
    void wrongCodesEndTheHalfDoneSignInAndCountTowardsTheLockout() throws Exception {
        AppUser user = newUser("Right-password-4", null);
        String secret = enrolSecret(user, "Right-password-4");
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-4");
        String wrong = code(secret, 0).equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 4; i++) {
            mvc.perform(form("/login/two-factor", session).param("code", wrong))
                    .andExpect(status().isOk()).andExpect(content().string(Matchers.containsString("not correct")));
        }
        MvcResult ended = mvc.perform(form("/login/two-factor", session).param("code", wrong))
                .andExpect(redirectedUrl("/login?error")).andExpect(unauthenticated()).andReturn();
        assertThat(session.isInvalid()).isTrue();
        assertThat(LockoutTest.refusal((MockHttpSession) ended.getRequest().getSession(false)))
                .contains("Too many wrong codes");
        assertThat(reload(user).getFailedAttempts()).isEqualTo(5);
        assertThat(audits("signin", user)).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aUserLockedWhileAtTheSecondStepIsStoppedThereEvenWithTheRightCode() throws Exception {
        AppUser user = newUser("Right-password-13", null);
        String secret = enrolSecret(user, "Right-password-13");
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-13").andExpect(redirectedUrl("/login/two-factor"));
        AppUser locked = reload(user);
        locked.setLockedUntil(CLOCK.instant().plus(Duration.ofMinutes(10)));
        users.save(locked);
        MvcResult result = mvc.perform(form("/login/two-factor", session).param("code", code(secret, 1)))
                .andExpect(redirectedUrl("/login?error")).andExpect(unauthenticated()).andReturn();
        assertThat(LockoutTest.refusal((MockHttpSession) result.getRequest().getSession(false))).contains("locked");
    }

    @Test
    void aHalfDoneSignInEndsAfterFiveMinutes() throws Exception {
        AppUser user = newUser("Right-password-5", null);
        String secret = enrolSecret(user, "Right-password-5");
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-5");
        CLOCK.advance(Duration.ofMinutes(5));
        mvc.perform(form("/login/two-factor", session).param("code", code(secret, 1)))
                .andExpect(redirectedUrl("/login?timeout")).andExpect(unauthenticated());
        assertThat(session.isInvalid()).isTrue();
    }

    @Test
    void aRememberedBrowserSkipsOnlyTheCodeUntilTheSecondFactorIsReset() throws Exception {
        AppUser user = newUser("Right-password-6", null);
        String secret = enrolSecret(user, "Right-password-6");
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-6");
        MvcResult verified = mvc.perform(form("/login/two-factor", session).param("code", code(secret, 1))
                        .param("remember", "true"))
                .andExpect(redirectedUrl("/devices"))
                .andExpect(header().string("Set-Cookie", Matchers.allOf(Matchers.startsWith("gangway-trusted="),
                        Matchers.containsString("HttpOnly"), Matchers.containsString("SameSite=Lax"),
                        Matchers.containsString("Path=/"), Matchers.containsString("Max-Age=" + 30 * 24 * 3600))))
                .andReturn();
        Cookie trusted = verified.getResponse().getCookie("gangway-trusted");
        assertThat(jdbc.queryForObject("select count(*) from trusted_browser where user_id = ? and token_hash <> ?",
                Integer.class, user.getId(), trusted.getValue())).as("only the hash is kept").isEqualTo(1);

        // the browser is remembered: the code is skipped, the password is not
        enterPasswordWith(trusted, user, "Right-password-6").andExpect(redirectedUrl("/devices"))
                .andExpect(authenticated());
        enterPasswordWith(trusted, user, "wrong").andExpect(redirectedUrl("/login?error"));
        // not for another user
        AppUser other = newUser("Right-password-7", null);
        enrolSecret(other, "Right-password-7");
        enterPasswordWith(trusted, other, "Right-password-7").andExpect(redirectedUrl("/login/two-factor"));

        // the second factor is reset (lost phone) and set up again: the remembered browser is forgotten
        twoFactor.reset(reload(user));
        assertThat(jdbc.queryForObject("select count(*) from trusted_browser where user_id = ?", Integer.class,
                user.getId())).isZero();
        enrolSecret(user, "Right-password-6");
        enterPasswordWith(trusted, user, "Right-password-6").andExpect(redirectedUrl("/login/two-factor"));
    }

    @Test
    void theRememberOptionIsHiddenWhenTheAccountAllowsNoDays() throws Exception {
        AppUser user = newUser("Right-password-8", null);
        Account account = accountOf(user);
        account.setRememberBrowserDays(0);
        accounts.save(account);
        String secret = enrolSecret(user, "Right-password-8");
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-8");
        mvc.perform(get("/login/two-factor").session(session))
                .andExpect(content().string(Matchers.not(Matchers.containsString("remember-browser"))));
        mvc.perform(form("/login/two-factor", session).param("code", code(secret, 1)).param("remember", "true"))
                .andExpect(redirectedUrl("/devices")).andExpect(header().doesNotExist("Set-Cookie"));
    }

    @Test
    void requiredTwoFactorMakesTheUserEnrolBeforeAnythingElse() throws Exception {
        AppUser user = newUser("Right-password-9", null);
        user.setRequireTwoFactor(true);
        users.save(user);
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-9").andExpect(redirectedUrl("/login/enrol-two-factor"));
        mvc.perform(get("/devices").session(session)).andExpect(redirectedUrl("/login/enrol-two-factor"));
        mvc.perform(get("/login/two-factor").session(session)).andExpect(redirectedUrl("/login/enrol-two-factor"));
        String page = mvc.perform(get("/login/enrol-two-factor").session(session)).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"totp-code\"", "id=\"enable-totp\"", "id=\"totp-uri\"");
        String secret = find(SECRET, page);

        for (String bad : List.of("", "abc", "<b>1</b>", "1234567")) {
            mvc.perform(form("/login/enrol-two-factor", session).param("code", bad)).andExpect(status().isOk())
                    .andExpect(content().string(Matchers.containsString("id=\"code-error\"")));
        }
        String wrong = code(secret, 0).equals("000000") ? "111111" : "000000";
        mvc.perform(form("/login/enrol-two-factor", session).param("code", wrong))
                .andExpect(content().string(Matchers.containsString("does not match")));
        assertThat(reload(user).hasTotp()).isFalse();

        String before = session.getId();
        MvcResult enrolled = mvc.perform(form("/login/enrol-two-factor", session).param("code", code(secret, 0)))
                .andExpect(status().isOk()).andExpect(authenticated().withRoles("USER")).andReturn();
        String html = enrolled.getResponse().getContentAsString();
        assertThat(recoveryCodes(html)).hasSize(10);
        assertThat(html).contains("id=\"sign-out\"").contains("href=\"/devices\"");
        assertThat(enrolled.getRequest().getSession().getId()).isNotEqualTo(before);
        assertThat(reload(user).hasTotp()).isTrue();
        mvc.perform(get("/devices").session(session)).andExpect(status().isOk());

        // the account requires it too: a user of it without an app is sent to enrol
        Account account = accountOf(user);
        account.setRequireTwoFactor(true);
        accounts.save(account);
        AppUser colleague = users.save(new AppUser(account.getId(), "colleague", encoder.encode("Right-password-10"),
                CLOCK.instant()));
        enterPassword(new MockHttpSession(), colleague, "Right-password-10")
                .andExpect(redirectedUrl("/login/enrol-two-factor"));
    }

    @Test
    void turningTheSecondFactorOffNeedsPasswordAndCodeAndEndsOtherSessions() throws Exception {
        AppUser user = newUser("Right-password-11", null);
        String secret = enrolSecret(user, "Right-password-11");
        MockHttpSession other = signInWithCode(user, "Right-password-11", secret, 1);
        MockHttpSession here = new MockHttpSession();
        enterPassword(here, user, "Right-password-11");
        // a recovery code would do as well; here the app's code of the next step
        CLOCK.advance(Duration.ofSeconds(30));
        mvc.perform(form("/login/two-factor", here).param("code", code(secret, 1))).andExpect(redirectedUrl("/devices"));

        List<String[]> bad = List.of(new String[] {"", code(secret, 0)}, new String[] {"wrong", code(secret, 0)},
                new String[] {"Right-password-11", ""}, new String[] {"Right-password-11", "<script>x</script>"},
                new String[] {"Right-password-11", "12345"});
        for (String[] input : bad) {
            mvc.perform(form("/account/two-factor/disable", here).param("currentPassword", input[0])
                            .param("code", input[1]))
                    .andExpect(status().isOk())
                    .andExpect(content().string(Matchers.containsString("id=\"disable-error\"")));
        }
        assertThat(reload(user).hasTotp()).as("nothing changed").isTrue();

        CLOCK.advance(Duration.ofSeconds(30));
        mvc.perform(form("/account/two-factor/disable", here).param("currentPassword", "Right-password-11")
                        .param("code", code(secret, 1)))
                .andExpect(redirectedUrl("/account/two-factor?disabled"));
        assertThat(reload(user).hasTotp()).isFalse();
        assertThat(audits("totp.disable", user)).isGreaterThanOrEqualTo(1);
        mvc.perform(get("/devices").session(here)).andExpect(status().isOk());
        mvc.perform(get("/devices").session(other)).andExpect(redirectedUrl("/login?ended"));
        enterPassword(new MockHttpSession(), user, "Right-password-11").andExpect(redirectedUrl("/devices"));
    }

    @Test
    void aForcedPasswordChangeDoesNotSkipTheSecondFactor() throws Exception {
        AppUser user = newUser("Right-password-12", null);
        String secret = enrolSecret(user, "Right-password-12");
        AppUser forced = reload(user);
        forced.setMustChangePassword(true);
        users.save(forced);
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, "Right-password-12").andExpect(redirectedUrl("/login/two-factor"));
        mvc.perform(get("/login/change-password").session(session)).andExpect(redirectedUrl("/login/two-factor"));
        String before = session.getId();
        mvc.perform(form("/login/two-factor", session).param("code", code(secret, 1)))
                .andExpect(redirectedUrl("/login/change-password"));
        assertThat(session.getId()).isNotEqualTo(before);
        mvc.perform(get("/devices").session(session)).andExpect(redirectedUrl("/login/change-password"));
        mvc.perform(form("/login/change-password", session).param("currentPassword", "Right-password-12")
                        .param("newPassword", "Brand-new-pass-12").param("repeatPassword", "Brand-new-pass-12"))
                .andExpect(redirectedUrl("/devices")).andExpect(authenticated().withRoles("USER"));
        mvc.perform(get("/devices").session(session)).andExpect(status().isOk());
    }

    // --- helpers

    private MockHttpSession signIn(AppUser user, String password) throws Exception {
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, password).andExpect(redirectedUrl("/devices"));
        return session;
    }

    private MockHttpSession signInWithCode(AppUser user, String password, String secret, int offset)
            throws Exception {
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, user, password).andExpect(redirectedUrl("/login/two-factor"));
        mvc.perform(form("/login/two-factor", session).param("code", code(secret, offset)))
                .andExpect(redirectedUrl("/devices"));
        return session;
    }

    private List<String> enable(MockHttpSession session, String secret, String password) throws Exception {
        String html = mvc.perform(form("/account/two-factor", session).param("currentPassword", password)
                        .param("code", code(secret, 0)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(html).contains("id=\"recovery-codes\"");
        return recoveryCodes(html);
    }

    /** Enrols the user through the account page; returns the base32 secret. */
    private String enrolSecret(AppUser user, String password) throws Exception {
        MockHttpSession session = signIn(user, password);
        String secret = find(SECRET, mvc.perform(get("/account/two-factor").session(session)).andReturn()
                .getResponse().getContentAsString());
        enable(session, secret, password);
        return secret;
    }

    /** Enrols the user; returns the recovery codes. */
    private List<String> enrolled(AppUser user, String password) throws Exception {
        MockHttpSession session = signIn(user, password);
        String secret = find(SECRET, mvc.perform(get("/account/two-factor").session(session)).andReturn()
                .getResponse().getContentAsString());
        return enable(session, secret, password);
    }

    private org.springframework.test.web.servlet.ResultActions enterPasswordWith(Cookie cookie, AppUser user,
            String password) throws Exception {
        return mvc.perform(form("/login", new MockHttpSession()).cookie(cookie)
                .param("account", accountOf(user).getName()).param("username", user.getUsername())
                .param("password", password));
    }

    private int audits(String action, AppUser user) {
        return jdbc.queryForObject("select count(*) from audit_event where action = ? and account_id = ?",
                Integer.class, action, user.getAccountId());
    }

    private static List<String> recoveryCodes(String html) {
        List<String> codes = new ArrayList<>();
        Matcher m = RECOVERY.matcher(html);
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }

    private static String find(Pattern pattern, String html) {
        Matcher m = pattern.matcher(html);
        assertThat(m.find()).as("%s in the page", pattern).isTrue();
        return m.group(1);
    }
}
