package dev.gangway.agent.alarms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.tunnel.Alarm;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SMTP listener with real SMTP clients (Jakarta Mail, and raw SMTP over a socket for what no client sends). */
class SmtpIntakeTest {

    @TempDir
    Path dir;

    private AlarmQueue queue;
    private SmtpIntake smtp;

    @BeforeEach
    void setUp() throws IOException {
        queue = AlarmQueue.open(dir.resolve("alarms"), 1000, 50L << 20, Clock.systemUTC());
        smtp = SmtpIntake.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), queue);
    }

    @AfterEach
    void tearDown() {
        smtp.close();
        queue.close();
    }

    private Session session() {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", String.valueOf(smtp.address().getPort()));
        p.setProperty("mail.smtp.connectiontimeout", "10000");
        p.setProperty("mail.smtp.timeout", "10000");
        return Session.getInstance(p);
    }

    @Test
    void aMailFromAnyoneToAnyoneBecomesAnAlarm() throws Exception {
        sendWithJakartaMail();

        List<Alarm> queued = queue.queued();
        assertThat(queued).hasSize(1);
        Alarm alarm = queued.get(0);
        assertThat(alarm.source()).isEqualTo("smtp");
        assertThat(alarm.from()).isEqualTo("hmi-7@plant.example");
        assertThat(alarm.subject()).isEqualTo("Kessel überhitzt 🔥");
        assertThat(alarm.text()).isEqualTo("Temperatur 101 °C\nStufe 2");
    }

    private void sendWithJakartaMail() throws Exception {
        MimeMessage mail = new MimeMessage(session());
        mail.setFrom(new InternetAddress("hmi-7@plant.example"));
        mail.setRecipients(Message.RecipientType.TO, "whoever@anywhere.example, second@else.example");
        mail.setSubject("Kessel überhitzt 🔥", "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Temperatur 101 °C\nStufe 2", "UTF-8");
        MimeBodyPart screenshot = new MimeBodyPart();
        screenshot.setContent(new byte[4096], "image/png");
        mail.setContent(new MimeMultipart(text, screenshot));
        Transport.send(mail);
    }

    @Test
    void hostileDialoguesGetAnswersAndTheListenerKeepsWorking() throws Exception {
        try (Smtp s = new Smtp()) {
            s.expect("220");
            s.send("EHLO " + "x".repeat(100_000)); // far over any line limit: refused or dropped, nothing else
            s.expectRefusedOrClosed();
        }
        try (Smtp s = new Smtp()) {
            s.expect("220");
            s.send("EHLO x");
            s.expectLast("250");
            s.send("XYZZY with words");
            s.expect("5");
            s.send("DATA");
            s.expect("5"); // no sender yet
            s.send("RCPT TO:<a@b>");
            s.expect("5");
            s.send("QUIT");
            s.expect("221");
        }
        try (Smtp s = new Smtp()) {
            s.expect("220");
            s.send("\u0000\u00ff\u0001 binary garbage");
            s.expectRefusedOrClosed();
        }
        try (Smtp s = new Smtp()) {
            s.expect("220");
            s.send("HELO x");
            s.expect("250");
            s.send("MAIL FROM:<>");
            s.expect("250");
            s.send("RCPT TO:<a@b>");
            s.expect("250");
            s.send("DATA");
            s.expect("354");
            s.raw(("Subject: binary\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] junk = new byte[20_000];
            new Random(3).nextBytes(junk);
            for (int i = 0; i < junk.length; i++) {
                if (junk[i] == '\n' || junk[i] == '\r' || junk[i] == '.') {
                    junk[i] = 'x';
                }
            }
            s.raw(junk);
            s.send("");
            s.send(".");
            s.expect("250");
        }
        try (Smtp s = new Smtp()) { // CHUNKING (RFC 3030): streamed through the same limits
            s.expect("220");
            s.send("EHLO x");
            s.expectLast("250");
            s.send("MAIL FROM:<chunks@x>");
            s.expect("250");
            s.send("RCPT TO:<a@b>");
            s.expect("250");
            byte[] body = "Subject: chunked\r\n\r\nin one BDAT\r\n".getBytes(StandardCharsets.US_ASCII);
            s.send("BDAT " + body.length + " LAST");
            s.raw(body);
            s.expect("250");
        }
        assertThat(queue.queued()).extracting(Alarm::subject).containsExactly("binary", "chunked");
        assertThat(queue.queued().get(0).from()).as("no envelope sender: the client's address")
                .isEqualTo("127.0.0.1");
        sendWithJakartaMail();
        assertThat(queue.queued()).extracting(Alarm::subject).containsExactly("binary", "chunked", "Kessel überhitzt 🔥");
    }

    @Test
    void aMailOverTheSizeLimitIsRefusedWhole() throws Exception {
        try (Smtp s = new Smtp()) {
            s.expect("220");
            s.send("HELO x");
            s.expect("250");
            s.send("MAIL FROM:<big@x>");
            s.expect("250");
            s.send("RCPT TO:<a@b>");
            s.expect("250");
            s.send("DATA");
            s.expect("354");
            s.raw("Subject: too big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] line = ("x".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int written = 0; written <= SmtpIntake.MAX_MESSAGE_BYTES; written += line.length) {
                s.raw(line);
            }
            s.send(".");
            s.expect("552");
        }
        assertThat(queue.queued()).isEmpty();
    }

    @Test
    void aQueueThatCannotSaveAsksTheSenderToTryAgainLater() throws Exception {
        queue.close();
        try (Smtp s = new Smtp()) {
            s.expect("220");
            s.send("HELO x");
            s.expect("250");
            s.send("MAIL FROM:<a@b>");
            s.expect("250");
            s.send("RCPT TO:<c@d>");
            s.expect("250");
            s.send("DATA");
            s.expect("354");
            s.send("Subject: lost?");
            s.send("");
            s.send("body");
            s.send(".");
            s.expect("451");
        }
    }

    /** SMTP over a plain socket, line by line. */
    private final class Smtp implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Smtp() throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), smtp.address().getPort());
            socket.setSoTimeout(20_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        void send(String line) throws IOException {
            raw((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }

        void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** The next reply line starts with {@code code}. */
        String expect(String code) throws IOException {
            String line = in.readLine();
            assertThat(line).as("reply").isNotNull().startsWith(code);
            return line;
        }

        /** A 5xx reply, or the connection closed. */
        void expectRefusedOrClosed() throws IOException {
            try {
                String line = in.readLine();
                if (line != null) {
                    assertThat(line).startsWith("5");
                }
            } catch (java.net.SocketException e) {
                // reset by the server: closed
            }
        }

        /** Reads a multi-line reply to its last line, which starts with {@code code}. */
        void expectLast(String code) throws IOException {
            String line;
            do {
                line = in.readLine();
                assertThat(line).isNotNull().startsWith(code);
            } while (line.length() > 3 && line.charAt(3) == '-');
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
