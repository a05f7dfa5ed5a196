package dev.gangway.portal.account;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Checks account, user name and password, then hands over to {@link SignInFlow} for the steps that may follow.
 * User names are unique per account only, so the account typed in the sign-in form ({@link SignInDetails}) is part
 * of the key. Unknown accounts and users cost a password hash too, so response times do not tell which part was
 * wrong; the message never tells either.
 *
 * <p>In order: throttled address or account (refused before any hash), unknown user, invited user without a
 * password, lockout, disabled, access ended, password. A locked, disabled or expired user gets the same answer in
 * words whatever password was typed, and the password is not even compared: the answer reveals the state (which
 * someone who knows the user name may learn anyway) but never whether a password was right.
 *
 * <p>Not transactional: the failure counting ({@link SignInState}) must commit although the sign-in then fails.
 */
@Component
class AccountAuthenticationProvider implements AuthenticationProvider {

    private static final String BAD_CREDENTIALS = "account, user name or password is not correct";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final AccountRepository accounts;
    private final AppUserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final SignInState state;
    private final SignInFlow flow;
    private final Clock clock;
    private final String dummyHash;

    AccountAuthenticationProvider(AccountRepository accounts, AppUserRepository users, PasswordEncoder passwordEncoder,
            SignInState state, SignInFlow flow, Clock clock) {
        this.accounts = accounts;
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.state = state;
        this.flow = flow;
        this.clock = clock;
        this.dummyHash = passwordEncoder.encode("not-a-password-of-anyone");
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        SignInDetails details = authentication.getDetails() instanceof SignInDetails d ? d : null;
        String accountName = details == null ? "" : details.getAccount();
        String address = details == null ? null : details.getRemoteAddress();
        String username = authentication.getName() == null ? "" : authentication.getName();
        String password = authentication.getCredentials() == null ? "" : authentication.getCredentials().toString();
        PasswordChecked checked = checkPassword(accountName, username, password, address);
        // the failure count is reset only when the whole sign-in completes (SignInFlow), not here: otherwise the
        // right password would reset the count of wrong second-factor codes
        Authentication result = flow.afterPassword(checked.account(), checked.user(),
                details == null ? null : details.getTrustedBrowserToken());
        if (result instanceof UsernamePasswordAuthenticationToken token) {
            token.setDetails(details);
        }
        return result;
    }

    /** A user whose password was right (nothing else is done yet: no second factor, no audit of success). */
    record PasswordChecked(Account account, AppUser user) {
    }

    /**
     * The password step, for the sign-in form and the client API ({@link ClientSignIn}) alike: throttles, user,
     * invited, locked, disabled, access ended, password, in that order; every refusal counted and audited.
     *
     * @throws SignInRefused a refusal the user may be told ({@link SignInThrottled} when throttled)
     * @throws BadCredentialsException unknown account or user, or a wrong password (one message for all)
     */
    PasswordChecked checkPassword(String accountName, String typedUsername, String password, String address) {
        String username = typedUsername == null ? "" : typedUsername.strip();
        String actor = cut(accountName, 64) + "/" + cut(username, 64);

        Optional<Account> account = accountName.isEmpty() || accountName.length() > SignInDetails.MAX_ACCOUNT_LENGTH
                ? Optional.empty() : accounts.findByName(accountName);
        Optional<SignInRefused> throttled = state.throttled(address, account.orElse(null));
        if (throttled.isPresent()) {
            throw throttled.get();
        }
        Optional<AppUser> found = account.flatMap(a -> username.isEmpty() || username.length() > 64
                ? Optional.empty() : users.findByAccountIdAndUsername(a.getId(), username));
        boolean tooLong = password.length() > Passwords.MAX_LENGTH;
        if (found.isEmpty()) {
            passwordEncoder.matches(tooLong ? "" : password, dummyHash);
            state.failed(account.orElse(null), null, actor, address,
                    account.isEmpty() ? "unknown account" : "unknown user", false);
            throw new BadCredentialsException(BAD_CREDENTIALS);
        }
        AppUser user = found.get();
        if (Passwords.NO_PASSWORD.equals(user.getPasswordHash())) {
            passwordEncoder.matches(tooLong ? "" : password, dummyHash);
            state.failed(account.get(), user, actor, address, "no password set yet (invited)", false);
            throw new SignInRefused("This user has not set a password yet: use the link in the invitation, or ask "
                    + "an administrator of the account for a new one.");
        }
        Instant now = clock.instant();
        // Locked, disabled, access ended: the same answer whatever was typed, and the password is not compared (a
        // dummy hash keeps the time the same), so none of them tells a guesser whether a password was right.
        if (user.isLockedAt(now)) {
            refuseWithoutPassword(account.get(), user, actor, address, password, "locked",
                    SignInState.lockedMessage(user.getLockedUntil()));
        }
        if (!user.isEnabled()) {
            refuseWithoutPassword(account.get(), user, actor, address, password, "user disabled",
                    "This user is disabled: ask an administrator of the account.");
        }
        if (user.isExpiredAt(now)) {
            refuseWithoutPassword(account.get(), user, actor, address, password, "access ended",
                    "This user's access ended on " + DAY.format(user.getExpiresAt())
                            + ": ask an administrator of the account.");
        }
        if (tooLong || !passwordEncoder.matches(password, user.getPasswordHash())) {
            state.failed(account.get(), user, actor, address, "wrong password", true);
            throw new BadCredentialsException(BAD_CREDENTIALS);
        }
        return new PasswordChecked(account.get(), user);
    }

    /** Refuses a locked, disabled or expired user in words without comparing the password; never returns. */
    private void refuseWithoutPassword(Account account, AppUser user, String actor, String address, String password,
            String reason, String message) {
        passwordEncoder.matches(password.length() > Passwords.MAX_LENGTH ? "" : password, dummyHash);
        state.failed(account, user, actor, address, reason, false);
        throw new SignInRefused(message);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
