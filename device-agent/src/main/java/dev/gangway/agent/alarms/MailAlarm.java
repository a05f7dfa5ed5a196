package dev.gangway.agent.alarms;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The subject and text of an alarm mail, taken from its raw bytes with Jakarta Mail: the {@code Subject} (RFC 2047
 * encoded words decoded) and the first {@code text/plain} part (quoted-printable and base64 decoded, in its charset);
 * without one, the first {@code text/html} part with its tags removed; if the mail cannot be parsed as MIME at all, the
 * raw body. Every byte is hostile: parts are walked at most {@value #MAX_DEPTH} deep and {@value #MAX_PARTS} wide,
 * at most {@value #MAX_TEXT_BYTES} bytes of a part are read, undecodable bytes become U+FFFD. Stateless.
 */
final class MailAlarm {

    static final int MAX_DEPTH = 4;
    static final int MAX_PARTS = 32;
    static final int MAX_TEXT_BYTES = 64 * 1024;
    private static final Pattern TAG_BLOCKS = Pattern.compile("(?is)<(script|style|head)\\b.*?</\\1\\s*>");
    private static final Pattern LINE_TAGS = Pattern.compile("(?i)<\\s*(br|/p|/div|/tr|/h[1-6]|/li)\\b[^>]*>");
    private static final Pattern TAGS = Pattern.compile("<[^>]*>");
    private static final Pattern HEADER_LINE = Pattern.compile("[!-9;-~]{1,76}:");
    private static final Session SESSION = Session.getInstance(properties());

    /** What an alarm mail says. */
    record Content(String subject, String text) {
    }

    private MailAlarm() {
    }

    private static Properties properties() {
        Properties p = new Properties();
        p.setProperty("mail.mime.address.strict", "false");
        p.setProperty("mail.mime.decodetext.strict", "false");
        p.setProperty("mail.mime.base64.ignoreerrors", "true");
        p.setProperty("mail.mime.multipart.ignoremissingendboundary", "true");
        p.setProperty("mail.mime.multipart.ignoremissingboundaryparameter", "true");
        p.setProperty("mail.mime.ignoreunknownencoding", "true");
        return p;
    }

    static Content parse(byte[] raw) {
        MimeMessage message;
        try {
            message = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
        } catch (MessagingException | RuntimeException e) {
            return new Content("", rawBody(raw));
        }
        String subject = subject(message);
        Found found = new Found();
        try {
            walk(message, 0, found);
        } catch (MessagingException | IOException | RuntimeException e) {
            // keep what was found before the damage
        }
        String text = found.plain != null ? found.plain : found.html != null ? stripTags(found.html) : "";
        if (text.isBlank() && !found.multipart) {
            text = rawBody(raw); // e.g. no header block at all: the words are the alarm
        }
        return new Content(subject, text);
    }

    private static String subject(MimeMessage message) {
        try {
            String subject = message.getSubject();
            return subject == null ? "" : subject;
        } catch (MessagingException | RuntimeException e) {
            try {
                String[] raw = message.getHeader("Subject");
                return raw == null || raw.length == 0 ? "" : raw[0];
            } catch (MessagingException | RuntimeException again) {
                return "";
            }
        }
    }

    /** The first text/plain and the first text/html part seen. */
    private static final class Found {
        String plain;
        String html;
        boolean multipart;
        int parts;
    }

    private static void walk(MimePart part, int depth, Found found) throws MessagingException, IOException {
        if (found.plain != null || depth > MAX_DEPTH || found.parts++ > MAX_PARTS) {
            return;
        }
        ContentType type = contentType(part);
        if (type.match("text/plain")) {
            found.plain = read(part, type);
        } else if (type.match("text/html")) {
            if (found.html == null) {
                found.html = read(part, type);
            }
        } else if ("multipart".equalsIgnoreCase(type.getPrimaryType())) {
            found.multipart = true;
            MimeMultipart multipart = new MimeMultipart(new MimePartDataSource(part));
            int count = Math.min(multipart.getCount(), MAX_PARTS);
            for (int i = 0; i < count && found.plain == null; i++) {
                BodyPart child = multipart.getBodyPart(i);
                if (child instanceof MimePart mime) {
                    walk(mime, depth + 1, found);
                }
            }
        }
        // anything else is an attachment or a forwarded mail: no text of ours
    }

    private static ContentType contentType(MimePart part) {
        try {
            String header = part.getContentType();
            return new ContentType(header == null ? "text/plain" : header);
        } catch (MessagingException | RuntimeException e) {
            return plain();
        }
    }

    private static ContentType plain() {
        try {
            return new ContentType("text/plain");
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** At most {@link #MAX_TEXT_BYTES} of the part, transfer-decoded, in its charset (UTF-8 if unknown). */
    private static String read(MimePart part, ContentType type) throws MessagingException, IOException {
        InputStream in;
        try {
            in = new MimePartDataSource(part).getInputStream();
        } catch (IOException | RuntimeException e) {
            in = rawStream(part);
        }
        byte[] bytes;
        try (InputStream stream = in) {
            bytes = stream.readNBytes(MAX_TEXT_BYTES);
        }
        return decode(bytes, charset(type.getParameter("charset")));
    }

    private static InputStream rawStream(MimePart part) throws MessagingException {
        if (part instanceof jakarta.mail.internet.MimeBodyPart body) {
            return body.getRawInputStream();
        }
        if (part instanceof MimeMessage message) {
            return message.getRawInputStream();
        }
        return new ByteArrayInputStream(new byte[0]);
    }

    private static Charset charset(String name) {
        if (name == null || name.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(MimeUtility.javaCharset(name.strip()));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static String decode(byte[] bytes, Charset charset) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException | RuntimeException e) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /**
     * The bytes after the header block as UTF-8; without a header block (no blank line, and the first line is not a
     * header), all of them.
     */
    private static String rawBody(byte[] raw) {
        boolean headers = HEADER_LINE.matcher(new String(raw, 0, Math.min(raw.length, 200), StandardCharsets.ISO_8859_1))
                .lookingAt();
        int start = headers ? raw.length : 0;
        for (int i = 0; headers && i + 1 < raw.length; i++) {
            if (raw[i] == '\n' && (raw[i + 1] == '\n' || (raw[i + 1] == '\r' && i + 2 < raw.length && raw[i + 2] == '\n'))) {
                start = i + (raw[i + 1] == '\n' ? 2 : 3);
                break;
            }
        }
        int length = Math.min(raw.length - start, MAX_TEXT_BYTES);
        return decode(java.util.Arrays.copyOfRange(raw, start, start + length), StandardCharsets.UTF_8);
    }

    /** Enough of HTML to read an alarm: blocks of script and style gone, line breaks kept, tags and entities gone. */
    static String stripTags(String html) {
        String text = TAG_BLOCKS.matcher(html).replaceAll("");
        text = LINE_TAGS.matcher(text).replaceAll("\n");
        text = TAGS.matcher(text).replaceAll("");
        return text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
    }
}
