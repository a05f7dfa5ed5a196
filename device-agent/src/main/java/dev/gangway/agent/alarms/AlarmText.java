package dev.gangway.agent.alarms;

import dev.gangway.tunnel.Alarm;

/**
 * Makes untrusted text fit an {@link Alarm}: no control characters (a line break and a tab are kept in the text),
 * no lone surrogates (they become U+FFFD), cut to the alarm's limits at a character boundary, ending in "…" when cut.
 * Stateless.
 */
final class AlarmText {

    private static final char ELLIPSIS = '\u2026';

    private AlarmText() {
    }

    static String subject(String raw) {
        return cut(clean(raw, false).strip(), Alarm.MAX_SUBJECT);
    }

    static String text(String raw) {
        return cut(clean(raw, true).strip(), Alarm.MAX_TEXT);
    }

    static String from(String raw) {
        return cut(clean(raw, false).strip(), Alarm.MAX_FROM);
    }

    /** Control characters become spaces ({@code keepLines}: CR LF and CR become LF, tabs stay). */
    private static String clean(String raw, boolean keepLines) {
        if (raw == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(Math.min(raw.length(), Alarm.MAX_TEXT + 16));
        int limit = Alarm.MAX_TEXT * 2; // enough to cut from; the rest is never looked at
        for (int i = 0; i < raw.length() && out.length() < limit; i++) {
            char c = raw.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1))) {
                out.append(c).append(raw.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else if (keepLines && c == '\r') {
                out.append('\n');
                if (i + 1 < raw.length() && raw.charAt(i + 1) == '\n') {
                    i++;
                }
            } else if (keepLines && (c == '\n' || c == '\t')) {
                out.append(c);
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                out.append(keepLines && (c == '\u2028' || c == '\u2029') ? '\n' : ' ');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--; // never keep half of a pair
        }
        return s.substring(0, end) + ELLIPSIS;
    }
}
