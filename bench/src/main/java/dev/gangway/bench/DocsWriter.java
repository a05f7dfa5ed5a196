package dev.gangway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Replaces the generated results section of docs/benchmarks.md (between the two markers) and leaves the
 * hand-written rest alone; appends the section when the markers are missing. The file is written whole
 * (temporary file, then rename) so that an interrupted run leaves the old one.
 */
final class DocsWriter {

    static final String START = "<!-- bench-results:start -->";
    static final String END = "<!-- bench-results:end -->";

    private DocsWriter() {
    }

    static void replaceResults(Path docs, String section) throws IOException {
        replaceSection(docs, section, START, END);
    }

    /** The same for another generated section, between its own two markers. */
    static void replaceSection(Path docs, String section, String startMarker, String endMarker) throws IOException {
        String old = Files.exists(docs) ? Files.readString(docs, StandardCharsets.UTF_8) : "# Benchmarks\n";
        String block = startMarker + "\n" + section.strip() + "\n" + endMarker;
        int from = old.indexOf(startMarker);
        int to = old.indexOf(endMarker);
        String updated;
        if (from >= 0 && to > from) {
            updated = old.substring(0, from) + block + old.substring(to + endMarker.length());
        } else {
            updated = old.stripTrailing() + "\n\n" + block + "\n";
        }
        Path tmp = docs.resolveSibling(docs.getFileName() + ".tmp");
        Files.writeString(tmp, updated, StandardCharsets.UTF_8);
        Files.move(tmp, docs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
