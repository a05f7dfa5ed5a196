package dev.gangway.client;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a command's result on standard output: an aligned table for people, or one line of JSON with
 * {@code --json}. Cells are {@link Text#clean cleaned}: device names come from the network.
 */
public final class Output {

    /** The one JSON mapper of the client (thread-safe). */
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final PrintWriter out;
    private final boolean json;

    public Output(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** Whether {@code --json} was given. */
    public boolean json() {
        return json;
    }

    /** Prints {@code value} as one line of JSON. */
    public void printJson(Object value) {
        out.println(JSON.writeValueAsString(value));
        out.flush();
    }

    /** Prints a line of text. */
    public void line(String text) {
        out.println(text);
        out.flush();
    }

    /** Prints a table: the header row, then each row, columns separated by at least two spaces. */
    public void table(List<String> headers, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        for (List<String> row : rows) {
            all.add(row.stream().map(c -> c == null || c.isEmpty() ? "-" : Text.clean(c)).toList());
        }
        int[] widths = new int[headers.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(row.get(i));
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
