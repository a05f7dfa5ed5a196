package dev.gangway.agent.keyswitch;

import dev.gangway.agent.config.KeySwitchConfig;
import java.time.Duration;

/** Where the key switch is read. Called from the key switch's own thread only; may block up to its timeout. */
interface SwitchInput {

    /** How long a command input may run before it counts as failed. */
    Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    SwitchReading read();

    /** For log lines: the file or the program. */
    String describe();

    static SwitchInput of(KeySwitchConfig.Target target) {
        if (target instanceof KeySwitchConfig.FileTarget file) {
            return new FileSwitchInput(file.file());
        }
        return new CommandSwitchInput(((KeySwitchConfig.CommandTarget) target).argv(), COMMAND_TIMEOUT);
    }
}
