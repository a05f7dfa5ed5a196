package dev.gangway.agent.alarms;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Subject and text out of the mails HMIs and PLCs send, and out of whatever else arrives. */
class MailAlarmTest {

    private static MailAlarm.Content parse(String mail) {
        return MailAlarm.parse(mail.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aPlainMail() {
        MailAlarm.Content c = parse("""
                From: plc@site.example
                To: alarms@agent
                Subject: Pump 3 overheat

                Temperature 98 C
                since 08:14
                """);
        assertThat(c.subject()).isEqualTo("Pump 3 overheat");
        assertThat(c.text()).isEqualTo("Temperature 98 C\r\nsince 08:14\r\n");
    }

    @Test
    void encodedSubjectAndQuotedPrintableLatin1Text() {
        MailAlarm.Content c = parse("""
                Subject: =?UTF-8?B?R3LDvMOfZSB2b20gS2Vzc2VsIPCflKU=?= =?ISO-8859-1?Q?_=FCber_100?=
                MIME-Version: 1.0
                Content-Type: text/plain; charset=ISO-8859-1
                Content-Transfer-Encoding: quoted-printable

                Kessel =FCberhitzt: 101 =B0C, Stufe=3D2 und eine sehr lange Zeile die umbroch=
                en wurde
                """);
        assertThat(c.subject()).isEqualTo("Grüße vom Kessel 🔥 über 100");
        assertThat(c.text()).startsWith("Kessel überhitzt: 101 °C, Stufe=2 und eine sehr lange Zeile die umbrochen wurde");
    }

    @Test
    void theTextPartOfAMultipartMailWithHtmlAndAnAttachment() {
        MailAlarm.Content c = parse("""
                Subject: Line 2 stopped
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="outer"

                --outer
                Content-Type: multipart/alternative; boundary=inner

                --inner
                Content-Type: text/html; charset=utf-8

                <p>HTML <b>version</b></p>
                --inner
                Content-Type: text/plain; charset=utf-8
                Content-Transfer-Encoding: base64

                TWFjaGluZSBzdG9wcGVkIOKAkyBlcnJvciBFNDI=
                --inner--
                --outer
                Content-Type: image/png
                Content-Transfer-Encoding: base64

                iVBORw0KGgo=
                --outer--
                """);
        assertThat(c.subject()).isEqualTo("Line 2 stopped");
        assertThat(c.text()).isEqualTo("Machine stopped – error E42");
    }

    @Test
    void htmlOnlyMailsLoseTheirTags() {
        MailAlarm.Content c = parse("""
                Subject: html
                Content-Type: text/html

                <html><head><style>p{}</style></head><body><p>Tank &amp; valve</p>level<br>low &lt;10%</body></html>
                """);
        assertThat(c.text()).isEqualTo("Tank & valve\nlevel\nlow <10%\r\n");
    }

    @Test
    void brokenMailsStillGiveWhatTheyHave() {
        // no headers at all: the whole thing is the text
        assertThat(parse("just some words\n").text()).isEqualTo("just some words\r\n");
        // unknown charset and unknown transfer encoding: taken as they are
        MailAlarm.Content c = parse("""
                Subject: odd
                Content-Type: text/plain; charset=x-no-such-charset
                Content-Transfer-Encoding: x-weird

                still readable
                """);
        assertThat(c.text()).isEqualTo("still readable\r\n");
        // a multipart without its boundary parameter, and one whose parts never end
        assertThat(parse("Subject: a\nContent-Type: multipart/mixed\n\n--x\n\nbody\n").subject()).isEqualTo("a");
        MailAlarm.Content open = parse("Subject: b\nContent-Type: multipart/mixed; boundary=b\n\n--b\n"
                + "Content-Type: text/plain\n\nunterminated");
        assertThat(open.text()).startsWith("unterminated");
        // invalid UTF-8 in the text: replacement characters, never an exception
        byte[] bad = "Subject: c\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\u00ff\u00fe ok"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(MailAlarm.parse(bad).text()).isEqualTo("\uFFFD\uFFFD ok");
    }

    @Test
    void deeplyNestedMultipartsAreNotFollowedForEver() {
        StringBuilder mail = new StringBuilder("Subject: deep\nContent-Type: multipart/mixed; boundary=b0\n\n");
        for (int i = 0; i < 200; i++) {
            mail.append("--b").append(i).append("\nContent-Type: multipart/mixed; boundary=b").append(i + 1)
                    .append("\n\n");
        }
        mail.append("--b200\nContent-Type: text/plain\n\nburied\n");
        MailAlarm.Content c = parse(mail.toString());
        assertThat(c.subject()).isEqualTo("deep");
        assertThat(c.text()).doesNotContain("buried");
    }

    /** Random bytes and mutated mails: never an exception, always some subject and text (possibly empty). */
    @Test
    void hostileBytesNeverEscape() {
        byte[] seed = ("Subject: =?utf-8?q?x?=\r\nContent-Type: multipart/alternative; boundary=q\r\n\r\n--q\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "a=3Db=\r\nc\r\n--q--\r\n").getBytes(StandardCharsets.US_ASCII);
        Random random = new Random(7);
        for (int round = 0; round < 3000; round++) {
            byte[] input;
            if (round % 3 == 0) {
                input = new byte[random.nextInt(400)];
                random.nextBytes(input);
            } else {
                input = seed.clone();
                for (int m = 0; m < 1 + random.nextInt(6); m++) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            }
            MailAlarm.Content c = MailAlarm.parse(input);
            assertThat(c.subject()).isNotNull();
            assertThat(c.text()).isNotNull();
        }
    }
}
