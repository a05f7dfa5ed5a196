package dev.gangway.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The site's key switch ({@code key-switch:} in agent.yml): a digital input that, when off, closes the tunnel and
 * keeps it closed, and an optional status output showing whether the tunnel is up.
 *
 * @param input where the switch is read: a file (a GPIO {@code value} file works as is) or a command
 * @param invert the input is active-low: a reading of "off" means on and the other way round
 * @param poll how often the input is read
 * @param missingMeansOn what a missing file, an unreadable value or a command that cannot run means; false (the
 *     default) keeps the tunnel closed: the site's last word is never taken for granted
 * @param statusOutput where "tunnel up" and "tunnel down" are shown, if anywhere
 */
public record KeySwitchConfig(Target input, boolean invert, Duration poll, boolean missingMeansOn,
        Optional<StatusOutputConfig> statusOutput) {

    public static final Duration DEFAULT_POLL = Duration.ofMillis(500);

    public KeySwitchConfig {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(poll, "poll");
        Objects.requireNonNull(statusOutput, "statusOutput");
    }

    /** A file to read or write, or a command to run. */
    public sealed interface Target permits FileTarget, CommandTarget {
    }

    /** A file; relative paths in agent.yml are already resolved next to it. */
    public record FileTarget(Path file) implements Target {
        public FileTarget {
            Objects.requireNonNull(file, "file");
        }
    }

    /** A command, run without a shell; {@code argv.get(0)} is the program, resolved to a path. */
    public record CommandTarget(List<String> argv) implements Target {
        public CommandTarget {
            argv = List.copyOf(argv);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("empty command");
            }
        }
    }

    /**
     * The status output ({@code status-output:}).
     *
     * @param target the file written (its whole content is the text) or the command run at each change, with
     *     {@code {state}} in its arguments replaced by the text (appended as the last argument when none has it)
     * @param up the text for "tunnel up" (default {@code up}; {@code 1} drives a GPIO output)
     * @param down the text for "tunnel down" (default {@code down})
     */
    public record StatusOutputConfig(Target target, String up, String down) {
        public static final String DEFAULT_UP = "up";
        public static final String DEFAULT_DOWN = "down";

        public StatusOutputConfig {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(up, "up");
            Objects.requireNonNull(down, "down");
        }
    }
}
