package dev.gangway.portal.e2e;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints what the processes of a test said when the test fails (agent, demo HMI, listeners), so that a red CI run
 * tells why without a re-run. Register it as a static {@code @RegisterExtension} field.
 */
final class FailureReport implements TestWatcher {

    private final List<Supplier<String>> sources = new CopyOnWriteArrayList<>();

    /** Adds a source of text to print on failure; evaluated only when a test fails. */
    void include(Supplier<String> source) {
        sources.add(source);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        StringBuilder report = new StringBuilder("\n===== process output for failed test ")
                .append(context.getDisplayName()).append(" =====\n");
        for (Supplier<String> source : sources) {
            try {
                report.append(Optional.ofNullable(source.get()).orElse("")).append('\n');
            } catch (RuntimeException e) {
                report.append("<cannot collect: ").append(e).append(">\n");
            }
        }
        report.append("===== end of process output =====");
        System.err.println(report);
    }
}
