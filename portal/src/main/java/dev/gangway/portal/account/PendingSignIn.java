package dev.gangway.portal.account;

import java.io.Serial;
import java.time.Instant;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A sign-in whose password was right but that has a step left: the second factor, enrolling one (when required),
 * or a new password (expired or forced). It sits in the session's security context in place of a real sign-in, so
 * it grants nothing but its step's page: its only authority is {@value #AUTHORITY} (every other page needs
 * {@code ROLE_USER}) and its principal is not a {@link PortalUser}. {@link SignInGuard} sends every other request
 * back to the step and ends the whole thing after {@code gangway.signin.step-timeout}.
 *
 * <p>Immutable: each step done replaces it (or the full sign-in does).
 */
final class PendingSignIn extends AbstractAuthenticationToken {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The one authority of a half-done sign-in. */
    static final String AUTHORITY = "SIGNIN_PENDING";

    /** A step, and the page that does it. */
    enum Step {
        /** The code, or a passkey (its JSON endpoints belong to the step). */
        TWO_FACTOR("/login/two-factor", "/login/passkey/options", "/login/passkey"),
        ENROL_TWO_FACTOR("/login/enrol-two-factor"),
        CHANGE_PASSWORD("/login/change-password");

        private final String path;
        private final List<String> otherPaths;

        Step(String path, String... otherPaths) {
            this.path = path;
            this.otherPaths = List.of(otherPaths);
        }

        /** The step's page. */
        String path() {
            return path;
        }

        /** Whether a request to this path belongs to the step (its page, or what the page calls). */
        boolean owns(String requestPath) {
            return path.equals(requestPath) || otherPaths.contains(requestPath);
        }
    }

    private final PortalUser user;
    private final Step step;
    private final boolean passwordChangeDue;
    private final Instant startedAt;
    private final int wrongCodes;
    private final String method;

    PendingSignIn(PortalUser user, Step step, boolean passwordChangeDue, Instant startedAt, int wrongCodes,
            String method) {
        super(List.of(new SimpleGrantedAuthority(AUTHORITY)));
        this.user = user;
        this.step = step;
        this.passwordChangeDue = passwordChangeDue;
        this.startedAt = startedAt;
        this.wrongCodes = wrongCodes;
        this.method = method;
        setAuthenticated(true);
    }

    /** The user signing in; deliberately not the principal (nothing may take this for a sign-in). */
    PortalUser user() {
        return user;
    }

    Step step() {
        return step;
    }

    boolean passwordChangeDue() {
        return passwordChangeDue;
    }

    Instant startedAt() {
        return startedAt;
    }

    int wrongCodes() {
        return wrongCodes;
    }

    /** How the user proved who they are so far, for the audit trail ("password", "password + TOTP"). */
    String method() {
        return method;
    }

    PendingSignIn withWrongCode() {
        return new PendingSignIn(user, step, passwordChangeDue, startedAt, wrongCodes + 1, method);
    }

    PendingSignIn next(Step nextStep, String nextMethod) {
        return new PendingSignIn(user, nextStep, passwordChangeDue, startedAt, 0, nextMethod);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return "pending sign-in of " + user.getName();
    }

    @Override
    public String getName() {
        return user.getName();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingSignIn other && super.equals(o) && user.equals(other.user) && step == other.step
                && startedAt.equals(other.startedAt) && wrongCodes == other.wrongCodes;
    }

    @Override
    public int hashCode() {
        return super.hashCode() * 31 + user.hashCode();
    }
}
