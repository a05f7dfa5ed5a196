package dev.gangway.portal.account;

import dev.gangway.portal.system.AuditLog;
import dev.gangway.portal.system.SessionLifetimeFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.context.DelegatingSecurityContextRepository;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Component;

/**
 * The order of the sign-in steps and the moment a sign-in becomes real.
 *
 * <pre>
 *   password ──► [second factor | enrol one, when required] ──► [new password, when expired or forced] ──► signed in
 * </pre>
 *
 * Until the last arrow the session holds a {@link PendingSignIn} that grants nothing. Signing in for real gives a
 * new session id (also after the second factor: session fixation), the account's idle timeout and absolute
 * deadline, and a stamp of the user's password and second factor so that {@link SignInGuard} ends the session when
 * either changes elsewhere.
 */
@Component
class SignInFlow {

    /** Session attribute: stamp of the user's password hash and TOTP secret at sign-in. */
    static final String STAMP_ATTRIBUTE = "gangway.signin.stamp";

    private final AccountRepository accounts;
    private final AppUserRepository users;
    private final Passwords passwords;
    private final TrustedBrowsers trustedBrowsers;
    private final AuditLog audit;
    private final Clock clock;
    private final SignInSettings settings;
    private final PasskeyRepository passkeys;
    private final SignInState state;
    private final SecurityContextRepository contexts = new DelegatingSecurityContextRepository(
            new RequestAttributeSecurityContextRepository(), new HttpSessionSecurityContextRepository());
    private final SecurityContextHolderStrategy holder = SecurityContextHolder.getContextHolderStrategy();

