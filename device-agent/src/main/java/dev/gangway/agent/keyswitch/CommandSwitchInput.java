package dev.gangway.agent.keyswitch;

import java.time.Duration;
import java.util.List;

/**
 * A command that reports the switch by its exit code: 0 = on, anything else = off. A command that cannot be started
 * or does not finish within the timeout gives no reading (the configured {@code missing} decides).
 */
final class CommandSwitchInput implements SwitchInput {

    private final List<String> argv;
    private final Duration timeout;

    CommandSwitchInput(List<String> argv, Duration timeout) {
        this.argv = List.copyOf(argv);
        this.timeout = timeout;
    }

    @Override
    public SwitchReading read() {
        Commands.Outcome outcome = Commands.run(argv, timeout);
        if (!outcome.ran()) {
            return SwitchReading.unknown(outcome.problem());
        }
        return outcome.exitCode() == 0 ? SwitchReading.ON : SwitchReading.OFF;
    }

    @Override
    public String describe() {
        return "command " + String.join(" ", argv);
    }
}
