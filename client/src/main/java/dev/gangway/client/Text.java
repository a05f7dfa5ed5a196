package dev.gangway.client;

/** Makes text from the network safe to print on a terminal. */
public final class Text {

    private static final int MAX = 300;

    private Text() {
    }

    /** Replaces control and bidi-override characters by spaces and caps the length. */
    public static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            boolean control = Character.isISOControl(cp) || (cp >= 0x202A && cp <= 0x202E)
                    || (cp >= 0x2066 && cp <= 0x2069);
            out.appendCodePoint(control ? ' ' : cp);
        });
        String s = out.toString().strip();
        return s.length() > MAX ? s.substring(0, MAX) + "…" : s;
    }
}
