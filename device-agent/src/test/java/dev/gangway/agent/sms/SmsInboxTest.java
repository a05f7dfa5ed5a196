package dev.gangway.agent.sms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.agent.config.SmsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading gammu-smsd's files-backend inbox: names, encodings, order, removal, senders and hostile files. */
class SmsInboxTest {

    @TempDir
    Path inbox;

    @TempDir
    Path elsewhere;

    private SmsInbox inbox(String... allowed) {
        return new SmsInbox(new SmsConfig(inbox, List.of(allowed)), ZoneOffset.UTC);
    }

    /** What gammu-smsd writes with InboxFormat = unicode: FE FF, then the text in UTF-16 big-endian. */
    static byte[] gammuUnicode(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_16BE);
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) 0xFE;
        out[1] = (byte) 0xFF;
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    @Test
    void readsGammusUnicodeFilesAndRemovesThem() throws IOException {
        Files.write(inbox.resolve("IN20261126_071502_00_+41790000000_00.txt"), gammuUnicode("GANGWAY WAKE 1 x ä"));

        List<SmsMessage> messages = inbox().poll();

        assertThat(messages).containsExactly(new SmsMessage("+41790000000", Instant.parse("2026-11-26T07:15:02Z"),
                "GANGWAY WAKE 1 x ä", "IN20261126_071502_00_+41790000000_00.txt"));
        assertThat(inbox).isEmptyDirectory();
        assertThat(inbox().poll()).isEmpty();
    }

    @Test
    void readsUtf16LittleEndianWithItsMarkAndUtf8WithOrWithoutItsMark() throws IOException {
        byte[] le = "Grüße".getBytes(StandardCharsets.UTF_16LE);
        byte[] withMark = new byte[le.length + 2];
        withMark[0] = (byte) 0xFF;
        withMark[1] = (byte) 0xFE;
        System.arraycopy(le, 0, withMark, 2, le.length);
        Files.write(inbox.resolve("IN20261126_071502_00_+41790000000_00.txt"), withMark);
        Files.writeString(inbox.resolve("IN20261126_071503_00_+41790000000_00.txt"), "plain ü");
        Files.writeString(inbox.resolve("IN20261126_071504_00_+41790000000_00.txt"), "\uFEFFmarked");

        assertThat(inbox().poll()).extracting(SmsMessage::text).containsExactly("Grüße", "plain ü", "marked");
    }

    @Test
    void givesMessagesInFileNameOrder() throws IOException {
        Files.writeString(inbox.resolve("IN20261126_071502_01_+41790000000_00.txt"), "third");
        Files.writeString(inbox.resolve("IN20261125_235959_00_+41790000001_00.txt"), "first");
        Files.writeString(inbox.resolve("IN20261126_071502_00_+41790000000_00.txt"), "second");

        assertThat(inbox().poll()).extracting(SmsMessage::text).containsExactly("first", "second", "third");
    }

    @Test
    void takesOnlyAllowedSendersAndRemovesTheOthersUnread() throws IOException {
        Files.writeString(inbox.resolve("IN20261126_071502_00_+41790000000_00.txt"), "ok");
        Files.writeString(inbox.resolve("IN20261126_071503_00_0041790000000_00.txt"), "ok too, written with 00");
        Files.writeString(inbox.resolve("IN20261126_071504_00_+41799999999_00.txt"), "stranger");
        Files.writeString(inbox.resolve("IN20261126_071505_00_Vodafone_00.txt"), "advert");

        List<SmsMessage> messages = inbox("+41790000000").poll();

        assertThat(messages).extracting(SmsMessage::text).containsExactly("ok", "ok too, written with 00");
        assertThat(inbox).isEmptyDirectory();
    }

    @Test
    void leavesFilesThatAreNotItsAlone() throws IOException {
        Files.writeString(inbox.resolve("OUTC20261126_071502_00_+41790000000_sms0.txt"), "outbox");
        Files.writeString(inbox.resolve("IN20261126_071502_00_+41790000000_00.bin"), "8-bit");
        Files.writeString(inbox.resolve("IN20261399_071502_00_+41790000000_00.txt"), "no such month");
        Files.writeString(inbox.resolve("IN20261126_071502_00_+4179\u0007_00.txt"), "control character");
        Files.writeString(inbox.resolve(".IN20261126_071502_00_+41790000000_00.txt.tmp"), "being written");
        Files.createDirectory(inbox.resolve("IN20261126_071502_00_dir_00.txt"));
        Files.createSymbolicLink(inbox.resolve("IN20261126_071502_01_+41790000000_00.txt"),
                Files.writeString(elsewhere.resolve("secret"), "not for you"));

        assertThat(inbox().poll()).isEmpty();
        assertThat(inbox().poll()).isEmpty();
        try (var files = Files.list(inbox)) {
            assertThat(files).hasSize(7);
        }
    }

    @Test
    void removesOversizedAndUndecodableFilesUnread() throws IOException {
        Files.write(inbox.resolve("IN20261126_071502_00_+41790000000_00.txt"), new byte[SmsInbox.MAX_BYTES + 1]);
        Files.write(inbox.resolve("IN20261126_071503_00_+41790000000_00.txt"), new byte[] {(byte) 0xC3, 0x28});
        Files.write(inbox.resolve("IN20261126_071504_00_+41790000000_00.txt"), new byte[] {(byte) 0xFE, (byte) 0xFF,
            0x00});
        Files.write(inbox.resolve("IN20261126_071505_00_+41790000000_00.txt"), "x".repeat(SmsInbox.MAX_BYTES)
                .getBytes(StandardCharsets.UTF_8));

        List<SmsMessage> messages = inbox().poll();

        assertThat(messages).extracting(SmsMessage::fileName)
                .containsExactly("IN20261126_071505_00_+41790000000_00.txt");
        assertThat(inbox).isEmptyDirectory();
    }

    @Test
    void aMissingInboxGivesNoMessagesUntilItExists() throws IOException {
        Path missing = inbox.resolve("later");
        SmsInbox later = new SmsInbox(new SmsConfig(missing, List.of()), ZoneOffset.UTC);
        assertThat(later.poll()).isEmpty();

        Files.createDirectory(missing);
        Files.writeString(missing.resolve("IN20261126_071502_00_+41790000000_00.txt"), "hello");
        assertThat(later.poll()).extracting(SmsMessage::text).containsExactly("hello");
    }

    @Test
    void takesAtMostAHundredPerPollAndTheRestNextTime() throws IOException {
        for (int i = 0; i < SmsInbox.MAX_PER_POLL + 5; i++) {
            Files.writeString(inbox.resolve(String.format("IN20261126_0715%02d_%02d_+41790000000_00.txt", i / 60,
                    i % 60)), "m" + i);
        }
        SmsInbox reader = inbox();
        assertThat(reader.poll()).hasSize(SmsInbox.MAX_PER_POLL);
        assertThat(reader.poll()).hasSize(5);
    }

    @Test
    void thePollerHandsEachMessageToTheConsumerOnce() throws Exception {
        LinkedBlockingQueue<SmsMessage> received = new LinkedBlockingQueue<>();
        try (SmsInbox.Poller poller = SmsInbox.start(new SmsConfig(inbox, List.of()), Duration.ofMillis(50),
                m -> {
                    received.add(m);
                    throw new IllegalStateException("a failing consumer does not stop the poller");
                })) {
            Files.writeString(inbox.resolve("IN20261126_071502_00_+41790000000_00.txt"), "one");
            assertThat(received.poll(10, TimeUnit.SECONDS)).extracting(SmsMessage::text).isEqualTo("one");
            Files.writeString(inbox.resolve("IN20261126_071503_00_+41790000000_00.txt"), "two");
            assertThat(received.poll(10, TimeUnit.SECONDS)).extracting(SmsMessage::text).isEqualTo("two");
        }
        assertThat(received).isEmpty();
    }
}
