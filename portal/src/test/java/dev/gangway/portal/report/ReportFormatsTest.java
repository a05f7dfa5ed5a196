package dev.gangway.portal.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** CSV quoting and formula guard, durations and byte counts for people, filter input. */
class ReportFormatsTest {

    @Test
    void csvQuotesEveryTextFieldAndDefusesFormulas() {
        StringWriter out = new StringWriter();
        Csv csv = new Csv(out);
        csv.row("plain", "a,b", "say \"hi\"", "two\nlines", null, 42L, -1, "");
        csv.row("=1+2", "+SUM(A1)", "-cmd", "@x", "\tx", "\rx", "a=b", "'quoted", "Press;=HYPERLINK(\"x\")");

        assertThat(out.toString()).isEqualTo("\"plain\",\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,42,-1,\"\"\r\n"
                + "\"'=1+2\",\"'+SUM(A1)\",\"'-cmd\",\"'@x\",\"'\tx\",\"'\rx\",\"a=b\",\"'quoted\","
                + "\"Press;=HYPERLINK(\"\"x\"\")\"\r\n");
    }

    @Test
    void durationsAndBytesReadWell() {
        assertThat(Durations.clock(Duration.ZERO)).isEqualTo("0:00:00");
        assertThat(Durations.clock(Duration.ofSeconds(3 * 3600 + 25 * 60 + 7))).isEqualTo("3:25:07");
        assertThat(Durations.clock(Duration.ofHours(100).plusMillis(999))).isEqualTo("100:00:00");
        assertThat(Durations.clock(Duration.ofSeconds(-5))).isEqualTo("0:00:00");
        assertThat(Durations.bytes(0)).isEqualTo("0 bytes");
        assertThat(Durations.bytes(1)).isEqualTo("1 byte");
        assertThat(Durations.bytes(999)).isEqualTo("999 bytes");
        assertThat(Durations.bytes(1000)).isEqualTo("1.0 kB");
        assertThat(Durations.bytes(999_949)).isEqualTo("999.9 kB");
        assertThat(Durations.bytes(999_960)).isEqualTo("1.0 MB");
        assertThat(Durations.bytes(52_428_800)).isEqualTo("52.4 MB");
        assertThat(Durations.bytes(Long.MAX_VALUE)).isEqualTo("9.2 EB");
        assertThat(Durations.exactBytes(52_428_800)).isEqualTo("52,428,800 bytes");
        assertThat(Durations.instant(Instant.parse("2026-01-05T08:00:00.999Z"))).isEqualTo("2026-01-05 08:00:00");
    }

    @Test
    void filterInputIsCheckedFieldByField() {
        ConnectionFilter.Parsed ok = ConnectionFilter.parse("  alice ", "", "2026-03-01", "2026-03-01");
        assertThat(ok.errors()).isEmpty();
        assertThat(ok.filter()).isEqualTo(new ConnectionFilter("alice", null, LocalDate.of(2026, 3, 1),
                LocalDate.of(2026, 3, 1)));
        assertThat(ok.filter().fromInstant()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(ok.filter().toExclusive()).isEqualTo(Instant.parse("2026-03-02T00:00:00Z"));

        for (String bad : new String[] {"2026-3-1", "2026-02-29", "1969-12-31", "+12026-01-01", "2026-01-01x",
                "0000-01-01"}) {
            ConnectionFilter.Parsed parsed = ConnectionFilter.parse(null, null, bad, null);
            assertThat(parsed.filter()).as(bad).isNull();
            assertThat(parsed.errors()).as(bad).containsOnlyKeys("from");
        }
        assertThat(ConnectionFilter.parse("u".repeat(64), "d".repeat(100), null, null).errors()).isEmpty();
        assertThat(ConnectionFilter.parse("u".repeat(65), "d".repeat(101), null, null).errors())
                .containsOnlyKeys("user", "device");
        assertThat(AuditFilter.parse(null, null, null, null, "100001").errors()).containsOnlyKeys("page");
        assertThat(AuditFilter.parse(null, null, null, null, "0").errors()).containsOnlyKeys("page");
        assertThat(AuditFilter.parse(null, null, null, null, " 7 ").page()).isEqualTo(7);
        assertThat(FilterInput.contains("A_b%c\\")).isEqualTo("%a\\_b\\%c\\\\%");
        assertThat(FilterInput.startsWith("Sign")).isEqualTo("sign%");
    }

    @Test
    void theFileNameKeepsSafeCharactersOnly() {
        assertThat(ConnectionReportController.fileNamePart("acme-2.GmbH_x")).isEqualTo("acme-2.GmbH_x");
        assertThat(ConnectionReportController.fileNamePart("a\"b\r\n;c/ü")).isEqualTo("a_b___c__");
    }
}
