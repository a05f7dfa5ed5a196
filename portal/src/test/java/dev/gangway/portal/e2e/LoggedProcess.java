package dev.gangway.portal.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process the test started, with its standard output and error captured together in a file so that a failing
 * test can print what the process said.
 */
final class LoggedProcess implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Process process;
    private final Path log;

    private LoggedProcess(String name, List<String> command, Process process, Path log) {
        this.name = name;
        this.command = redacted(command);
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with its output appended to {@code log}. */
    static LoggedProcess start(String name, List<String> command, Path log) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            return new LoggedProcess(name, command, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + redacted(command), e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** What the process wrote so far (standard output and error interleaved). */
    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<cannot read " + log + ": " + e + ">";
        }
    }

    /**
     * Waits for the process to exit and returns its exit code; fails with the process output when it is still
     * running after {@code timeout} (the process is then killed).
     */
    int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError(name + " did not exit within " + timeout + "; " + command
                        + "\n--- output ---\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + name, e);
        }
    }

    /** SIGKILL, as a power cut or a crash would: no shutdown hook runs, the kernel closes the sockets. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    /** A block for a failure report: the command and everything it printed. */
    String report() {
        return "--- " + name + " (pid " + process.pid() + (process.isAlive() ? ", running" : ", exit "
                + process.exitValue()) + ") " + String.join(" ", command) + "\n" + output();
    }

    /** The command as it may appear in a test report: the value after {@code --key} is a secret. */
    static List<String> redacted(List<String> command) {
        List<String> shown = new java.util.ArrayList<>(command);
        for (int i = 1; i < shown.size(); i++) {
            if ("--key".equals(shown.get(i - 1))) {
                shown.set(i, "<activation key>");
            }
        }
        return List.copyOf(shown);
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
