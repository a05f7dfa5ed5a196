package dev.gangway.client.session;

import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;
import dev.gangway.client.Main;
import dev.gangway.client.Output;
import dev.gangway.client.portal.PortalClient;
import dev.gangway.client.portal.PortalException;
import dev.gangway.client.portal.Session;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code gangway logout}: ends the saved session at the portal and deletes the session file. */
@Command(name = "logout", mixinStandardHelpOptions = true, usageHelpWidth = 100,
        description = {"Ends the saved session at the portal (its client certificates stop working) and deletes "
            + "the session file. If the portal cannot be reached the file is kept, so you can try again.", ""},
        footer = {"", "Example:", "  gangway logout"})
public final class LogoutCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Mixin
    private SignInOptions signIn;

    @Override
    public Integer call() {
        Output out = main.output();
        Map<String, Object> json = new LinkedHashMap<>();
        if (signIn.any()) {
            // a session for this command only: signing in and out again is all there is to do
            try (SessionAccess access = SessionAccess.open(main, signIn)) {
                json.put("portal", access.session().portal());
            }
            json.put("signedOut", true);
            json.put("sessionFile", null);
            print(out, json, "Signed out.");
            return 0;
        }
        SessionStore store = main.sessionStore();
        Session session = store.read().orElseThrow(() -> new ClientException(ExitCode.NOT_SIGNED_IN,
                "not signed in: there is no session file " + store.file()));
        Path ca = main.portalCa() != null ? main.portalCa() : session.portalCa() == null ? null
                : Path.of(session.portalCa());
        PortalClient portal = main.portal(PortalClient.parseBase(session.portal()), ca);
        String note = "";
        try {
            portal.signOut(session.token());
        } catch (PortalException e) {
            if (!e.is("session-ended")) {
                if (e.exitCode() == ExitCode.UNREACHABLE) {
                    throw new PortalException(e.exitCode(), e.getMessage() + "; the session is still saved in "
                            + store.file() + ": run gangway logout again when the portal can be reached", e);
                }
                throw e;
            }
            note = " (the session had already ended)";
        }
        store.delete();
        json.put("portal", session.portal());
        json.put("signedOut", true);
        json.put("sessionFile", store.file().toString());
        print(out, json, "Signed out of " + session.portal() + " as " + session.user() + note + "; deleted "
                + store.file() + ".");
        return 0;
    }

    private static void print(Output out, Map<String, Object> json, String text) {
        if (out.json()) {
            out.printJson(json);
        } else {
            out.line(text);
        }
    }
}
