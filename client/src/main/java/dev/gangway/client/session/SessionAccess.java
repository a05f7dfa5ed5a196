package dev.gangway.client.session;

import dev.gangway.client.ClientEnv;
import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;
import dev.gangway.client.Main;
import dev.gangway.client.portal.PortalClient;
import dev.gangway.client.portal.PortalException;
import dev.gangway.client.portal.Session;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The session a command works with: the saved one, or, when the command was given {@code --portal},
 * {@code --account} and {@code --user}, a session for this command only, which {@link #close()} ends.
 *
 * <p>{@link #close()} is thread-safe and idempotent (a shutdown hook may call it too).
 */
public final class SessionAccess implements AutoCloseable {

    /** What to tell someone who is not signed in. */
    public static final String NOT_SIGNED_IN = "not signed in: run gangway login --portal URL --account ACCOUNT"
            + " --user USER (or give those options to this command)";

    private final PortalClient portal;
    private final Session session;
    private final boolean temporary;
    private final ClientEnv env;
    private boolean closed;

    private SessionAccess(PortalClient portal, Session session, boolean temporary, ClientEnv env) {
        this.portal = portal;
        this.session = session;
        this.temporary = temporary;
        this.env = env;
    }

    /**
     * Opens the session for a command.
     *
     * @throws ClientException exit code 3 when not signed in, 2 for incomplete sign-in options, 4/7 when signing in
     *                         for this command fails
     */
    public static SessionAccess open(Main main, SignInOptions options) {
        if (options.any()) {
            checkComplete(options);
            PortalClient portal = main.portal(PortalClient.parseBase(options.portal), main.portalCa());
            Session session = SignIn.signIn(portal, options, main.env());
            return new SessionAccess(portal, session, true, main.env());
        }
        SessionStore store = main.sessionStore();
        Session saved = store.read().orElseThrow(() -> new ClientException(ExitCode.NOT_SIGNED_IN, NOT_SIGNED_IN));
        store.permissionWarning().ifPresent(main.env()::warn);
        Path ca = main.portalCa() != null ? main.portalCa() : saved.portalCa() == null ? null : Path.of(saved.portalCa());
        PortalClient portal = main.portal(PortalClient.parseBase(saved.portal()), ca);
        portal.loginHint(saved.loginCommand());
        return new SessionAccess(portal, saved, false, main.env());
    }

    /** All of {@code --portal}, {@code --account} and {@code --user}, or a usage error naming what is missing. */
    static void checkComplete(SignInOptions options) {
        var missing = options.missing();
        if (missing.isEmpty()) {
            return;
        }
        if (missing.size() == 3) {
            throw ClientException.usage((options.passwordFile != null ? "--password-file" : "--code")
                    + " is only used to sign in: give --portal, --account and --user with it");
        }
        throw ClientException.usage("to sign in, give --portal, --account and --user together (missing "
                + String.join(", ", missing) + ")");
    }

    public PortalClient portal() {
        return portal;
    }

    public Session session() {
        return session;
    }

    /** The bearer token (a secret: never print it). */
    public String token() {
        return session.token();
    }

    /** Whether the session is for this command only. */
    public boolean temporary() {
        return temporary;
    }

    /** Ends a session that was opened for this command only; a saved session stays. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (temporary) {
            signOutQuietly(portal, session.token()).ifPresent(why -> env.warn("warning: could not sign out: " + why
                    + "; the session ends by itself" + (session.expiresAt() == null ? "" : " at "
                    + session.expiresAt())));
        }
    }

    /** Signs out; the reason when that failed (a session that had already ended counts as signed out). */
    static Optional<String> signOutQuietly(PortalClient portal, String token) {
        try {
            portal.signOut(token);
            return Optional.empty();
        } catch (PortalException e) {
            return e.is("session-ended") ? Optional.empty() : Optional.of(e.getMessage());
        } catch (ClientException e) {
            return Optional.of(e.getMessage());
        }
    }
}
