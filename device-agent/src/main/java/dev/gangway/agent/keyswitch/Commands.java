package dev.gangway.agent.keyswitch;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command of the key switch without a shell, its output discarded, and waits for it within a timeout. */
final class Commands {

    /** How a command ended: its exit code, or why there is none. */
    record Outcome(Integer exitCode, String problem) {
        boolean ran() {
            return exitCode != null;
        }
    }

    private Commands() {
    }

    static Outcome run(List<String> argv, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return new Outcome(null, "cannot run " + argv.get(0) + ": " + e.getMessage());
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                String limit = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
                return new Outcome(null, argv.get(0) + " did not finish within " + limit);
            }
            return new Outcome(process.exitValue(), null);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome(null, "interrupted while running " + argv.get(0));
        }
    }
}
