package dev.gangway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The alarm poll's body: what the agent writes, and the relay's strict reading of whatever arrives. */
class AlarmsJsonTest {

    static Alarm alarm(long sequence, String subject, String text) {
        return new Alarm(UUID.randomUUID().toString(), sequence, Instant.parse("2026-11-26T10:15:30.123Z"), "smtp",
                "plc@site.example", subject, text);
    }

    @Test
    void roundTripKeepsEveryFieldIncludingAwkwardCharacters() {
        List<Alarm> alarms = List.of(
                alarm(1, "Pump 3 \"overheat\"", "line 1\nline 2\ttab \\ back\u0001\u001f control\r\n"),
                alarm(2, "Grüße 温度 🔥", "emoji 🔥 and \u2028 separator and / slash"),
                alarm(7, "", ""));

        AlarmsJson.Encoded encoded = AlarmsJson.encode(alarms);

        assertThat(encoded.count()).isEqualTo(3);
        assertThat(AlarmsJson.parse(encoded.body())).isEqualTo(alarms);
    }

    @Test
    void loneSurrogatesAreWrittenAsReplacementCharacters() {
        Alarm broken = alarm(1, "half \uD83D pair", "\uDC00 alone");

        List<Alarm> parsed = AlarmsJson.parse(AlarmsJson.encode(List.of(broken)).body());

        assertThat(parsed.get(0).subject()).isEqualTo("half \uFFFD pair");
        assertThat(parsed.get(0).text()).isEqualTo("\uFFFD alone");
    }

    @Test
    void anAnswerCarriesAtMostOneHundredAlarms() {
        List<Alarm> many = new ArrayList<>();
        for (int i = 1; i <= 150; i++) {
            many.add(alarm(i, "s" + i, "t"));
        }

        AlarmsJson.Encoded encoded = AlarmsJson.encode(many);

        assertThat(encoded.count()).isEqualTo(100);
        assertThat(AlarmsJson.parse(encoded.body())).isEqualTo(many.subList(0, 100));
    }

    @Test
    void anAnswerStaysWithinOneMebibyte() {
        // control characters are written as six-byte escapes: each alarm is about 48 KB on the wire
        String heavy = "\u0001".repeat(Alarm.MAX_TEXT);
        List<Alarm> many = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            many.add(alarm(i, "s", heavy));
        }

        AlarmsJson.Encoded encoded = AlarmsJson.encode(many);

