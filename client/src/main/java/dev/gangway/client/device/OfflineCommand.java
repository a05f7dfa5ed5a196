package dev.gangway.client.device;

import dev.gangway.client.Main;
import dev.gangway.client.Output;
import dev.gangway.client.Text;
import dev.gangway.client.portal.Device;
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
 * {@code gangway offline DEVICE}: sends an on-demand device offline at once (the portal closes its tunnel; it
 * sleeps until the next wake-up) instead of waiting for its idle timeout, e.g. to save mobile data. Exit code 6 when
 * it is not online, 5 without a right to connect to it; an always-connected device is refused (exit code 1).
 */
@Command(name = "offline", mixinStandardHelpOptions = true, usageHelpWidth = 100,
        description = {"Sends an on-demand device offline now: its tunnel closes and it sleeps until the next"
                + " wake-up.", ""},
        footer = {"", "Example:", "  gangway offline press-4"})
public final class OfflineCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Mixin
    private SignInOptions signIn;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "the device's id or name")
    private String device;

    @Override
    public Integer call() {
        Device found;
        try (SessionAccess access = SessionAccess.open(main, signIn)) {
            found = DeviceFinder.find(access.portal(), access.token(), device);
            access.portal().offline(access.token(), found.id());
        }
        Output out = main.output();
        String message = "sent " + Text.clean(found.name()) + " offline: its tunnel is closed, and it sleeps until"
                + " the next wake-up";
        if (out.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("device", found.reference());
            json.put("sentOffline", true);
            json.put("message", message);
            out.printJson(json);
        } else {
            out.line(WakeCommand.capital(message) + ".");
        }
        return 0;
    }
}