    SignInFlow(AccountRepository accounts, AppUserRepository users, Passwords passwords,
            TrustedBrowsers trustedBrowsers, AuditLog audit, Clock clock, SignInSettings settings,
            PasskeyRepository passkeys, SignInState state) {
        this.passkeys = passkeys;
        this.state = state;
        this.accounts = accounts;
        this.users = users;
        this.passwords = passwords;
        this.trustedBrowsers = trustedBrowsers;
        this.audit = audit;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * After the right password: the sign-in itself when nothing is left to do (audited here, so that a failed audit
     * write means no session), else a {@link PendingSignIn} at its first step.
     */
    Authentication afterPassword(Account account, AppUser user, String trustedBrowserToken) {
        PortalUser portalUser = portalUser(account, user);
        Instant now = clock.instant();
        boolean passwordDue = passwords.mustChange(account, user, now);
        Optional<PendingSignIn.Step> second = secondStep(account, user, trustedBrowserToken);
        if (second.isPresent()) {
            return new PendingSignIn(portalUser, second.get(), passwordDue, now, 0, "password");
        }
        String method = hasSecondFactor(user) ? "password, remembered browser" : "password";
        if (passwordDue) {
            return new PendingSignIn(portalUser, PendingSignIn.Step.CHANGE_PASSWORD, true, now, 0, method);
        }
        audit.record("signin", "ok", portalUser.getName(), account.getId(), null, method);
        state.succeeded(user);
        return fullAuthentication(portalUser);
    }

    /** An authenticator app or a passkey: either makes the user enrolled in two-factor sign-in. */
    private boolean hasSecondFactor(AppUser user) {
        return user.hasTotp() || passkeys.existsByUserId(user.getId());
    }

    private Optional<PendingSignIn.Step> secondStep(Account account, AppUser user, String trustedBrowserToken) {
        if (hasSecondFactor(user)) {
            return trustedBrowsers.trusts(account, user, trustedBrowserToken) ? Optional.empty()
                    : Optional.of(PendingSignIn.Step.TWO_FACTOR);
        }
        if (account.isRequireTwoFactor() || user.isRequireTwoFactor()) {
            return Optional.of(PendingSignIn.Step.ENROL_TWO_FACTOR);
        }
        return Optional.empty();
    }

    /**
     * The second factor is done: on to the new password when due, else signed in (new session id). Returns where the
     * browser goes next.
     */
    String secondFactorDone(PendingSignIn pending, String method, HttpServletRequest request,
            HttpServletResponse response) {
        if (pending.passwordChangeDue()) {
            request.changeSessionId();
            save(pending.next(PendingSignIn.Step.CHANGE_PASSWORD, method), request, response);
            establishPending(request, users.findById(pending.user().userId()).orElseThrow());
            return PendingSignIn.Step.CHANGE_PASSWORD.path();
        }
        complete(pending.user(), method, request, response);
        return "/devices";
    }

    /**
     * Every step is done: audit, the user's count of failed sign-ins starts again (only here and for a sign-in
     * without steps, never after the password alone, so wrong second-factor codes add up across sign-ins), new
     * session id, the account's timeouts, and the real sign-in in the session.
     */
    void complete(PortalUser portalUser, String method, HttpServletRequest request, HttpServletResponse response) {
        AppUser user = users.findById(portalUser.userId()).orElseThrow();
        audit.record("signin", "ok", portalUser.getName(), portalUser.accountId(), null, method);
        state.succeeded(user);
        request.changeSessionId();
        Authentication full = fullAuthentication(portalUser);
        if (full instanceof UsernamePasswordAuthenticationToken token) {
            token.setDetails(new WebAuthenticationDetails(request));
        }
        save(full, request, response);
        establish(request, user);
    }

    /** Sets the account's idle timeout, absolute deadline and the credentials stamp on a signed-in session. */
    void establish(HttpServletRequest request, AppUser user) {
        Account account = accounts.findById(user.getAccountId()).orElseThrow();
        HttpSession session = request.getSession();
        if (account.getSessionIdleMinutes() > 0) {
            session.setMaxInactiveInterval((int) Math.min(Integer.MAX_VALUE,
                    Duration.ofMinutes(account.getSessionIdleMinutes()).toSeconds()));
        }
        Instant now = clock.instant();
        SessionLifetimeFilter.setDeadline(session, now, account.getSessionAbsoluteHours() > 0
                ? now.plus(Duration.ofHours(account.getSessionAbsoluteHours())) : null);
        session.setAttribute(STAMP_ATTRIBUTE, stamp(user));
    }

    /** A half-done sign-in's session lives only as long as its step may take. */
    void establishPending(HttpServletRequest request, AppUser user) {
        HttpSession session = request.getSession();
        session.setMaxInactiveInterval((int) settings.stepTimeout().toSeconds());
        session.setAttribute(STAMP_ATTRIBUTE, stamp(user));
    }

    /** After the user changed their own password or second factor: this session goes on, others end. */
    void restamp(HttpServletRequest request, AppUser user) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.setAttribute(STAMP_ATTRIBUTE, stamp(user));
        }
    }

    /** Puts an authentication (pending or full) into the security context of this request and its session. */
    void save(Authentication authentication, HttpServletRequest request, HttpServletResponse response) {
        SecurityContext context = holder.createEmptyContext();
        context.setAuthentication(authentication);
        holder.setContext(context);
        contexts.saveContext(context, request, response);
    }

    /** Changes whenever the password or the second factor (app or passkeys) does; never leaves the server. */
    static String stamp(AppUser user) {
        return Tokens.sha256(user.getPasswordHash() + "\n" + (user.getTotpSecret() == null ? "" : user.getTotpSecret())
                + (user.getPasskeysChangedAt() == null ? "" : "\n" + user.getPasskeysChangedAt().toEpochMilli()));
    }

    static PortalUser portalUser(Account account, AppUser user) {
        return new PortalUser(user.getId(), user.getUsername(), account.getId(), account.getName());
    }

    private static Authentication fullAuthentication(PortalUser user) {
        return UsernamePasswordAuthenticationToken.authenticated(user, null,
                List.of(new SimpleGrantedAuthority("ROLE_USER")));
    }
}
