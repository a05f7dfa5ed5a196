package dev.gangway.tunnel;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of an answer to {@link TunnelProtocol#PATH_ALARMS}:
 * {@code {"alarms":[{"id","sequence","raisedAt","source","from","subject","text"}]}}.
 *
 * <p>Writing (the agent) keeps within {@value TunnelProtocol#MAX_ALARMS_PER_ANSWER} alarms and
 * {@value TunnelProtocol#MAX_ALARMS_ANSWER_BYTES} bytes. Reading (the relay) treats the body as hostile: strict
 * RFC 8259 JSON in strict UTF-8 (no comments, no trailing commas, no duplicate keys, no lone surrogates, nesting at
 * most {@value #MAX_DEPTH} deep), members the relay does not know are ignored, every alarm must make a valid
 * {@link Alarm} and the sequences must rise strictly. Anything else is an {@link IllegalArgumentException} whose
 * message says what was wrong. Stateless; thread-safe.
 */
final class AlarmsJson {

    static final int MAX_DEPTH = 8;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private AlarmsJson() {
    }

    /** An encoded answer and how many of the given alarms it carries. */
    record Encoded(byte[] body, int count) {
    }

    /** Encodes the longest prefix of {@code alarms} that fits the limits of one answer. */
    static Encoded encode(List<Alarm> alarms) {
        StringBuilder out = new StringBuilder(256).append("{\"alarms\":[");
        int count = 0;
        int bytes = out.length() + 2;
        for (Alarm alarm : alarms) {
            if (count == TunnelProtocol.MAX_ALARMS_PER_ANSWER) {
                break;
            }
            String one = encode(alarm);
            int size = one.getBytes(StandardCharsets.UTF_8).length + (count > 0 ? 1 : 0);
            if (bytes + size > TunnelProtocol.MAX_ALARMS_ANSWER_BYTES) {
                break;
            }
            if (count > 0) {
                out.append(',');
            }
            out.append(one);
            bytes += size;
            count++;
        }
        out.append("]}");
        return new Encoded(out.toString().getBytes(StandardCharsets.UTF_8), count);
    }

    private static String encode(Alarm alarm) {
        StringBuilder out = new StringBuilder(128 + alarm.text().length());
        out.append("{\"id\":");
        string(out, alarm.id());
        out.append(",\"sequence\":").append(alarm.sequence());
        out.append(",\"raisedAt\":");
        string(out, alarm.raisedAt().toString());
        out.append(",\"source\":");
        string(out, alarm.source());
        out.append(",\"from\":");
        string(out, alarm.from());
        out.append(",\"subject\":");
        string(out, alarm.subject());
        out.append(",\"text\":");
        string(out, alarm.text());
        return out.append('}').toString();
    }

    /** A JSON string; a lone surrogate (which UTF-8 cannot carry) becomes U+FFFD. */
    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Parses an answer's body; see the class comment for what is refused. */
    static List<Alarm> parse(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the answer is not valid UTF-8");
        }
        Object root = new Parser(text).document();
        if (!(root instanceof Map<?, ?> top)) {
            throw new IllegalArgumentException("the answer is not a JSON object");
        }
        if (!(top.get("alarms") instanceof List<?> items)) {
            throw new IllegalArgumentException("the answer has no \"alarms\" list");
        }
        if (items.size() > TunnelProtocol.MAX_ALARMS_PER_ANSWER) {
            throw new IllegalArgumentException("the answer has " + items.size() + " alarms; at most "
                    + TunnelProtocol.MAX_ALARMS_PER_ANSWER + " are allowed");
        }
        List<Alarm> alarms = new ArrayList<>(items.size());
        long previous = 0;
        for (int i = 0; i < items.size(); i++) {
            Alarm alarm = alarm(items.get(i), i);
            if (alarm.sequence() <= previous) {
                throw new IllegalArgumentException("alarms[" + i + "]: sequence " + alarm.sequence()
                        + " does not follow " + previous);
            }
            previous = alarm.sequence();
            alarms.add(alarm);
        }
        return List.copyOf(alarms);
    }

    private static Alarm alarm(Object item, int index) {
        String where = "alarms[" + index + "]";
        if (!(item instanceof Map<?, ?> fields)) {
            throw new IllegalArgumentException(where + " is not an object");
        }
        Instant raisedAt;
        String raised = string(fields, "raisedAt", where);
        try {
            raisedAt = Instant.parse(raised);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + ".raisedAt is not an ISO-8601 instant");
        }
        try {
            return new Alarm(string(fields, "id", where), sequence(fields.get("sequence"), where), raisedAt,
                    string(fields, "source", where), string(fields, "from", where), string(fields, "subject", where),
                    string(fields, "text", where));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static String string(Map<?, ?> fields, String name, String where) {
        if (!(fields.get(name) instanceof String value)) {
            throw new IllegalArgumentException(where + "." + name + " is missing or not a string");
        }
        return value;
    }

    private static long sequence(Object value, String where) {
        if (!(value instanceof Number number) || !number.integral || number.text.startsWith("-")
                || number.text.length() > 19) {
            throw new IllegalArgumentException(where + ".sequence is missing or not a positive whole number");
        }
        try {
            return Long.parseLong(number.text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ".sequence is too large");
        }
    }

    /** A JSON number as written; {@code integral} when it has neither fraction nor exponent. */
    private record Number(String text, boolean integral) {
    }

    /** Null as a value (a Java null means "absent" in a map lookup). */
    private enum JsonNull { NULL }

    /** Recursive descent over the decoded text; depth-limited, so the recursion is bounded. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Object document() {
            Object value = value(0);
            whitespace();
            if (pos != s.length()) {
                throw fail("unexpected text after the JSON value");
            }
            return value;
        }

        private Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw fail("nested more than " + MAX_DEPTH + " deep");
            }
            whitespace();
            if (pos >= s.length()) {
                throw fail("unexpected end");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", JsonNull.NULL);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw fail("unexpected character");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            pos++;
            Map<String, Object> members = new LinkedHashMap<>();
            whitespace();
            if (peek() == '}') {
                pos++;
                return members;
            }
            while (true) {
                whitespace();
                if (peek() != '"') {
                    throw fail("expected a member name");
                }
                String name = string();
                whitespace();
                expect(':');
                Object value = value(depth + 1);
                if (members.putIfAbsent(name, value) != null) {
                    throw fail("duplicate member \"" + printable(name) + "\"");
                }
                whitespace();
                char c = next();
                if (c == '}') {
                    return members;
                }
                if (c != ',') {
                    throw fail("expected ',' or '}'");
                }
            }
        }

        private List<Object> array(int depth) {
            pos++;
            List<Object> items = new ArrayList<>();
            whitespace();
            if (peek() == ']') {
                pos++;
                return items;
            }
            while (true) {
                items.add(value(depth + 1));
                whitespace();
                char c = next();
                if (c == ']') {
                    return items;
                }
                if (c != ',') {
                    throw fail("expected ',' or ']'");
                }
            }
        }

        private String string() {
            pos++;
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return checkSurrogates(out);
                }
                if (c < 0x20) {
                    throw fail("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> out.append(hex4());
                    default -> throw fail("bad escape in a string");
                }
            }
        }

        /** Surrogates only in pairs (escaped or not): UTF-8 and the access server's database cannot carry others. */
        private String checkSurrogates(StringBuilder out) {
            for (int i = 0; i < out.length(); i++) {
                char c = out.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < out.length() && Character.isLowSurrogate(out.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw fail("lone surrogate in a string");
                }
            }
            return out.toString();
        }

        private char hex4() {
            if (pos + 4 > s.length()) {
                throw fail("unexpected end in a \\u escape");
            }
            int v = hexValue(s.substring(pos, pos + 4));
            if (v < 0) {
                throw fail("bad \\u escape");
            }
            pos += 4;
            return (char) v;
        }

        private static int hexValue(String four) {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                char c = four.charAt(i);
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0) {
                    return -1;
                }
                v = v * 16 + d;
            }
            return v;
        }

        private Number number() {
            int start = pos;
            boolean integral = true;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                digits();
            } else {
                throw fail("bad number");
            }
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) {
                    throw fail("bad number");
                }
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw fail("bad number");
                }
                digits();
            }
            return new Number(s.substring(start, pos), integral);
        }

        private void digits() {
            while (isDigit(peek())) {
                pos++;
            }
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) {
                throw fail("unexpected character");
            }
            pos += word.length();
            return value;
        }

        private void whitespace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private void expect(char c) {
            if (next() != c) {
                throw fail("expected '" + c + "'");
            }
        }

        /** The next character, or NUL at the end (NUL is never valid where it is looked at). */
        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private char next() {
            if (pos >= s.length()) {
                throw fail("unexpected end");
            }
            return s.charAt(pos++);
        }

        private IllegalArgumentException fail(String what) {
            return new IllegalArgumentException("not valid JSON: " + what + " at character " + pos);
        }

        private static String printable(String name) {
            String cut = name.length() > 40 ? name.substring(0, 40) + "..." : name;
            return cut.replaceAll("[^\\x20-\\x7e]", "?");
        }
    }

    /** Used by tests and fuzzing: decodes {@code text} as the relay would a body. */
    static List<Alarm> parse(String text) {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }
}
