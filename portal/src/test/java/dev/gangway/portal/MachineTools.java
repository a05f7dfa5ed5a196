package dev.gangway.portal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * What the tests need from the machine (Xvnc, xrdp, bubblewrap, PostgreSQL, network namespaces): a test whose tool is
 * missing is skipped on a developer's machine, but fails under {@code CI=true}, where script/test installed
 * everything and a skip would let the suite pass without running it.
 */
public final class MachineTools {

    private MachineTools() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Returns when {@code condition} holds; otherwise skips the test, or fails it under {@code CI=true}. */
    public static void require(boolean condition, String message) {
        if (condition) {
            return;
        }
        if (inCi()) {
            throw new IllegalStateException(message + " (CI=true: not skipped)");
        }
        Assumptions.abort(message);
    }

    /** Requires every one of {@code tools} on the PATH (or in /usr/sbin, /sbin); {@code install} says how. */
    public static void requireInstalled(List<String> tools, String install) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (which(tool).isEmpty()) {
                missing.add(tool);
            }
        }
        require(missing.isEmpty(), "not installed: " + String.join(", ", missing) + " (" + install + ")");
    }

    /** The executable {@code tool} (an absolute path, or a name looked up in the PATH, /usr/sbin and /sbin). */
    public static Optional<Path> which(String tool) {
        if (tool.startsWith("/")) {
            return Optional.of(Path.of(tool)).filter(Files::isExecutable);
        }
        for (String d : (System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin").split(":")) {
            Path p = Path.of(d, tool);
            if (!d.isEmpty() && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
