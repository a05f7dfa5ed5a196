package dev.gangway.client.session;

import dev.gangway.client.ClientEnv;
import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;
import dev.gangway.client.Main;
import dev.gangway.client.portal.PortalClient;
import dev.gangway.client.portal.PortalException;
import dev.gangway.client.portal.Session;

/**
 * Signs in with {@link SignInOptions}: the password from {@code --password-file}, else {@code GANGWAY_PASSWORD},
 * else asked on the console without echo; the two-factor code from {@code --code}, else asked on the console
 * when the portal says one is needed.
 */
final class SignIn {

    static final String PASSWORD_VARIABLE = "GANGWAY_PASSWORD";

    private SignIn() {
    }

    /**
     * @throws ClientException exit code 2 when the options are incomplete or no password can be had, 4 when the
     *                         portal refuses, 7 when it cannot be reached
     */
    static Session signIn(PortalClient portal, SignInOptions options, ClientEnv env) {
        String account = options.account.trim();
        String user = options.user.trim();
        String password = password(options, env, account, user);
        String code = options.code == null ? null : options.code.trim();
        try {
            return portal.signIn(account, user, password, code);
        } catch (PortalException e) {
            if (!e.is("two-factor-required") || code != null) {
                throw e;
            }
            if (!env.terminal().interactive()) {
                throw new PortalException(ExitCode.SIGNIN_REFUSED, e.status(), e.code(), "user " + user
                        + " signs in with a second factor: give the current code with --code CODE");
            }
            String asked = env.terminal().readLine("Two-factor code for " + user + ": ");
            if (asked == null || asked.isBlank()) {
                throw new PortalException(ExitCode.SIGNIN_REFUSED, e.status(), e.code(),
                        "no two-factor code given; sign-in cancelled");
            }
            return portal.signIn(account, user, password, asked.trim());
        }
    }

    private static String password(SignInOptions options, ClientEnv env, String account, String user) {
        if (options.passwordFile != null) {
            return Main.readSecretFile(options.passwordFile, "--password-file", env::warn);
        }
        String fromEnv = env.variable(PASSWORD_VARIABLE);
        if (fromEnv != null) {
            return fromEnv;
        }
        if (env.terminal().interactive()) {
            char[] typed = env.terminal().readSecret("Password for " + user + " (account " + account + "): ");
            if (typed != null && typed.length > 0) {
                return new String(typed);
            }
            throw ClientException.usage("no password given; sign-in cancelled");
        }
        throw ClientException.usage("no password: give --password-file FILE, set " + PASSWORD_VARIABLE
                + ", or run in a terminal to be asked");
    }
}
