package dev.gangway.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test SMS network writes what the portal's HTTP provider posts as gammu-smsd would. */
class SmsSpoolTest {

    @TempDir
    Path work;

    @Test
    void eachSmsBecomesAGammuInboxFileInBigEndianUtf16WithByteOrderMarkAsGammuWritesIt() throws Exception {
        Path inbox = work.resolve("inbox");
        try (SmsSpool spool = SmsSpool.start(inbox, "+491701234567")) {
            assertThat(post(spool, "+4930123", "GANGWAY KEY abc-DEF http://198.18.0.1:8080 äöü €")).isEqualTo(200);
            spool.sender("+4930999");
            assertThat(post(spool, "+4930123", "second")).isEqualTo(200);

            List<Path> files = files(inbox);
            assertThat(files).hasSize(2);
            assertThat(files.get(0).getFileName().toString())
                    .matches("IN\\d{8}_\\d{6}_\\d{2}_\\+491701234567_00\\.txt");
            assertThat(files.get(1).getFileName().toString()).contains("_+4930999_00.txt");
            byte[] content = Files.readAllBytes(files.get(0));
            assertThat(content[0]).isEqualTo((byte) 0xFE);
            assertThat(content[1]).isEqualTo((byte) 0xFF);
            assertThat(new String(content, 2, content.length - 2, StandardCharsets.UTF_16BE))
                    .isEqualTo("GANGWAY KEY abc-DEF http://198.18.0.1:8080 äöü €");
            assertThat(spool.received()).containsExactly(
                    new SmsSpool.Received("+4930123", "GANGWAY KEY abc-DEF http://198.18.0.1:8080 äöü €"),
                    new SmsSpool.Received("+4930123", "second"));
            assertThat(spool.springProperties()).containsEntry("gangway.sms.http.url", spool.url());
            try (Stream<Path> left = Files.list(work)) {
                assertThat(left).as("no temporary files left").containsExactly(inbox);
            }
        }
    }

    @Test
    void aRefusingProviderDeliversNothingButKeepsTheRequest() throws Exception {
        Path inbox = work.resolve("inbox");
        try (SmsSpool spool = SmsSpool.start(inbox)) {
            spool.refuseWith(503);
            assertThat(post(spool, "+4930123", "lost")).isEqualTo(503);
            assertThat(files(inbox)).isEmpty();
            assertThat(spool.textsTo("+4930123")).containsExactly("lost");
        }
    }

    @Test
    void otherEncodingsOnRequest() throws Exception {
        Path inbox = work.resolve("inbox");
        try (SmsSpool spool = SmsSpool.start(inbox)) {
            spool.encoding(SmsSpool.Encoding.UTF16LE_WITH_BOM);
            post(spool, "+4930123", "é");
            byte[] content = Files.readAllBytes(files(inbox).get(0));
            assertThat(content).containsExactly(0xFF, 0xFE, 0xE9, 0x00);
        }
        assertThat(SmsSpool.encode("é", SmsSpool.Encoding.UTF8)).containsExactly(0xC3, 0xA9);
    }

    private static int post(SmsSpool spool, String to, String text) throws Exception {
        String body = "to=" + URLEncoder.encode(to, StandardCharsets.UTF_8) + "&text="
                + URLEncoder.encode(text, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(spool.url()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<Path> files(Path inbox) throws Exception {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.sorted().toList();
        }
    }
}
