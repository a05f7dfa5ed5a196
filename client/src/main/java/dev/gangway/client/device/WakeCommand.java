package dev.gangway.client.device;

import dev.gangway.client.Main;
import dev.gangway.client.Output;
import dev.gangway.client.Text;
import dev.gangway.client.portal.Device;
import dev.gangway.client.portal.PortalException;
import dev.gangway.client.session.SessionAccess;
import dev.gangway.client.session.SignInOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gangway wake DEVICE}: asks an on-demand device to connect. For an always-connected device there is
 * nothing to wake; that is said and the exit code is 0, so {@code gangway wake X && gangway connect X} works
 * for both kinds.
 */
@Command(name = "wake", mixinStandardHelpOptions = true, usageHelpWidth = 100,
        description = {"Asks an on-demand device to open its tunnel. Always-connected devices need no wake-up.", ""},
        footer = {"", "Example:", "  gangway wake press-4"})
public final class WakeCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Mixin
    private SignInOptions signIn;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "the device's id or name")
    private String device;

    @Override
    public Integer call() {
        Device found;
        boolean woken;
        String message;
        try (SessionAccess access = SessionAccess.open(main, signIn)) {
            found = DeviceFinder.find(access.portal(), access.token(), device);
            try {
                access.portal().wake(access.token(), found.id());
                woken = true;
                message = "asked " + Text.clean(found.name()) + " to connect";
            } catch (PortalException e) {
                if (!e.is("not-on-demand")) {
                    throw e;
                }
                woken = false;
                message = Text.clean(found.name()) + " is always connected; there is nothing to wake";
            }
        }
        Output out = main.output();
        if (out.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("device", found.reference());
            json.put("woken", woken);
            json.put("message", message);
            out.printJson(json);
        } else {
            out.line(Character.toUpperCase(message.charAt(0)) + message.substring(1) + ".");
        }
        return 0;
    }
}
