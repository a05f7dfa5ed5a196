package dev.gangway.portal;

import dev.gangway.portal.account.Account;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;

/** Accounts and users for tests, each with a unique name so tests sharing a context do not meet. */
public final class TestData {

    private TestData() {
    }

    /** A new account with one user, its administrator, whose password is {@code password}. */
    public static PortalUser newUser(AccountRepository accounts, AppUserRepository users, PasswordEncoder encoder,
            String password) {
        Account account = accounts.save(new Account("acct-" + UUID.randomUUID().toString().substring(0, 8),
                Instant.now()));
        AppUser admin = new AppUser(account.getId(), "user", encoder.encode(password), Instant.now());
        admin.setAccountAdmin(true);
        AppUser user = users.save(admin);
        return new PortalUser(user.getId(), user.getUsername(), account.getId(), account.getName());
    }

    /** MockMvc: signed in as {@code user}. */
    public static RequestPostProcessor signedIn(PortalUser user) {
        return authentication(UsernamePasswordAuthenticationToken.authenticated(user, null,
                List.of(new SimpleGrantedAuthority("ROLE_USER"))));
    }
}
