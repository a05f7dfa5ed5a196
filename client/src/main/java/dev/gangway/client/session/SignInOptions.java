package dev.gangway.client.session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The sign-in options every command accepts. For {@code login} they say whom to sign in as; for every other
 * command, {@code --portal}, {@code --account} and {@code --user} together sign in for that command only: the
 * session is never saved and is ended when the command ends.
 */
public final class SignInOptions {

    @Option(names = "--portal", paramLabel = "URL", description = "the portal's address, e.g. https://portal.example")
    String portal;

    @Option(names = "--account", paramLabel = "ACCOUNT", description = "the account to sign in to")
    String account;

    @Option(names = "--user", paramLabel = "USER", description = "your user name")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "read the password from FILE (first line); else $GANGWAY_PASSWORD, else you are asked")
    Path passwordFile;

    @Option(names = "--code", paramLabel = "CODE",
            description = "two-factor code (authenticator app or a recovery code); asked for when needed")
    String code;

    /** Whether any sign-in option was given. */
    public boolean any() {
        return portal != null || account != null || user != null || passwordFile != null || code != null;
    }

    /** The missing ones of {@code --portal}, {@code --account}, {@code --user}. */
    List<String> missing() {
        List<String> out = new ArrayList<>();
        if (blank(portal)) {
            out.add("--portal URL");
        }
        if (blank(account)) {
            out.add("--account ACCOUNT");
        }
        if (blank(user)) {
            out.add("--user USER");
        }
        return out;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
