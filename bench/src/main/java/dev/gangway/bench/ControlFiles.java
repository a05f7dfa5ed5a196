package dev.gangway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How the idle-tunnels harness and its processes talk besides stdout (which carries their logs, thousands of lines):
 * small files in the run's work directory, each replaced whole by a rename.
 *
 * <ul>
 *   <li>{@code <name>.status}: the process's current counters as {@code key=value} pairs on one line, rewritten by the
 *       process every 200 ms while they change; the harness reads it when it likes.</li>
 *   <li>{@code <name>.cmd} / {@code <name>.reply}: one request at a time, {@code <seq> <command>}, answered with
 *       {@code <seq> <answer>}; the process polls for it every 100 ms.</li>
 * </ul>
 *
 * <p>Threading: the process side runs one daemon thread ({@link #serve}); the harness side is used from one thread.
 */
final class ControlFiles {

    private final Path dir;
    private final String name;
    private long seq;

    ControlFiles(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    private Path file(String suffix) {
        return dir.resolve(name + "." + suffix);
    }

    // ---- process side

    /**
     * Starts the daemon thread that writes {@code status.get()} every 200 ms (when it changed) and answers commands
     * with {@code commands}; an exception from it is answered as {@code error <message>}.
     */
    void serve(Supplier<String> status, Function<String, String> commands) {
        Thread t = new Thread(() -> {
            String last = null;
            long nextStatus = 0;
            while (true) {
                try {
                    long now = System.nanoTime();
                    if (now >= nextStatus) {
                        String s = status.get();
                        if (!s.equals(last)) {
                            write(file("status"), s);
                            last = s;
                        }
                        nextStatus = now + 200_000_000L;
                    }
                    String cmd = readIfPresent(file("cmd"));
                    if (cmd != null) {
                        Files.deleteIfExists(file("cmd"));
                        int space = cmd.indexOf(' ');
                        String number = space < 0 ? cmd : cmd.substring(0, space);
                        String command = space < 0 ? "" : cmd.substring(space + 1);
                        String answer;
                        try {
                            answer = commands.apply(command.strip());
                        } catch (RuntimeException e) {
                            answer = "error " + e;
                        }
                        write(file("reply"), number + " " + answer);
                    }
                    Thread.sleep(100);
                } catch (IOException e) {
                    System.err.println("control files: " + e);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "control-files");
        t.setDaemon(true);
        t.start();
    }

    // ---- harness side

    /** The process's last status as a map ({@code key=value} pairs); empty before its first one. */
    Map<String, String> status() throws IOException {
        String s = readIfPresent(file("status"));
        Map<String, String> fields = new LinkedHashMap<>();
        if (s != null) {
            for (String part : s.strip().split("\\s+")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    fields.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
        }
        return fields;
    }

    long statusLong(String key) throws IOException {
        String v = status().get(key);
        return v == null ? 0 : Long.parseLong(v);
    }

    /** Sends {@code command} and waits for its answer. */
    String request(String command, Duration timeout) throws IOException, BenchException {
        long number = ++seq;
        Files.deleteIfExists(file("reply"));
        write(file("cmd"), number + " " + command);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String reply = readIfPresent(file("reply"));
            if (reply != null && reply.startsWith(number + " ")) {
                String answer = reply.substring(String.valueOf(number).length() + 1).strip();
                if (answer.startsWith("error ")) {
                    throw new BenchException(name + " could not '" + command + "': " + answer.substring(6));
                }
                return answer;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted while waiting for " + name);
            }
        }
        throw new BenchException(name + " did not answer '" + command + "' within " + timeout.toSeconds() + " s");
    }

    /** {@code key=value} pairs of an answer. */
    static Map<String, String> fields(String answer) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : answer.strip().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return fields;
    }

    private static String readIfPresent(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
