package dev.gangway.agent.alarms;

import dev.gangway.tunnel.Alarm;
import dev.gangway.tunnel.AlarmSource;
import dev.gangway.tunnel.TunnelProtocol;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The agent's alarm queue on disk, drained by the relay's alarm polls ({@link AlarmSource}).
 *
 * <h2>On disk</h2> One file per alarm, {@code <sequence, 20 digits>.json}, written whole or not at all: to a temporary
 * file, synced, renamed into place, and the directory synced, before {@link #add} returns (so an alarm acknowledged to
 * its sender survives a power cut). The file {@code sequence} holds the highest sequence ever used once the files no
 * longer show it (it is written before alarms are deleted), so sequences keep rising across restarts. Opening the
 * queue reads every file back in sequence order; a file that cannot be read is renamed {@code *.bad}, logged, and
 * skipped; leftover temporary files are deleted.
 *
 * <h2>Caps</h2> At most {@code maxAlarms} alarms and {@code maxBytes} of files: beyond that the oldest are deleted
 * (undelivered) and a warning names how many and which sequences.
 *
 * <h2>Polls</h2> {@link #poll} deletes what the relay acknowledged and completes with up to
 * {@value TunnelProtocol#MAX_ALARMS_PER_ANSWER} later alarms as soon as there are some. Its disk work runs on the
 * queue's own thread, never on the tunnel's event loop.
 *
 * <h2>Threading</h2> Thread-safe: {@link #add} may be called from any thread (it blocks for the disk), state is
 * guarded by the queue's monitor. {@link #close} completes waiting polls with nothing and stops the queue's thread.
 */
public final class AlarmQueue implements AlarmSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlarmQueue.class);
    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.json");
    private static final String SEQUENCE_FILE = "sequence";
    /** Larger files are not alarms this queue wrote. */
    private static final long MAX_FILE_BYTES = 256 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;
    private final int maxAlarms;
    private final long maxBytes;
    private final Clock clock;
    private final ExecutorService io;
    /** Queued alarms: sequence to file size. */
    private final NavigableMap<Long, Long> files = new TreeMap<>();
    /** Polls waiting for an alarm; concurrent, so a poll given up on the tunnel's event loop never waits for the disk. */
    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private long bytes;
    private long lastSequence;
    /** The highest sequence the {@code sequence} file holds. */
    private long savedSequence;
    private boolean closed;

    /** A poll; compared by identity (two polls may wait with the same acknowledgement). */
    private static final class Waiter {
        private final long ack;
        private final CompletableFuture<List<Alarm>> future;

        Waiter(long ack, CompletableFuture<List<Alarm>> future) {
            this.ack = ack;
            this.future = future;
        }

        long ack() {
            return ack;
        }

        CompletableFuture<List<Alarm>> future() {
            return future;
        }
    }

    private AlarmQueue(Path dir, int maxAlarms, long maxBytes, Clock clock) {
        this.dir = dir;
        this.maxAlarms = maxAlarms;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gangway-alarm-queue");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens (creating it, mode 0700, if needed) the queue in {@code dir} and reads back what it holds.
     *
     * @throws IOException when the directory cannot be created, read or written; the message says which and why
     */
    public static AlarmQueue open(Path dir, int maxAlarms, long maxBytes, Clock clock) throws IOException {
        if (maxAlarms < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("the queue needs room for at least one alarm");
        }
        AlarmQueue queue = new AlarmQueue(dir, maxAlarms, maxBytes, clock);
        try {
            queue.load();
        } catch (IOException | RuntimeException e) {
            queue.io.shutdownNow();
            throw e;
        }
        return queue;
    }

    private void load() throws IOException {
        createDirectory();
        Path probe = dir.resolve(".write-test-" + UUID.randomUUID());
        try {
            Files.write(probe, new byte[0]);
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new IOException("the agent may not write in " + dir + "; make it writable by the agent's user", e);
        }
        long onDisk = readSequenceFile();
        savedSequence = onDisk;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                var match = NAME.matcher(name);
                if (name.startsWith(".") && name.endsWith(".tmp")) {
                    Files.deleteIfExists(entry); // a write cut short by a crash: never acknowledged to its sender
                } else if (match.matches()) {
                    loadOne(entry, Long.parseLong(match.group(1)));
                }
            }
        }
        lastSequence = Math.max(savedSequence, files.isEmpty() ? 0 : files.lastKey());
        if (savedSequence > onDisk) {
            // a file moved aside held the highest sequence: keep it used
            write(dir.resolve(SEQUENCE_FILE), Long.toString(savedSequence).getBytes(StandardCharsets.US_ASCII));
        }
        if (!files.isEmpty()) {
            log.info("alarm queue {}: {} alarm(s) waiting from an earlier run, sequence {} to {}", dir, files.size(),
                    files.firstKey(), files.lastKey());
        }
    }

    private void createDirectory() throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            if (dir.getParent() != null) {
                Files.createDirectories(dir.getParent());
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw new IOException(dir + " exists and is not a directory", e);
            }
        } catch (AccessDeniedException e) {
            throw new IOException("the agent may not create " + dir + "; create it (writable by the agent's user)", e);
        }
    }

    private void loadOne(Path file, long sequence) throws IOException {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
            }
            Alarm alarm = decode(Files.readAllBytes(file));
            if (alarm.sequence() != sequence) {
                throw new IOException("it holds sequence " + alarm.sequence());
            }
            files.put(sequence, size);
            bytes += size;
        } catch (IOException | RuntimeException e) {
            Path bad = file.resolveSibling(file.getFileName() + ".bad");
            log.warn("alarm queue: cannot read {} ({}); moved aside as {}", file, e.getMessage(), bad.getFileName());
            Files.move(file, bad, StandardCopyOption.REPLACE_EXISTING);
            savedSequence = Math.max(savedSequence, sequence);
        }
    }

    private long readSequenceFile() throws IOException {
        Path file = dir.resolve(SEQUENCE_FILE);
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return text.matches("\\d{1,18}") ? Long.parseLong(text) : 0;
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /**
     * Takes an alarm in: cleans and cuts its texts to the alarm's limits, gives it an id, the next sequence and the
     * current time, and writes it to disk before returning it. Drops the oldest alarms if the queue is over its caps.
     *
     * @throws IOException when the alarm could not be written (disk full, directory gone): it is not queued
     */
    public Alarm add(String source, String from, String subject, String text) throws IOException {
        List<Waiter> ready;
        Alarm alarm;
        synchronized (this) {
            if (closed) {
                throw new IOException("the alarm queue is closed");
            }
            alarm = new Alarm(UUID.randomUUID().toString(), lastSequence + 1, clock.instant(), source,
                    AlarmText.from(from), AlarmText.subject(subject), AlarmText.text(text));
            byte[] encoded = encode(alarm);
            write(fileOf(alarm.sequence()), encoded);
            lastSequence = alarm.sequence();
            files.put(alarm.sequence(), (long) encoded.length);
            bytes += encoded.length;
            dropOverCaps();
            ready = List.copyOf(waiters);
            waiters.clear();
        }
        log.info("alarm {} queued (sequence {}, {} from {}): {}", alarm.id(), alarm.sequence(), source,
                alarm.from().isEmpty() ? "unknown" : alarm.from(), alarm.subject());
        for (Waiter waiter : ready) {
            io.execute(() -> answer(waiter));
        }
        return alarm;
    }

    private void dropOverCaps() {
        long first = 0;
        long last = 0;
        int dropped = 0;
        while (files.size() > 1 && (files.size() > maxAlarms || bytes > maxBytes)) {
            Map.Entry<Long, Long> oldest = files.firstEntry();
            if (dropped == 0) {
                first = oldest.getKey();
            }
            last = oldest.getKey();
            dropped++;
            delete(oldest.getKey());
        }
        if (dropped > 0) {
            syncDirectory();
            log.warn("alarm queue full (at most {} alarms or {} bytes): dropped {}, never delivered", maxAlarms,
                    maxBytes, dropped == 1 ? "the oldest alarm, sequence " + first
                            : "the " + dropped + " oldest alarms, sequence " + first + " to " + last);
        }
    }

    @Override
    public CompletableFuture<List<Alarm>> poll(long ack, Duration wait) {
        CompletableFuture<List<Alarm>> result = new CompletableFuture<>();
        Waiter waiter = new Waiter(ack, result);
        result.whenComplete((alarms, error) -> waiters.remove(waiter));
        io.execute(() -> {
            synchronized (this) {
                acknowledge(ack);
            }
            answer(waiter);
        });
        return result;
    }

    /** Completes the waiter with what is due for it, or parks it until {@link #add}. Runs on the queue's thread. */
    private void answer(Waiter waiter) {
        List<Alarm> due;
        synchronized (this) {
            if (waiter.future().isDone()) {
                return;
            }
            if (closed) {
                due = List.of();
            } else {
                due = due(waiter.ack());
                if (due.isEmpty()) {
                    waiters.add(waiter);
                    if (waiter.future().isDone()) {
                        waiters.remove(waiter); // given up meanwhile
                    }
                    return;
                }
            }
        }
        waiter.future().complete(due);
    }

    /** Deletes every alarm up to {@code ack}: the access server has stored them. */
    private void acknowledge(long ack) {
        NavigableMap<Long, Long> done = files.headMap(ack, true);
        if (done.isEmpty() || closed) {
            return;
        }
        long highest = done.lastKey();
        if (highest > savedSequence) {
            try {
                write(dir.resolve(SEQUENCE_FILE), Long.toString(highest).getBytes(StandardCharsets.US_ASCII));
                savedSequence = highest;
            } catch (IOException e) {
                // Not deleting keeps the sequences rising; the alarms go again and the access server drops the copies.
                log.warn("alarm queue: cannot save the sequence in {} ({}); keeping the delivered alarms for now", dir,
                        e.getMessage());
                return;
            }
        }
        int count = done.size();
        for (Long sequence : List.copyOf(done.keySet())) {
            delete(sequence);
        }
        syncDirectory();
        log.debug("alarm queue: {} delivered alarm(s) deleted, up to sequence {}", count, highest);
    }

    private List<Alarm> due(long ack) {
        List<Alarm> due = new ArrayList<>();
        for (Long sequence : files.tailMap(ack, false).keySet()) {
            if (due.size() == TunnelProtocol.MAX_ALARMS_PER_ANSWER) {
                break;
            }
            try {
                due.add(decode(Files.readAllBytes(fileOf(sequence))));
            } catch (IOException | RuntimeException e) {
                log.warn("alarm queue: cannot read the alarm with sequence {} ({}); it is skipped", sequence,
                        e.getMessage());
            }
        }
        return due;
    }

    private void delete(long sequence) {
        Long size = files.remove(sequence);
        if (size != null) {
            bytes -= size;
        }
        try {
            Files.deleteIfExists(fileOf(sequence));
        } catch (IOException e) {
            log.warn("alarm queue: cannot delete {} ({})", fileOf(sequence), e.getMessage());
        }
    }

    /** The alarms waiting, oldest first (reads them from disk). */
    public synchronized List<Alarm> queued() {
        List<Alarm> all = new ArrayList<>();
        for (Long sequence : files.keySet()) {
            try {
                all.add(decode(Files.readAllBytes(fileOf(sequence))));
            } catch (IOException | RuntimeException e) {
                log.warn("alarm queue: cannot read the alarm with sequence {} ({})", sequence, e.getMessage());
            }
        }
        return all;
    }

    public synchronized int size() {
        return files.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        List<Waiter> parked;
        synchronized (this) {
            closed = true;
            parked = List.copyOf(waiters);
            waiters.clear();
        }
        parked.forEach(w -> w.future().complete(List.of()));
        io.shutdown();
    }

    // ---- files ----

    private Path fileOf(long sequence) {
        return dir.resolve(String.format("%020d.json", sequence));
    }

    /** Writes {@code data} to {@code target} whole or not at all, and syncs file and directory. */
    private void write(Path target, byte[] data) throws IOException {
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory();
    }

    private void syncDirectory() {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            log.debug("alarm queue: cannot sync the directory {}: {}", dir, e.getMessage());
        }
    }

    static byte[] encode(Alarm alarm) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", alarm.id());
        node.put("sequence", alarm.sequence());
        node.put("raisedAt", alarm.raisedAt().toString());
        node.put("source", alarm.source());
        node.put("from", alarm.from());
        node.put("subject", alarm.subject());
        node.put("text", alarm.text());
        return JSON.writeValueAsBytes(node);
    }

    static Alarm decode(byte[] data) throws IOException {
        try {
            JsonNode node = JSON.readTree(data);
            return new Alarm(node.get("id").stringValue(), node.get("sequence").longValue(),
                    Instant.parse(node.get("raisedAt").stringValue()), node.get("source").stringValue(),
                    node.get("from").stringValue(), node.get("subject").stringValue(), node.get("text").stringValue());
        } catch (JacksonException | NullPointerException | IllegalArgumentException
                | java.time.format.DateTimeParseException e) {
            throw new IOException("not an alarm file: " + e.getClass().getSimpleName());
        }
    }
}
