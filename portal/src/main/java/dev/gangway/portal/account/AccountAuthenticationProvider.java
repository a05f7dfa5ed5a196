package dev.gangway.portal.account;

import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Checks account, user name and password. User names are unique per account only, so the account typed in the
 * sign-in form ({@link SignInDetails}) is part of the key. Unknown accounts and users cost a password hash too, so
 * response times do not tell which part was wrong; the message never tells either.
 */
@Component
class AccountAuthenticationProvider implements AuthenticationProvider {

    private static final String BAD_CREDENTIALS = "account, user name or password is not correct";

    private final AccountRepository accounts;
    private final AppUserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final String dummyHash;

    AccountAuthenticationProvider(AccountRepository accounts, AppUserRepository users, PasswordEncoder passwordEncoder) {
        this.accounts = accounts;
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.dummyHash = passwordEncoder.encode("not-a-password-of-anyone");
    }

    @Override
    @Transactional(readOnly = true)
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String accountName = authentication.getDetails() instanceof SignInDetails details ? details.getAccount() : "";
        String username = authentication.getName() == null ? "" : authentication.getName().strip();
        String password = authentication.getCredentials() == null ? "" : authentication.getCredentials().toString();

        Optional<Account> account = accountName.isEmpty() ? Optional.empty() : accounts.findByName(accountName);
        Optional<AppUser> user = account.flatMap(a -> users.findByAccountIdAndUsername(a.getId(), username));
        if (user.isEmpty()) {
            passwordEncoder.matches(password, dummyHash);
            throw new BadCredentialsException(BAD_CREDENTIALS);
        }
        if (!passwordEncoder.matches(password, user.get().getPasswordHash())) {
            throw new BadCredentialsException(BAD_CREDENTIALS);
        }
        if (!user.get().isEnabled()) {
            throw new DisabledException("this user is disabled: ask an administrator of the account");
        }
        PortalUser principal = new PortalUser(user.get().getId(), user.get().getUsername(), account.get().getId(),
                account.get().getName());
        UsernamePasswordAuthenticationToken result = UsernamePasswordAuthenticationToken.authenticated(principal, null,
                List.of(new SimpleGrantedAuthority("ROLE_USER")));
        result.setDetails(authentication.getDetails());
        return result;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
