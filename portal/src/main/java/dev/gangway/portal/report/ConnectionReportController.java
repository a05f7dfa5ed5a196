package dev.gangway.portal.report;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.rights.Access;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.StringJoiner;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The connection report ({@code /admin/connections}) and its CSV export ({@code /admin/connections.csv}), for the
 * account's administrators. The page shows at most {@value #SHOWN} rows and says so when there are more; the
 * export streams every matching row.
 */
@Controller
class ConnectionReportController {

    static final int SHOWN = 1000;

    private final ConnectionQueries queries;
    private final Access access;
    private final Clock clock;

    ConnectionReportController(ConnectionQueries queries, Access access, Clock clock) {
        this.queries = queries;
        this.access = access;
        this.clock = clock;
    }

    /** The filter as typed, to show it again. */
    record Typed(String user, String device, String from, String to) {
    }

    /** One row of the page, ready to show. */
    record View(String user, String device, String service, String kind, String address, String started,
            String startedIso, String ended, String endedIso, String endReason, String duration, boolean open,
            String bytesIn, String bytesInExact, String bytesOut, String bytesOutExact) {

        /** The kind in words for the page (the CSV keeps the code). */
        public String kindLabel() {
            return switch (kind) {
                case ConnectionReport.WEB -> "web HMI";
                case ConnectionReport.DESKTOP -> "desktop";
                case ConnectionReport.DESKTOP_VIEW -> "desktop, view only";
                case ConnectionReport.FORWARD -> "port forward";
                default -> kind;
            };
        }
    }

    @GetMapping("/admin/connections")
    String report(@AuthenticationPrincipal PortalUser user,
            @RequestParam(name = "user", required = false) String userFilter,
            @RequestParam(name = "device", required = false) String device,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to, Model model) {
        access.requireAdmin(user);
        ConnectionFilter.Parsed parsed = ConnectionFilter.parse(userFilter, device, from, to);
        model.addAttribute("filter", new Typed(orEmpty(userFilter), orEmpty(device), orEmpty(from), orEmpty(to)));
        model.addAttribute("errors", parsed.errors());
        model.addAttribute("usernames", queries.usernames(user.accountId()));
        model.addAttribute("deviceNames", queries.deviceNames(user.accountId()));
        List<ConnectionQueries.Row> rows = parsed.filter() == null ? List.of()
                : queries.find(user.accountId(), parsed.filter(), SHOWN + 1);
        Instant now = clock.instant();
        model.addAttribute("capped", rows.size() > SHOWN);
        model.addAttribute("shown", SHOWN);
        model.addAttribute("connections", rows.stream().limit(SHOWN).map(r -> view(r, now)).toList());
        model.addAttribute("csvUrl", csvUrl(parsed.errors().isEmpty() ? parsed.filter() : null));
        return "report/connections";
    }

    @GetMapping("/admin/connections.csv")
    void csv(@AuthenticationPrincipal PortalUser user,
            @RequestParam(name = "user", required = false) String userFilter,
            @RequestParam(name = "device", required = false) String device,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to, HttpServletResponse response)
            throws IOException {
        access.requireAdmin(user);
        ConnectionFilter.Parsed parsed = ConnectionFilter.parse(userFilter, device, from, to);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        if (parsed.filter() == null) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setContentType(MediaType.TEXT_PLAIN_VALUE);
            response.getWriter().write(String.join("\n", parsed.errors().values()) + "\n");
            return;
        }
        Instant now = clock.instant();
        response.setContentType("text/csv");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"connections-"
                + fileNamePart(user.accountName()) + "-" + LocalDate.ofInstant(now, ZoneOffset.UTC) + ".csv\"");
        Writer writer = response.getWriter();
        Csv csv = new Csv(writer);
        csv.row("user", "device", "service", "kind", "address", "started", "ended", "duration_seconds",
                "bytes_in", "bytes_out", "end_reason");
        queries.forEach(user.accountId(), parsed.filter(), r -> csv.row(r.username(), r.deviceName(), r.service(),
                r.kind(), r.clientAddress(), r.startedAt().toString(),
                r.endedAt() == null ? null : r.endedAt().toString(),
                Math.max(0, r.duration(now).getSeconds()), r.bytesIn(), r.bytesOut(), r.endReason()));
        writer.flush();
    }

    private static View view(ConnectionQueries.Row r, Instant now) {
        boolean open = r.endedAt() == null;
        return new View(r.username(), r.deviceName(), r.service(), r.kind(),
                r.clientAddress() == null ? "—" : r.clientAddress(), Durations.instant(r.startedAt()),
                r.startedAt().toString(), open ? "open" : Durations.instant(r.endedAt()),
                open ? null : r.endedAt().toString(), r.endReason(),
                Durations.clock(r.duration(now)) + (open ? " so far" : ""), open, Durations.bytes(r.bytesIn()),
                Durations.exactBytes(r.bytesIn()), Durations.bytes(r.bytesOut()),
                Durations.exactBytes(r.bytesOut()));
    }

    /** The export link with the page's filter (the unfiltered export when the filter has problems). */
    private static String csvUrl(ConnectionFilter filter) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        if (filter != null) {
            param(query, "user", filter.user());
            param(query, "device", filter.device());
            param(query, "from", filter.from());
            param(query, "to", filter.to());
        }
        return "/admin/connections.csv" + query;
    }

    private static void param(StringJoiner query, String name, Object value) {
        if (value != null) {
            query.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
        }
    }

    /** Only letters, digits, dot, dash and underscore survive in the file name (the account name is free text). */
    static String fileNamePart(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.isEmpty() ? "account" : cleaned;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
