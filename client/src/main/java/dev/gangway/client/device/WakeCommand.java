package dev.gangway.client.device;

import dev.gangway.client.ClientException;
import dev.gangway.client.Main;
import dev.gangway.client.Output;
import dev.gangway.client.Text;
import dev.gangway.client.portal.Device;
import dev.gangway.client.portal.PortalException;
import dev.gangway.client.portal.WakeProgress;
import dev.gangway.client.session.SessionAccess;
import dev.gangway.client.session.SignInOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gangway wake DEVICE}: wakes an on-demand device (the portal sends it its wake-up SMS) and waits until it is
 * online, printing each step (SMS sent, dialling in, online). For an always-connected device there is nothing to
 * wake; that is said and the exit code is 0, so {@code gangway wake X && gangway connect X} works for both kinds.
 * Exit code 6 when it cannot be woken (no phone number, key switch off) or does not come online in time.
 */
@Command(name = "wake", mixinStandardHelpOptions = true, usageHelpWidth = 100,
        description = {"Wakes an on-demand device (the portal sends it a wake-up SMS) and waits until it is online,"
                + " printing each step. Always-connected devices need no wake-up.", ""},
        footer = {"", "Examples:", "  gangway wake press-4", "  gangway wake press-4 --timeout 600 --json"})
public final class WakeCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Mixin
    private SignInOptions signIn;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "the device's id or name")
    private String device;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "" + Waker.DEFAULT_TIMEOUT_SECONDS,
            description = "how long to wait for it to come online (default: ${DEFAULT-VALUE})")
    private long timeoutSeconds;

    @Option(names = "--no-wait", description = "only ask the portal to wake it; do not wait until it is online")
    private boolean noWait;

    @Override
    public Integer call() throws InterruptedException {
        if (timeoutSeconds < 1 || timeoutSeconds > 86_400) {
            throw ClientException.usage("--timeout " + timeoutSeconds + " is not a number of seconds between 1 and"
                    + " 86400");
        }
        Output out = main.output();
        Device found;
        Map<String, Object> json = new LinkedHashMap<>();
        String message;
        try (SessionAccess access = SessionAccess.open(main, signIn)) {
            found = DeviceFinder.find(access.portal(), access.token(), device);
            String name = Text.clean(found.name());
            json.put("device", found.reference());
            try {
                if (noWait) {
                    WakeProgress progress = access.portal().wake(access.token(), found.id());
                    json.put("woken", true);
                    json.put("state", progress.state());
                    json.put("estimateSeconds", progress.estimateSeconds());
                    message = progress.online() ? name + " is online" : "asked " + name + " to connect (usually"
                            + " online about " + progress.estimateSeconds() + " s after the request)";
                } else {
                    Waker waker = new Waker(access.portal(), access.token(), Waker.POLL, step -> {
                        if (!out.json()) {
                            out.line(capital(step) + ".");
                        }
                    });
                    WakeProgress progress = waker.wakeAndWait(found, Duration.ofSeconds(timeoutSeconds));
                    json.put("woken", true);
                    json.put("state", progress.state());
                    json.put("seconds", progress.elapsedSeconds());
                    json.put("steps", waker.steps());
                    message = null;
                }
            } catch (PortalException e) {
                if (!e.is("not-on-demand")) {
                    throw e;
                }
                json.put("woken", false);
                message = name + " is always connected; there is nothing to wake";
            }
        }
        if (message != null) {
            json.put("message", message);
        }
        if (out.json()) {
            out.printJson(json);
        } else if (message != null) {
            out.line(capital(message) + ".");
        }
        return 0;
    }

    static String capital(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
