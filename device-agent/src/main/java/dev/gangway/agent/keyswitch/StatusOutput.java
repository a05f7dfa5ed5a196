package dev.gangway.agent.keyswitch;

import dev.gangway.agent.config.KeySwitchConfig;
import dev.gangway.agent.config.KeySwitchConfig.StatusOutputConfig;
import dev.gangway.tunnel.TunnelClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows whether the tunnel is up: writes the configured text ({@code up}/{@code down} by default) to a file, or runs
 * a command with it, at start ("down") and at each change. Up means the relay admitted the tunnel
 * ({@link TunnelClient.State#CONNECTED}); everything else, a site disabled by its key switch included, is down.
 *
 * <h2>File</h2> Written whole through a temporary file and a rename, so a reader never sees half of it; where that is
 * impossible (a GPIO {@code value} file in sysfs) it is written in place.
 *
 * <h2>Threading</h2> {@link #accept} is the tunnel's state listener and returns at once (it is called with the
 * tunnel's lock held); the writes and commands run in order on a thread of their own. {@link #close()} waits for the
 * last one (at most the command timeout).
 */
public final class StatusOutput implements Consumer<TunnelClient.State>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusOutput.class);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

    private final StatusOutputConfig config;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gangway-status-output");
        t.setDaemon(true);
        return t;
    });
    private Boolean shown;
    private String lastProblem;

    private StatusOutput(StatusOutputConfig config) {
        this.config = config;
    }

    /** Shows "down" at once, then follows the tunnel. */
    public static StatusOutput start(StatusOutputConfig config) {
        StatusOutput output = new StatusOutput(config);
        output.show(false);
        return output;
    }

    @Override
    public void accept(TunnelClient.State state) {
        show(state == TunnelClient.State.CONNECTED);
    }

    private synchronized void show(boolean up) {
        if (shown != null && shown == up) {
            return;
        }
        shown = up;
        String text = up ? config.up() : config.down();
        try {
            writer.execute(() -> write(text));
        } catch (RejectedExecutionException e) {
            // closing: the last state was written already
        }
    }

    private void write(String text) {
        String problem = config.target() instanceof KeySwitchConfig.FileTarget file
                ? writeFile(file.file(), text)
                : runCommand(((KeySwitchConfig.CommandTarget) config.target()).argv(), text);
        if (problem == null) {
            if (lastProblem != null) {
                log.info("tunnel status output works again");
            }
            log.debug("tunnel status output: {}", text);
        } else if (!problem.equals(lastProblem)) {
            log.warn("cannot show the tunnel status '{}': {}", text, problem);
        }
        lastProblem = problem;
    }

    private static String writeFile(Path file, String text) {
        byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
        Path temporary = null;
        try {
            Path dir = file.toAbsolutePath().getParent();
            temporary = Files.createTempFile(dir, "." + file.getFileName(), ".new");
            Files.write(temporary, bytes);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return null;
        } catch (IOException | UnsupportedOperationException e) {
            deleteQuietly(temporary);
            if (e instanceof AtomicMoveNotSupportedException || temporary == null || Files.exists(file)) {
                return writeInPlace(file, bytes);
            }
            return "cannot write " + file + " (" + e.getClass().getSimpleName() + ")";
        }
    }

    private static String writeInPlace(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            return null;
        } catch (IOException e) {
            return "cannot write " + file + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a stray temporary file is harmless
            }
        }
    }

    /** {@code {state}} in any argument becomes the text; with none, the text is the last argument. */
    static List<String> commandFor(List<String> argv, String text) {
        List<String> command = new ArrayList<>();
        boolean placed = false;
        for (String arg : argv) {
            if (arg.contains("{state}")) {
                placed = true;
            }
            command.add(arg.replace("{state}", text));
        }
        if (!placed) {
            command.add(text);
        }
        return command;
    }

    private static String runCommand(List<String> argv, String text) {
        Commands.Outcome outcome = Commands.run(commandFor(argv, text), COMMAND_TIMEOUT);
        if (!outcome.ran()) {
            return outcome.problem();
        }
        return outcome.exitCode() == 0 ? null : argv.get(0) + " exited with code " + outcome.exitCode();
    }

    /** Shows "down" (the tunnel is closed by now) and waits for the writes to finish. */
    @Override
    public void close() {
        show(false);
        writer.shutdown();
        try {
            writer.awaitTermination(COMMAND_TIMEOUT.toSeconds() + 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
