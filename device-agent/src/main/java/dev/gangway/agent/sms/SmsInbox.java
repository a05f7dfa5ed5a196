package dev.gangway.agent.sms;

import dev.gangway.agent.config.SmsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads text messages from the inbox directory of gammu-smsd's files backend ({@code man 7 gammu-smsd-files}).
 *
 * <h2>Format</h2> gammu-smsd writes each received message part to a file
 * {@code IN<YYYYMMDD>_<HHMMSS>_<serial>_<sender>_<part>.txt} in its {@code inboxpath}. The content is the text: with
 * {@code InboxFormat = unicode} (gammu's default) UTF-16 behind a byte order mark ({@code FE FF}: big-endian, which is
 * what gammu writes; {@code FF FE} is read as little-endian), with {@code InboxFormat = standard} the system's
 * character set, read here as UTF-8. {@code detail} (SMS backup files) and 8-bit messages ({@code .bin}) are not
 * read. Each part of a long message is a message of its own here; the texts Gangway sends fit into one SMS.
 *
 * <h2>Hostile input</h2> Anyone who knows the number can put a message here, so nothing in it is trusted (the
 * readers authenticate the text). Files larger than {@value #MAX_BYTES} bytes, texts that are not valid UTF-16 or
 * UTF-8 and messages from senders not in {@code allowed-senders} (when that list is set) are removed with one log
 * line each. Names not in the format above, symbolic links and anything but regular files are left alone with one
 * log line per name (names starting with a dot are skipped silently: writers use them for files still being
 * written). At most {@value #MAX_PER_POLL} messages are taken per poll. The text is never logged: an activation key
 * travels in it.
 *
 * <h2>Removal</h2> Every file read (taken or refused) is deleted, so the directory does not fill up and a message is
 * handled once; one that cannot be deleted is remembered (in memory) and not returned again.
 *
 * <h2>Threading</h2> {@link #poll()} is synchronized; {@link #start} polls on a daemon thread of its own and calls
 * the consumer on it.
 */
public final class SmsInbox {

    private static final Logger log = LoggerFactory.getLogger(SmsInbox.class);
    /** The largest file read: an SMS text is at most a few hundred bytes, even as UTF-16. */
    public static final int MAX_BYTES = 4096;
    static final int MAX_PER_POLL = 100;
    private static final int MAX_REMEMBERED = 10_000;
    private static final Pattern NAME = Pattern.compile(
            "IN([0-9]{8})_([0-9]{6})_([0-9]{2,3})_([^/\\\\]{0,40})_([0-9]{2,3})\\.txt");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMddHHmmss")
            .withResolverStyle(ResolverStyle.STRICT);

    private final Path inbox;
    private final Set<String> allowedSenders;
    private final ZoneId zone;
    /** Names already logged as not ours, so each is logged once. */
    private final Set<String> skipped = new HashSet<>();
    /** Files handled but not deletable: never returned again. */
    private final Set<String> undeletable = new HashSet<>();
    private String lastProblem;

    public SmsInbox(SmsConfig config) {
        this(config, ZoneId.systemDefault());
    }

    SmsInbox(SmsConfig config, ZoneId zone) {
        Objects.requireNonNull(config, "config");
        this.inbox = config.inbox();
        Set<String> senders = new HashSet<>();
        config.allowedSenders().forEach(s -> senders.add(normalizeNumber(s)));
        this.allowedSenders = Collections.unmodifiableSet(senders);
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** The inbox directory read. */
    public Path directory() {
        return inbox;
    }

    /**
     * Takes the new messages, in file-name order (the order gammu received them in), and removes their files. A
     * missing or unreadable inbox gives no messages (and one log line until it is readable again).
     */
    public synchronized List<SmsMessage> poll() {
        List<String> names = list();
        List<SmsMessage> messages = new ArrayList<>();
        for (String name : names) {
            if (messages.size() >= MAX_PER_POLL) {
                break;
            }
            take(name).ifPresent(messages::add);
        }
        return messages;
    }

    private List<String> list() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(inbox)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && !undeletable.contains(name)) {
                    names.add(name);
                }
                if (names.size() > MAX_REMEMBERED) {
                    break; // hostile: a directory with a million files; the rest comes in later polls
                }
            }
            if (lastProblem != null) {
                log.info("SMS inbox {} readable again", inbox);
                lastProblem = null;
            }
        } catch (IOException e) {
            String problem = e instanceof NoSuchFileException
                    ? "does not exist; create it or fix sms.inbox (gammu-smsd's inboxpath)"
                    : "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                            + "); check that the agent's user may read and write it";
            if (!problem.equals(lastProblem)) {
                lastProblem = problem;
                log.warn("SMS inbox {} {}", inbox, problem);
            }
            return List.of();
        }
        Collections.sort(names);
        return names;
    }

    private Optional<SmsMessage> take(String name) {
        Matcher m = NAME.matcher(name);
        Instant receivedAt = m.matches() ? stamp(m.group(1) + m.group(2)) : null;
        String sender = m.matches() ? m.group(4) : null;
        if (receivedAt == null || hasControl(sender)) {
            skipOnce(name, "its name is not IN<YYYYMMDD>_<HHMMSS>_<NN>_<sender>_<NN>.txt (gammu-smsd's files backend)");
            return Optional.empty();
        }
        Path file = inbox.resolve(name);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            skipOnce(name, "it is not a regular file");
            return Optional.empty();
        }
        byte[] bytes;
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS); InputStream in = Channels.newInputStream(channel)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // taken by someone else meanwhile
        } catch (IOException e) {
            skipOnce(name, "it cannot be read (" + e.getMessage() + ")");
            return Optional.empty();
        }
        String refusal = null;
        String text = null;
        if (bytes.length > MAX_BYTES) {
            refusal = "it is larger than " + MAX_BYTES + " bytes, too large for a text message";
        } else {
            try {
                text = decode(bytes);
            } catch (CharacterCodingException e) {
                refusal = "its text is neither UTF-16 with a byte order mark nor UTF-8 (set InboxFormat = unicode"
                        + " in gammu-smsd's configuration)";
            }
        }
        if (refusal == null && !allowedSenders.isEmpty() && !allowedSenders.contains(normalizeNumber(sender))) {
            refusal = "the sender " + sender + " is not in sms.allowed-senders";
        }
        remove(file, name);
        if (refusal != null) {
            log.warn("SMS {} removed unread: {}", name, refusal);
            return Optional.empty();
        }
        log.info("SMS from {} taken from the inbox ({})", sender, name);
        return Optional.of(new SmsMessage(sender, receivedAt, text, name));
    }

    private void remove(Path file, String name) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            if (undeletable.size() < MAX_REMEMBERED) {
                undeletable.add(name);
            }
            log.warn("cannot remove SMS file {} ({}); it will not be read again until the agent restarts; let the "
                    + "agent's user write to {}", file, e.getMessage(), inbox);
        }
    }

    private void skipOnce(String name, String why) {
        if (skipped.size() >= MAX_REMEMBERED) {
            skipped.clear();
        }
        if (skipped.add(name)) {
            log.info("SMS inbox {}: ignoring '{}': {}", inbox, printable(name), why);
        }
    }

    private Instant stamp(String digits) {
        try {
            return LocalDateTime.parse(digits, STAMP).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Decodes an inbox file: UTF-16 behind a byte order mark, UTF-8 (with or without its mark) otherwise. */
    static String decode(byte[] bytes) throws CharacterCodingException {
        Charset charset = StandardCharsets.UTF_8;
        int skip = 0;
        if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
            charset = StandardCharsets.UTF_16BE;
            skip = 2;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) {
            charset = StandardCharsets.UTF_16LE;
            skip = 2;
        } else if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB
                && (bytes[2] & 0xFF) == 0xBF) {
            skip = 3;
        }
        return charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip))
                .toString();
    }

    /** A number as compared with {@code allowed-senders}: without spaces, {@code 00} written as {@code +}. */
    public static String normalizeNumber(String number) {
        String n = number.replace(" ", "");
        return n.startsWith("00") ? "+" + n.substring(2) : n;
    }

    private static boolean hasControl(String s) {
        return s == null || s.codePoints().anyMatch(cp -> Character.isISOControl(cp)
                || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069));
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().limit(80).forEach(cp -> out.appendCodePoint(
                Character.isISOControl(cp) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)
                        ? '?' : cp));
        return s.codePointCount(0, s.length()) > 80 ? out + "…" : out.toString();
    }

    /**
     * Polls the inbox of {@code config} now and then every {@code every}, giving each message to {@code consumer} (on
     * the poller's daemon thread; an exception from it is logged, the poller goes on). Close the returned poller to
     * stop.
     */
    public static Poller start(SmsConfig config, Duration every, Consumer<SmsMessage> consumer) {
        return new SmsInbox(config).startPolling(every, consumer);
    }

    /** Like {@link #start(SmsConfig, Duration, Consumer)} on this inbox. */
    public Poller startPolling(Duration every, Consumer<SmsMessage> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("the SMS poll interval must be positive, not " + every);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gangway-sms-inbox");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                for (SmsMessage message : poll()) {
                    try {
                        consumer.accept(message);
                    } catch (RuntimeException e) {
                        log.warn("handling SMS {} from {} failed", message.fileName(), message.sender(), e);
                    }
                }
            } catch (RuntimeException e) {
                log.warn("SMS inbox poll failed", e);
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        return new Poller(timer);
    }

    /** A running poller; {@link #close()} stops it (waiting for a consumer call in progress, up to 5 s). */
    public static final class Poller implements AutoCloseable {
        private final ScheduledExecutorService timer;

        private Poller(ScheduledExecutorService timer) {
            this.timer = timer;
        }

        @Override
        public void close() {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
