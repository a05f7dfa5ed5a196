package dev.gangway.portal.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes RFC 4180 CSV: fields separated by commas, records ended by CRLF, every text field quoted (quotes
 * doubled), numbers bare. Quoting every text field matters where spreadsheets split on {@code ;} (many European
 * locales): an unquoted {@code Press;=HYPERLINK(...)} would become two cells, the second a formula.
 *
 * <p>Formula injection: a text field starting with {@code = + - @}, TAB or CR would be run as a formula by a
 * spreadsheet (user and device names are typed by people who may not be friendly), so it gets a leading
 * {@code '}, as OWASP recommends. Numbers are written as they are.
 *
 * <p>Hand-written rather than Apache Commons CSV: that library is not in the build's repository, and quoting is
 * the whole of what is needed here.
 */
final class Csv {

    private final Writer out;

    Csv(Writer out) {
        this.out = out;
    }

    /** One record; {@code null} is an empty field, {@link Number}s are written raw, everything else as text. */
    void row(Object... fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            Object field = fields[i];
            if (field instanceof Number number) {
                line.append(number);
            } else if (field != null) {
                line.append(quoted(guarded(field.toString())));
            }
        }
        line.append("\r\n");
        try {
            out.write(line.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String guarded(String text) {
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            return "'" + text;
        }
        return text;
    }

    static String quoted(String text) {
        return '"' + text.replace("\"", "\"\"") + '"';
    }
}
