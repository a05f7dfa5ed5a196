package dev.gangway.client.session;

import dev.gangway.client.ClientException;
import dev.gangway.client.Main;
import dev.gangway.client.Output;
import dev.gangway.client.portal.PortalClient;
import dev.gangway.client.portal.Session;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code gangway login}: signs in and saves the session (or, with {@code --no-save}, only checks the credentials). */
@Command(name = "login", mixinStandardHelpOptions = true, usageHelpWidth = 100,
        description = {"Signs in to the portal and saves the session in the session file, so that the other "
            + "commands need no password. The password comes from --password-file, else $GANGWAY_PASSWORD, "
            + "else you are asked; a two-factor code from --code, else you are asked when the portal needs one.", ""},
        footer = {"", "Example:", "  gangway login --portal https://portal.example --account ACME --user alice",
            "  gangway login --portal https://portal.example --account ACME --user alice --no-save "
                + "--password-file pw.txt --code 123456"})
public final class LoginCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Mixin
    private SignInOptions signIn;

    @Option(names = "--no-save", description = "only check the credentials: sign out again and save nothing")
    private boolean noSave;

    @Override
    public Integer call() {
        if (!signIn.missing().isEmpty()) {
            throw ClientException.usage("login needs --portal, --account and --user (missing "
                    + String.join(", ", signIn.missing()) + ")");
        }
        Path ca = main.portalCa();
        PortalClient portal = main.portal(PortalClient.parseBase(signIn.portal), ca);
        Session session = SignIn.signIn(portal, signIn, main.env()).withPortalCa(ca == null ? null : ca.toString());
        Output out = main.output();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("portal", session.portal());
        json.put("account", session.account());
        json.put("user", session.user());
        json.put("expiresAt", session.expiresAt());
        if (noSave) {
            SessionAccess.signOutQuietly(portal, session.token()).ifPresent(why -> main.env().warn(
                    "warning: could not sign out again: " + why));
            json.put("saved", false);
            json.put("sessionFile", null);
            if (out.json()) {
                out.printJson(json);
            } else {
                out.line("Signed in as " + session.user() + " (account " + session.account() + ") at "
                        + session.portal() + ": credentials accepted; signed out again, nothing saved.");
            }
            return 0;
        }
        SessionStore store = main.sessionStore();
        Optional<Session> previous = readQuietly(store);
        try {
            store.save(session);
        } catch (ClientException e) {
            SessionAccess.signOutQuietly(portal, session.token());
            throw e;
        }
        previous.filter(p -> p.portal().equals(session.portal()) && !p.token().equals(session.token()))
                .ifPresent(p -> SessionAccess.signOutQuietly(portal, p.token()));
        json.put("saved", true);
        json.put("sessionFile", store.file().toString());
        if (out.json()) {
            out.printJson(json);
        } else {
            out.line("Signed in as " + session.user() + " (account " + session.account() + ") at " + session.portal()
                    + (session.expiresAt() == null ? "" : "; the session lasts until " + session.expiresAt()) + ".");
            out.line("Session saved in " + store.file() + " (readable only by you); gangway logout ends it.");
        }
        return 0;
    }

    private static Optional<Session> readQuietly(SessionStore store) {
        try {
            return store.read();
        } catch (ClientException e) {
            return Optional.empty();
        }
    }
}
