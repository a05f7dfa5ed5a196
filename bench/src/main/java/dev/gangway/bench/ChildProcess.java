package dev.gangway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process the harness started (sshd, ssh, a tunnel JVM). Its output goes to {@code <name>.log} in the work
 * directory; its pid to {@code pids} so that script/bench can stop it even if the harness dies.
 */
final class ChildProcess implements AutoCloseable {

    private static final int KEEP_LINES = 5_000;

    private final String name;
    private final Process process;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private volatile boolean pumpRunning = true;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ChildProcess start(String name, List<String> command, Path workDir) throws IOException {
        return start(name, command, workDir, java.util.Map.of());
    }

    /**
     * Starts {@code command} with {@code env} added to the harness's environment (values are not logged: a
     * password may travel there rather than on the command line).
     */
    static ChildProcess start(String name, List<String> command, Path workDir, java.util.Map<String, String> env)
            throws IOException {
        Path log = workDir.resolve(name + ".log");
        Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        Files.writeString(workDir.resolve("pids"), process.pid() + " " + name + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ChildProcess child = new ChildProcess(name, process, log);
        Thread reader = new Thread(child::pump, name + "-output");
        reader.setDaemon(true);
        reader.start();
        return child;
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end; returns its exit status, or fails (and kills it) after {@code timeout}. */
    int awaitExit(Duration timeout) throws BenchException {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new BenchException(name + " did not finish within " + timeout.toSeconds() + " s: "
                        + lastLines());
            }
            // let the output pump reach the end, so lastLines() holds everything the process said
            long until = System.nanoTime() + 2_000_000_000L;
            while (pumpRunning && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while waiting for " + name);
        }
    }

    /** Waits for a line starting with {@code READY }; returns the rest of it. */
    String awaitReady(Duration timeout) throws BenchException {
        return awaitLine(l -> l.startsWith("READY "), timeout).substring("READY ".length());
    }

    /** Waits for the first line (already seen or coming) that {@code wanted} accepts. */
    String awaitLine(Predicate<String> wanted, Duration timeout) throws BenchException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (wanted.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (!process.isAlive() && !pumpRunning) {
                    throw new BenchException(name + " exited with status " + process.exitValue() + ": " + lastLines());
                }
                if (left <= 0) {
                    throw new BenchException(name + " not ready after " + timeout.toSeconds() + " s: " + lastLines());
                }
                try {
                    // short slices: the process may die just after its last line, with nobody left to notify us
                    lines.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BenchException("interrupted while waiting for " + name);
                }
            }
        }
    }

    /** The first line seen so far that {@code wanted} accepts. */
    Optional<String> findLine(Predicate<String> wanted) {
        synchronized (lines) {
            return lines.stream().filter(wanted).findFirst();
        }
    }

    /** The last lines of output, the most telling part when something failed (often an exception). */
    String lastLines() {
        synchronized (lines) {
            List<String> interesting = new ArrayList<>();
            for (String l : tail) {
                if (!l.isBlank()) {
                    interesting.add(l.strip());
                }
            }
            int from = Math.max(0, interesting.size() - 6);
            return interesting.isEmpty() ? "(no output; see " + log + ")"
                    : String.join(" | ", interesting.subList(from, interesting.size())) + " (log: " + log + ")";
        }
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                synchronized (lines) {
                    if (lines.size() < KEEP_LINES) {
                        lines.add(line);
                    }
                    tail.addLast(line);
                    if (tail.size() > 40) {
                        tail.removeFirst();
                    }
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process is gone; what it said is in the log
        } finally {
            pumpRunning = false;
            synchronized (lines) {
                lines.notifyAll();
            }
        }
    }

    /** Counters of this process and its live descendants (sshd's session process does the work). */
    ProcStats stats() {
        ProcStats total = ProcStats.of(process.toHandle());
        for (ProcessHandle d : process.descendants().toList()) {
            total = total.plus(ProcStats.of(d));
        }
        return total;
    }

    /** Stops the process and whatever it started (sshd's session processes): TERM, then KILL after 3 s. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
