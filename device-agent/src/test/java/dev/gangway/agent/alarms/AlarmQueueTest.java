package dev.gangway.agent.alarms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.tunnel.Alarm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alarm queue on disk: order, restarts, acknowledgements, caps, damaged files and the polls the tunnel makes. */
class AlarmQueueTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private AlarmQueue open() throws IOException {
        return AlarmQueue.open(dir.resolve("alarms"), 10_000, 50L << 20, CLOCK);
    }

    private static List<Alarm> poll(AlarmQueue queue, long ack) throws Exception {
        return queue.poll(ack, WAIT).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aNewQueueOnTheSameDirectoryHasTheAlarmsInOrderAndSequencesGoOnRising() throws Exception {
        List<Alarm> added;
        try (AlarmQueue queue = open()) {
            added = List.of(queue.add("smtp", "plc@lan", "one", "first"), queue.add("http", "198.19.0.5", "two", ""),
                    queue.add("smtp", "", "three", "third\nline"));
        }
        assertThat(added).extracting(Alarm::sequence).containsExactly(1L, 2L, 3L);

        try (AlarmQueue reopened = open()) {
            assertThat(reopened.queued()).isEqualTo(added);
            assertThat(poll(reopened, 0)).isEqualTo(added);
            assertThat(reopened.add("http", "", "four", "").sequence()).isEqualTo(4);
        }
    }

    @Test
    void acknowledgedAlarmsAreDeletedAndTheSequenceSurvivesAnEmptyQueue() throws Exception {
        try (AlarmQueue queue = open()) {
            queue.add("http", "", "one", "");
            queue.add("http", "", "two", "");
            queue.add("http", "", "three", "");
            assertThat(poll(queue, 2)).extracting(Alarm::subject).containsExactly("three");
            assertThat(queue.size()).isEqualTo(1);
            CompletableFuture<List<Alarm>> waiting = queue.poll(3, WAIT);
            assertThat(waiting).isNotDone();
            waiting.cancel(false);
            awaitSize(queue, 0);
        }
        try (Stream<Path> files = Files.list(dir.resolve("alarms"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("sequence");
        }
        try (AlarmQueue reopened = open()) {
            assertThat(reopened.queued()).isEmpty();
            assertThat(reopened.add("http", "", "four", "").sequence()).isEqualTo(4);
        }
    }

    @Test
    void aWaitingPollIsAnsweredAsSoonAsAnAlarmComesIn() throws Exception {
        try (AlarmQueue queue = open()) {
            CompletableFuture<List<Alarm>> waiting = queue.poll(0, WAIT);
            Thread.sleep(50); // let the queue's thread park it
            assertThat(waiting).isNotDone();

            Alarm alarm = queue.add("smtp", "hmi@lan", "Pump 3", "too hot");

            assertThat(waiting.get(10, TimeUnit.SECONDS)).containsExactly(alarm);
        }
    }

    @Test
    void closingAnswersWaitingPollsWithNothing() throws Exception {
        AlarmQueue queue = open();
        CompletableFuture<List<Alarm>> waiting = queue.poll(0, WAIT);
        Thread.sleep(50);
        queue.close();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThatThrownBy(() -> queue.add("http", "", "late", "")).isInstanceOf(IOException.class);
    }

    @Test
    void aPollCarriesAtMostOneHundredAlarms() throws Exception {
        try (AlarmQueue queue = open()) {
            for (int i = 1; i <= 130; i++) {
                queue.add("http", "", "alarm " + i, "");
            }
            assertThat(poll(queue, 0)).hasSize(100).extracting(Alarm::sequence).startsWith(1L).endsWith(100L);
            assertThat(poll(queue, 100)).hasSize(30).extracting(Alarm::sequence).startsWith(101L).endsWith(130L);
        }
    }

    @Test
    void beyondItsCapsTheQueueDropsTheOldest() throws Exception {
        try (AlarmQueue queue = AlarmQueue.open(dir.resolve("few"), 3, 50L << 20, CLOCK)) {
            for (int i = 1; i <= 5; i++) {
                queue.add("http", "", "alarm " + i, "");
            }
            assertThat(queue.queued()).extracting(Alarm::subject).containsExactly("alarm 3", "alarm 4", "alarm 5");
        }
        String text = "x".repeat(Alarm.MAX_TEXT);
        try (AlarmQueue queue = AlarmQueue.open(dir.resolve("small"), 10_000, 20_000, CLOCK)) {
            for (int i = 1; i <= 5; i++) {
                queue.add("http", "", "big " + i, text);
            }
            assertThat(queue.bytes()).isLessThanOrEqualTo(20_000);
            assertThat(queue.queued()).extracting(Alarm::subject).containsExactly("big 4", "big 5");
        }
        try (AlarmQueue reopened = AlarmQueue.open(dir.resolve("few"), 3, 50L << 20, CLOCK)) {
            assertThat(reopened.queued()).extracting(Alarm::sequence).containsExactly(3L, 4L, 5L);
        }
    }

    @Test
    void textsAreCleanedAndCutToTheAlarmsLimits() throws Exception {
        try (AlarmQueue queue = open()) {
            Alarm alarm = queue.add("smtp", "evil\r\nBcc: x@y", "s".repeat(199) + "🔥🔥 and more\u0000",
                    "line 1\r\nline 2\rline 3\u0007\u001b[31m red \uD800 " + "t".repeat(9000));

            assertThat(alarm.from()).isEqualTo("evil  Bcc: x@y");
            assertThat(alarm.subject()).hasSize(Alarm.MAX_SUBJECT).endsWith("s…").doesNotContain("\uD83D");
            assertThat(alarm.text()).startsWith("line 1\nline 2\nline 3  [31m red \uFFFD ttt")
                    .hasSize(Alarm.MAX_TEXT).endsWith("t…");
            assertThat(queue.queued()).containsExactly(alarm);
        }
    }

    @Test
    void damagedFilesAreMovedAsideAndLeftoverTemporaryFilesDeleted() throws Exception {
        try (AlarmQueue queue = open()) {
            queue.add("http", "", "one", "");
            queue.add("http", "", "two", "");
            queue.add("http", "", "three", "");
        }
        Path alarms = dir.resolve("alarms");
        Files.writeString(alarms.resolve("00000000000000000002.json"), "{\"id\":"); // torn by something else
        Files.writeString(alarms.resolve(".00000000000000000004.json.tmp"), "half");
        Files.writeString(alarms.resolve("00000000000000000003.json"),
                Files.readString(alarms.resolve("00000000000000000001.json"))); // holds another sequence

        try (AlarmQueue reopened = open()) {
            assertThat(reopened.queued()).extracting(Alarm::subject).containsExactly("one");
            assertThat(alarms.resolve("00000000000000000002.json.bad")).exists();
            assertThat(alarms.resolve("00000000000000000003.json.bad")).exists();
            assertThat(alarms.resolve(".00000000000000000004.json.tmp")).doesNotExist();
            assertThat(reopened.add("http", "", "four", "").sequence()).isEqualTo(4);
        }
    }

    @Test
    void theDirectoryAndFilesAreTheAgentsOnly() throws Exception {
        try (AlarmQueue queue = open()) {
            Alarm alarm = queue.add("http", "", "private", "");
            Path alarms = dir.resolve("alarms");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(alarms))).isEqualTo("rwx------");
            assertThat(Files.readString(alarms.resolve("00000000000000000001.json"))).contains(alarm.id());
        }
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("alarms"), "not a directory");
        assertThatThrownBy(() -> AlarmQueue.open(file, 10, 1000, CLOCK)).isInstanceOf(IOException.class);
    }

    private static void awaitSize(AlarmQueue queue, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queue.size() != size && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(queue.size()).isEqualTo(size);
    }
}
