package dev.gangway.portal.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough HTML reading for the report pages' tables: the rows of a class, each cell's text by its class. */
final class Html {

    private static final Pattern CELL = Pattern.compile(
            "<td class=\"([a-z-]+)[^\"]*\"([^>]*)>(.*?)</td>", Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]+>");
    private static final Pattern TITLE = Pattern.compile("title=\"([^\"]*)\"");

    private Html() {
    }

    /** Rows {@code <tr class="rowClass ...">}: cell class → text (tags removed, entities decoded). */
    static List<Map<String, String>> rows(String html, String rowClass) {
        List<Map<String, String>> rows = new ArrayList<>();
        Matcher row = Pattern.compile("<tr class=\"" + rowClass + "( [^\"]*)?\">(.*?)</tr>", Pattern.DOTALL)
                .matcher(html);
        while (row.find()) {
            Map<String, String> cells = new LinkedHashMap<>();
            Matcher cell = CELL.matcher(row.group(2));
            while (cell.find()) {
                cells.put(cell.group(1), text(cell.group(3)));
                Matcher title = TITLE.matcher(cell.group(2));
                if (title.find()) {
                    cells.put(cell.group(1) + "@title", text(title.group(1)));
                }
            }
            rows.add(cells);
        }
        return rows;
    }

    static String text(String html) {
        return TAG.matcher(html).replaceAll("").strip().replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }
}
