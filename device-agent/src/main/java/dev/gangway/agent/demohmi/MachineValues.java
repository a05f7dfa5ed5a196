package dev.gangway.agent.demohmi;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;

/** Made-up but plausible live values for the panel's gauges, a function of time only. */
final class MachineValues {

    private final Clock clock;
    private final Instant started;

    MachineValues(Clock clock) {
        this.clock = clock;
        this.started = clock.instant();
    }

    /** The values as JSON for {@code /status.json}. */
    String json() {
        double t = clock.millis() / 1000.0;
        double rpm = 1450 + 60 * Math.sin(t / 7) + 15 * Math.sin(t * 1.3);
        double oil = 48 + 3 * Math.sin(t / 60) + 0.4 * Math.sin(t / 3);
        double air = 6.2 + 0.25 * Math.sin(t / 11) + 0.05 * Math.sin(t * 2.1);
        long parts = (clock.millis() - started.toEpochMilli()) / 2500;
        return String.format(Locale.ROOT,
                "{\"state\":\"running\",\"spindleRpm\":%.0f,\"oilTempC\":%.1f,\"airPressureBar\":%.2f,"
                        + "\"partsProduced\":%d,\"time\":\"%s\"}",
                rpm, oil, air, parts, clock.instant());
    }
}