        assertThat(encoded.body().length).isLessThanOrEqualTo(TunnelProtocol.MAX_ALARMS_ANSWER_BYTES);
        assertThat(encoded.count()).isBetween(1, 49);
        assertThat(AlarmsJson.parse(encoded.body())).isEqualTo(many.subList(0, encoded.count()));
    }

    @Test
    void unknownMembersAreIgnoredAndAnEmptyListIsFine() {
        assertThat(AlarmsJson.parse("{\"alarms\":[],\"more\":{\"x\":[1,2.5e3,true,false,null]}}")).isEmpty();
        assertThat(AlarmsJson.parse(" {\"alarms\" : [ " + one(3) .replace("}", ",\"extra\":1}") + " ] } \n"))
                .extracting(Alarm::sequence).containsExactly(3L);
    }

    @Test
    void refusesWhatIsNotStrictJsonOrNotTheShape() {
        String ok = one(1);
        List<String> hostile = List.of(
                "", " ", "null", "[]", "\"alarms\"", "{}", "{\"alarms\":{}}", "{\"alarms\":null}",
                "{\"alarms\":[" + ok + ",]}", "{\"alarms\":[" + ok + "],}", "{\"alarms\":[" + ok + "]} x",
                "{'alarms':[]}", "{\"alarms\":[]} // comment", "{\"alarms\":[],\"alarms\":[]}",
                "{\"alarms\":[" + ok.replace("\"id\"", "\"id\":\"a\",\"id\"") + "]}",
                "{\"alarms\":[1]}", "{\"alarms\":[[]]}",
                "{\"alarms\":[" + ok.replace("\"sequence\":1", "\"sequence\":-1") + "]}",
                "{\"alarms\":[" + ok.replace("\"sequence\":1", "\"sequence\":0") + "]}",
                "{\"alarms\":[" + ok.replace("\"sequence\":1", "\"sequence\":1.0") + "]}",
                "{\"alarms\":[" + ok.replace("\"sequence\":1", "\"sequence\":1e2") + "]}",
                "{\"alarms\":[" + ok.replace("\"sequence\":1", "\"sequence\":01") + "]}",
                "{\"alarms\":[" + ok.replace("\"sequence\":1", "\"sequence\":\"1\"") + "]}",
                "{\"alarms\":[" + ok.replace("\"sequence\":1", "\"sequence\":99999999999999999999") + "]}",
                "{\"alarms\":[" + ok.replace("\"sequence\":1", "\"sequence\":9223372036854775808") + "]}",
                "{\"alarms\":[" + ok.replace(",\"text\":\"t\"", "") + "]}",
                "{\"alarms\":[" + ok.replace("\"text\":\"t\"", "\"text\":null") + "]}",
                "{\"alarms\":[" + ok.replace("2026-11-26T10:15:30Z", "yesterday") + "]}",
                "{\"alarms\":[" + ok.replace("\"id\":\"a-1\"", "\"id\":\"\"") + "]}",
                "{\"alarms\":[" + ok.replace("\"subject\":\"s\"", "\"subject\":\"" + "x".repeat(201) + "\"") + "]}",
                "{\"alarms\":[" + ok.replace("\"text\":\"t\"", "\"text\":\"" + "x".repeat(8001) + "\"") + "]}",
                "{\"alarms\":[" + ok.replace("\"text\":\"t\"", "\"text\":\"a\nb\"") + "]}",
                "{\"alarms\":[" + ok.replace("\"text\":\"t\"", "\"text\":\"\\x41\"") + "]}",
                "{\"alarms\":[" + ok.replace("\"text\":\"t\"", "\"text\":\"\\u12\"") + "]}",
                "{\"alarms\":[" + ok.replace("\"text\":\"t\"", "\"text\":\"\\u١٢٣٤\"") + "]}",
                "{\"alarms\":[" + ok.replace("\"text\":\"t\"", "\"text\":\"\\ud800\"") + "]}",
                "{\"alarms\":[" + ok.replace("\"text\":\"t\"", "\"text\":\"\\udc00\\ud800\"") + "]}",
                "{\"alarms\":[" + ok.replace("\"text\":\"t\"", "\"text\":\"\\ud800x\"") + "]}",
                "{\"alarms\":[" + one(2) + "," + one(1) + "]}",
                "{\"alarms\":[" + one(2) + "," + one(2) + "]}",
                "{\"alarms\":[" + ok + "]",
                "{\"alarms\":[" + ok,
                "{\"alarms\":[tru]}", "{\"alarms\":[nul]}", "{\"alarms\":[-]}", "{\"alarms\":[1.]}",
                "\uFEFF{\"alarms\":[]}",
                "[".repeat(100_000) + "]".repeat(100_000),
                "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000));
        for (String body : hostile) {
            assertThatThrownBy(() -> AlarmsJson.parse(body))
                    .as(body.length() > 200 ? body.substring(0, 200) : body)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void refusesMoreThanOneHundredAlarms() {
        StringBuilder body = new StringBuilder("{\"alarms\":[");
        for (int i = 1; i <= 101; i++) {
            body.append(i > 1 ? "," : "").append(one(i).replace("\"a-1\"", "\"a-" + i + "\""));
        }
        assertThatThrownBy(() -> AlarmsJson.parse(body.append("]}").toString()))
                .hasMessageContaining("at most 100");
    }

    @Test
    void refusesInvalidUtf8() {
        byte[] body = "{\"alarms\":[]}".getBytes(StandardCharsets.UTF_8);
        byte[][] broken = {
            concat(new byte[] {(byte) 0xC3}, body),
            concat(body, new byte[] {(byte) 0xFF}),
            "{\"alarms\":[],\"x\":\"\u00ED\u00A0\u0080\"}".getBytes(StandardCharsets.ISO_8859_1), // CESU surrogate
            "{\"alarms\":[],\"x\":\"\u00C0\u00AF\"}".getBytes(StandardCharsets.ISO_8859_1), // overlong '/'
        };
        for (byte[] b : broken) {
            assertThatThrownBy(() -> AlarmsJson.parse(b)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * Mutation fuzzing (seeded, so failures reproduce): bytes flipped, inserted, deleted and spliced into valid
     * answers. The parser may only accept or throw {@link IllegalArgumentException}; whatever it accepts is a list of
     * valid alarms with rising sequences that writes back to an equal list.
     */
    @Test
    void mutatedAnswersAreAcceptedOrRefusedCleanly() {
        byte[] seed = AlarmsJson.encode(List.of(alarm(1, "Pump \"3\"", "too hot\n🔥"), alarm(2, "ok", "\\u0041")))
                .body();
        byte[] tokens = "{}[],:\"\\u0000ed800-+.eE0123456789truefalsenull \t\n".getBytes(StandardCharsets.UTF_8);
        Random random = new Random(5);
        int accepted = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] input = seed.clone();
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                input = mutate(input, random, tokens);
            }
            List<Alarm> parsed;
            try {
                parsed = AlarmsJson.parse(input);
            } catch (IllegalArgumentException e) {
                continue;
            }
            accepted++;
            for (int i = 1; i < parsed.size(); i++) {
                assertThat(parsed.get(i).sequence()).isGreaterThan(parsed.get(i - 1).sequence());
            }
            assertThat(AlarmsJson.parse(AlarmsJson.encode(parsed).body())).isEqualTo(parsed);
        }
        assertThat(accepted).as("some mutations stay valid (e.g. inside strings)").isPositive();
    }

    private static byte[] mutate(byte[] in, Random random, byte[] tokens) {
        int at = in.length == 0 ? 0 : random.nextInt(in.length);
        return switch (random.nextInt(5)) {
            case 0 -> {
                byte[] out = in.clone();
                if (out.length > 0) {
                    out[at] = (byte) random.nextInt(256);
                }
                yield out;
            }
            case 1 -> {
                byte[] out = in.clone();
                if (out.length > 0) {
                    out[at] = tokens[random.nextInt(tokens.length)];
                }
                yield out;
            }
            case 2 -> concat(java.util.Arrays.copyOfRange(in, 0, at),
                    new byte[] {tokens[random.nextInt(tokens.length)]}, java.util.Arrays.copyOfRange(in, at, in.length));
            case 3 -> in.length == 0 ? in
                    : concat(java.util.Arrays.copyOfRange(in, 0, at), java.util.Arrays.copyOfRange(in, at + 1, in.length));
            default -> {
                int from = in.length == 0 ? 0 : random.nextInt(in.length);
                int len = Math.min(in.length - from, random.nextInt(40));
                yield concat(java.util.Arrays.copyOfRange(in, 0, at), java.util.Arrays.copyOfRange(in, from, from + len),
                        java.util.Arrays.copyOfRange(in, at, in.length));
            }
        };
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static String one(long sequence) {
        return "{\"id\":\"a-1\",\"sequence\":" + sequence + ",\"raisedAt\":\"2026-11-26T10:15:30Z\",\"source\":\"http\","
                + "\"from\":\"\",\"subject\":\"s\",\"text\":\"t\"}";
    }
}
