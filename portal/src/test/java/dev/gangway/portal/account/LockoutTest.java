package dev.gangway.portal.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;

import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.web.WebAttributes;

/**
 * Issue 3, "must be shown" 4: N bad passwords lock the user, the mail reaches the user and the account's admin
 * (GreenMail), the audit trail records the lockout with the account, and the right password is refused until the
 * lock ends, then accepted.
 */
class LockoutTest extends SignInTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void tenBadPasswordsLockTheUserMailUserAndAdminAndTheRightPasswordWorksOnlyAfterTheLock() throws Exception {
        AppUser admin = newUser("admin-password-1", "boss@lockout.test");
        Account account = accountOf(admin);
        AppUser operator = new AppUser(account.getId(), "operator", encoder.encode("Right-password-1"),
                CLOCK.instant());
        operator.setEmail("operator@lockout.test");
        operator = users.save(operator);
        int mailsBefore = MAIL.getReceivedMessages().length;

        for (int i = 1; i <= 9; i++) {
            enterPassword(new MockHttpSession(), operator, "wrong-" + i).andExpect(redirectedUrl("/login?error"));
        }
        assertThat(reload(operator).getFailedAttempts()).isEqualTo(9);
        assertThat(reload(operator).getLockedUntil()).as("not locked before the 10th failure").isNull();
        enterPassword(new MockHttpSession(), operator, "wrong-10").andExpect(redirectedUrl("/login?error"));

        AppUser locked = reload(operator);
        assertThat(locked.getLockedUntil()).isEqualTo(CLOCK.instant().plus(Duration.ofMinutes(15)));
        assertThat(locked.getFailedAttempts()).as("counting starts afresh").isZero();

        // the mail, to the user and the admin, naming user and account, without secrets
        assertThat(MAIL.waitForIncomingEmail(5_000, mailsBefore + 1)).as("lockout mail arrived").isTrue();
        List<MimeMessage> lockoutMails = Arrays.stream(MAIL.getReceivedMessages())
                .filter(m -> subject(m).contains(account.getName())).toList();
        assertThat(lockoutMails).isNotEmpty();
        List<String> recipients = lockoutMails.stream().flatMap(m -> recipients(m).stream()).toList();
        assertThat(recipients).contains("operator@lockout.test", "boss@lockout.test");
        MimeMessage mail = lockoutMails.get(0);
        assertThat(subject(mail)).contains("operator", account.getName(), "locked");
        String body = GreenMailUtil.getBody(mail);
        assertThat(body).contains(address).contains("UTC").doesNotContain("wrong-10").doesNotContain("Right-password");

        // the audit trail, with the account, so the account's audit page shows it
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'signin.lockout' "
                + "and account_id = ? and actor = ?", Integer.class, account.getId(),
                account.getName() + "/operator")).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'signin' and result = "
                + "'refused' and account_id = ?", Integer.class, account.getId())).isEqualTo(10);
        assertThat(jdbc.queryForList("select detail from audit_event where account_id = ?", String.class,
                account.getId())).noneMatch(d -> d != null && d.contains("wrong-"));

        // locked: the right and a wrong password get the same answer, the lock's end (the lock is no password oracle)
        MockHttpSession session = new MockHttpSession();
        enterPassword(session, operator, "Right-password-1")
                .andExpect(redirectedUrl("/login?error")).andExpect(unauthenticated());
        assertThat(refusal(session)).contains("locked").contains("UTC").contains("administrator");
        MockHttpSession wrong = new MockHttpSession();
        enterPassword(wrong, operator, "still-wrong").andExpect(redirectedUrl("/login?error"));
        assertThat(refusal(wrong)).as("whatever was typed").isEqualTo(refusal(session));
        assertThat(reload(operator).getLockedUntil()).as("failures while locked do not extend the lock")
                .isEqualTo(locked.getLockedUntil());

        CLOCK.advance(Duration.ofMinutes(14));
        enterPassword(new MockHttpSession(), operator, "Right-password-1").andExpect(unauthenticated());

        CLOCK.advance(Duration.ofMinutes(1));
        enterPassword(new MockHttpSession(), operator, "Right-password-1")
                .andExpect(redirectedUrl("/devices")).andExpect(authenticated());
        assertThat(reload(operator).getFailedAttempts()).isZero();
        assertThat(reload(operator).getLockedUntil()).as("cleared at the sign-in").isNull();
    }

    @Test
    void theAccountsThresholdAndMinutesApplyAndAnAdminCanUnlock() throws Exception {
        AppUser user = newUser("Right-password-2", null);
        Account account = accountOf(user);
        account.setLockoutThreshold(3);
        account.setLockoutMinutes(60);
        accounts.save(account);

        for (int i = 0; i < 3; i++) {
            enterPassword(new MockHttpSession(), user, "nope").andExpect(redirectedUrl("/login?error"));
        }
        assertThat(reload(user).getLockedUntil()).isEqualTo(CLOCK.instant().plus(Duration.ofMinutes(60)));
        enterPassword(new MockHttpSession(), user, "Right-password-2").andExpect(unauthenticated());

        signInState.unlock(reload(user));
        enterPassword(new MockHttpSession(), user, "Right-password-2").andExpect(authenticated());
    }

    @Test
    void aSuccessResetsTheCountSoFailuresMustBeConsecutive() throws Exception {
        AppUser user = newUser("Right-password-3", null);
        for (int i = 0; i < 9; i++) {
            enterPassword(new MockHttpSession(), user, "nope");
        }
        enterPassword(new MockHttpSession(), user, "Right-password-3").andExpect(authenticated());
        for (int i = 0; i < 9; i++) {
            enterPassword(new MockHttpSession(), user, "nope");
        }
        assertThat(reload(user).getLockedUntil()).isNull();
    }

    @Autowired
    SignInState signInState;

    static String refusal(MockHttpSession session) {
        Object failure = session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        assertThat(failure).isInstanceOf(SignInRefused.class);
        return ((SignInRefused) failure).getMessage();
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> recipients(MimeMessage message) {
        try {
            return Arrays.stream(message.getRecipients(Message.RecipientType.TO)).map(Object::toString).toList();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
