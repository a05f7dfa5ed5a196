package dev.gangway.portal.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/** The password policy without a database: what is refused, in which words, and that a refusal changes nothing. */
class PasswordsTest {

    private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    private final PasswordHistoryRepository history = mock(PasswordHistoryRepository.class);
    private final AppUserRepository users = mock(AppUserRepository.class);
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-26T00:00:00Z"), ZoneOffset.UTC);
    private final Passwords passwords = new Passwords(encoder, history, users, clock);
    private final Account account = new Account("acme", clock.instant());

    @Test
    void aPasswordBcryptCannotHashIsRefusedInWordsInsteadOfFailingLater() {
        AppUser user = new AppUser(account.getId(), "alice", encoder.encode("Old-password-1"), clock.instant());
        String ascii73 = "Aa1-" + "x".repeat(69);
        String cjk27 = "密码Aa1-" + "字".repeat(21);

        for (String tooLong : List.of(ascii73, cjk27)) {
            assertThatThrownBy(() -> passwords.change(account, user, tooLong))
                    .isInstanceOf(PasswordRejectedException.class)
                    .hasMessageContaining("at most 72 bytes");
        }
        verify(users, never()).save(any());
        assertThat(encoder.matches("Old-password-1", user.getPasswordHash())).isTrue();

        String ascii72 = "Aa1-" + "y".repeat(68);
        passwords.change(account, user, ascii72);
        assertThat(encoder.matches(ascii72, user.getPasswordHash())).isTrue();
    }

    @Test
    void policyRefusalsNameTheRule() {
        assertThatThrownBy(() -> passwords.check(account, null, "")).hasMessage("Enter a password.");
        assertThatThrownBy(() -> passwords.check(account, null, "Short-1")).hasMessageContaining("at least 12");
        assertThatThrownBy(() -> passwords.check(account, null, "onlylowercaseletters"))
                .hasMessageContaining("at least 3 of");
        assertThat(Passwords.characterClasses("aB3-")).isEqualTo(4);
    }

    @Test
    void aRecentPasswordIsRefused() {
        AppUser user = new AppUser(account.getId(), "bob", encoder.encode("Current-pass-1"), clock.instant());
        when(history.findByUserIdOrderByCreatedAtDesc(user.getId())).thenReturn(List.of(
                new PasswordHistory(user.getId(), encoder.encode("Earlier-pass-1"), clock.instant())));

        assertThatThrownBy(() -> passwords.check(account, user, "Current-pass-1"))
                .hasMessageContaining("current password");
        assertThatThrownBy(() -> passwords.check(account, user, "Earlier-pass-1"))
                .hasMessageContaining("used before");
        passwords.check(account, user, "Brand-new-pass-1");
    }
}
