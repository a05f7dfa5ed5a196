package dev.gangway.client.device;

import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;
import dev.gangway.client.Text;
import dev.gangway.client.portal.Device;
import dev.gangway.client.portal.PortalClient;
import dev.gangway.client.portal.WakeProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Wakes an on-demand device and waits until it is online ({@code gangway wake}, and {@code gangway connect} on an
 * asleep device): one {@code POST .../wake}, then {@code GET .../wake} every {@link #POLL} until the portal says
 * online or failed, or the timeout passes. Each step is told once, as it happens, in words (wake-up SMS sent,
 * dialling in, online after N s). Blocking; one wake-up per instance.
 */
public final class Waker {

    /** How often the portal is asked how far the wake-up got. */
    public static final Duration POLL = Duration.ofSeconds(1);
    /** The default wait: the portal's own default answer timeout. */
    public static final long DEFAULT_TIMEOUT_SECONDS = 300;

    private final PortalClient portal;
    private final String token;
    private final Duration every;
    private final Consumer<String> steps;
    private final List<String> told = new ArrayList<>();

    /**
     * @param steps told each step in words, as it happens
     */
    public Waker(PortalClient portal, String token, Duration every, Consumer<String> steps) {
        this.portal = Objects.requireNonNull(portal, "portal");
        this.token = Objects.requireNonNull(token, "token");
        this.every = Objects.requireNonNull(every, "every");
        this.steps = Objects.requireNonNull(steps, "steps");
    }

    /** The steps told so far, in order. */
    public List<String> steps() {
        return List.copyOf(told);
    }

    /**
     * Wakes the device and waits until it is online.
     *
     * @return the portal's last word: online
     * @throws ClientException exit code 6 when it failed (SMS not sent, no answer) or is not online within
     *     {@code timeout}; the portal's refusals as usual (not on demand, no phone number, no right ...)
     */
    public WakeProgress wakeAndWait(Device device, Duration timeout) throws InterruptedException {
        String name = Text.clean(device.name());
        long deadline = System.nanoTime() + timeout.toNanos();
        WakeProgress progress = portal.wake(token, device.id());
        if (progress.online() && !progress.inProgress()) {
            tell(name + " is online");
            return progress;
        }
        tell("waking " + name + " (usually online about " + progress.estimateSeconds() + " s after the request)");
        String last = null;
        while (true) {
            last = report(name, progress, last);
            if (progress.online()) {
                return progress;
            }
            if (progress.failed() || !progress.inProgress()) {
                throw new ClientException(ExitCode.NO_DEVICE, name + " did not come online: "
                        + Text.clean(progress.message()));
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new ClientException(ExitCode.NO_DEVICE, name + " is not online after " + timeout.toSeconds()
                        + " s (" + Text.clean(progress.message()) + "); wait longer with --timeout, or try again");
            }
            Thread.sleep(every.toMillis());
            progress = portal.wakeProgress(token, device.id());
        }
    }

    /** Tells the steps reached since {@code last}; returns the newest. */
    private String report(String name, WakeProgress progress, String last) {
        String step = last;
        if (progress.smsSentAt() != null && step == null) {
            tell("wake-up SMS sent");
            step = "sms-sent";
        }
        if (progress.diallingAt() != null && (step == null || step.equals("sms-sent"))) {
            tell(name + " got it and is dialling in");
            step = "dialling";
        }
        if (progress.online() && !"online".equals(step)) {
            tell(name + " is online (after " + progress.elapsedSeconds() + " s)");
            step = "online";
        }
        return step;
    }

    private void tell(String words) {
        told.add(words);
        steps.accept(words);
    }
}
