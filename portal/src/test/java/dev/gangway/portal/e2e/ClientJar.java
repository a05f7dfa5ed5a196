package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The client's command line as an engineer runs it: {@code java -jar client/target/gangway-client.jar ...}, with
 * the same {@code java} that runs the tests, as a process of its own. Each call names the "OS user" it runs as by
 * its configuration directory ({@code XDG_CONFIG_HOME}, where the session file lives); {@code GANGWAY_PASSWORD}
 * from the test's environment is never passed on.
 */
final class ClientJar {

    private final String java;
    private final Path jar;

    private ClientJar(String java, Path jar) {
        this.java = java;
        this.jar = jar;
    }

    /** Finds {@code client/target/gangway-client.jar} next to the portal module. */
    static ClientJar locate() {
        Path jar = Path.of(System.getProperty("user.dir")).toAbsolutePath().resolveSibling("client")
                .resolve("target").resolve("gangway-client.jar");
        assertThat(jar).as("the client jar: build it first (./mvnw -B verify builds it; alone: ./mvnw -B -o -pl"
                + " client package -DskipTests)").isRegularFile();
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ClientJar(java, jar);
    }

    /** Runs one command to completion; fails the test when it is still running after {@code timeout}. */
    Result run(Path configHome, Duration timeout, List<String> args) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("gangway-client-", ".out");
            err = Files.createTempFile("gangway-client-", ".err");
            Process process = builder(configHome, args).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("gangway " + String.join(" ", args) + " did not exit within " + timeout
                        + "\n--- stdout ---\n" + Files.readString(out) + "\n--- stderr ---\n" + Files.readString(err));
            }
            return new Result(String.join(" ", args), process.exitValue(), Files.readString(out,
                    StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the client: " + args, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running the client", e);
        } finally {
            delete(out);
            delete(err);
        }
    }

    /** Starts a long-running command ({@code connect}); its standard error goes to {@code stderrLog}. */
    Running start(Path configHome, Path stderrLog, List<String> args) {
        try {
            Files.createDirectories(stderrLog.toAbsolutePath().getParent());
            Process process = builder(configHome, args).redirectError(ProcessBuilder.Redirect.appendTo(
                    stderrLog.toFile())).start();
            return new Running(String.join(" ", args), process, stderrLog);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the client: " + args, e);
        }
    }

    private ProcessBuilder builder(Path configHome, List<String> args) {
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", jar.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.remove("GANGWAY_PASSWORD");
        env.put("XDG_CONFIG_HOME", configHome.toString());
        env.put("HOME", configHome.toString());
        return builder;
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file left behind is harmless
            }
        }
    }

    /** Exit code and what a finished command printed. */
    record Result(String command, int exitCode, String stdout, String stderr) {

        /** For assertion messages. */
        String describe() {
            return "gangway " + command + " -> exit " + exitCode + "\n--- stdout ---\n" + stdout
                    + "\n--- stderr ---\n" + stderr;
        }
    }

    /**
     * A running command. Its standard output is read line by line on a thread of its own (so the process never
     * blocks on a full pipe); {@link #firstLine} waits for the first one.
     */
    static final class Running implements AutoCloseable {

        private final String command;
        private final Process process;
        private final Path stderrLog;
        private final List<String> lines = new ArrayList<>();
        private boolean ended;

        private Running(String command, Process process, Path stderrLog) {
            this.command = command;
            this.process = process;
            this.stderrLog = stderrLog;
            Thread reader = new Thread(this::pump, "client-stdout-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        Process process() {
            return process;
        }

        /** Waits for the first line on standard output; fails with the process's output if none comes in time. */
        String firstLine(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lines) {
                while (lines.isEmpty()) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (ended || left <= 0) {
                        throw new AssertionError("gangway " + command + ": no line on stdout "
                                + (ended ? "before it ended" : "within " + timeout) + "\n" + report());
                    }
                    try {
                        lines.wait(Math.min(left, 200));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    }
                }
                return lines.get(0);
            }
        }

        /** SIGTERM, as Ctrl-C's sibling from a service manager; returns the exit code. */
        int terminate(Duration timeout) {
            process.destroy();
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("gangway " + command + " still running " + timeout
                            + " after SIGTERM\n" + report());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return process.exitValue();
        }

        /** Everything the process printed so far, for failure messages. */
        String report() {
            String err;
            try {
                err = Files.exists(stderrLog) ? Files.readString(stderrLog) : "";
            } catch (IOException e) {
                err = "<cannot read " + stderrLog + ">";
            }
            synchronized (lines) {
                return "--- gangway " + command + " (pid " + process.pid() + (process.isAlive() ? ", running"
                        : ", exit " + process.exitValue()) + ")\n--- stdout ---\n" + String.join("\n", lines)
                        + "\n--- stderr ---\n" + err;
            }
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        private void pump() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            } finally {
                synchronized (lines) {
                    ended = true;
                    lines.notifyAll();
                }
            }
        }
    }
}
