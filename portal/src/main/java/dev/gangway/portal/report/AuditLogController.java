package dev.gangway.portal.report;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.rights.Access;
import dev.gangway.portal.system.AuditEvent;
import dev.gangway.portal.system.AuditEventRepository;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The audit log ({@code /admin/audit}) for the account's administrators: the account's events, newest first,
 * {@value #PAGE_SIZE} to a page.
 */
@Controller
class AuditLogController {

    static final int PAGE_SIZE = 100;
    private static final Sort NEWEST_FIRST = Sort.by(Sort.Order.desc("occurredAt"), Sort.Order.desc("id"));

    private final AuditEventRepository events;
    private final Access access;

    AuditLogController(AuditEventRepository events, Access access) {
        this.events = events;
        this.access = access;
    }

    /** The filter as typed, to show it again. */
    record Typed(String action, String actor, String from, String to) {
    }

    /** One event, ready to show. */
    record View(String time, String timeIso, String actor, String action, String result, String address,
            String detail) {
    }

    @GetMapping("/admin/audit")
    String auditLog(@AuthenticationPrincipal PortalUser user,
            @RequestParam(name = "action", required = false) String action,
            @RequestParam(name = "actor", required = false) String actor,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to,
            @RequestParam(name = "page", required = false) String page, Model model) {
        access.requireAdmin(user);
        AuditFilter.Parsed parsed = AuditFilter.parse(action, actor, from, to, page);
        model.addAttribute("filter", new Typed(orEmpty(action), orEmpty(actor), orEmpty(from), orEmpty(to)));
        model.addAttribute("errors", parsed.errors());
        if (parsed.filter() == null) {
            model.addAttribute("events", List.of());
            model.addAttribute("page", 1);
            model.addAttribute("pages", 0);
            return "audit/list";
        }
        Page<AuditEvent> found = events.findAll(parsed.filter().within(user.accountId()),
                PageRequest.of(parsed.page() - 1, PAGE_SIZE, NEWEST_FIRST));
        model.addAttribute("events", found.getContent().stream().map(AuditLogController::view).toList());
        model.addAttribute("page", parsed.page());
        model.addAttribute("pages", found.getTotalPages());
        model.addAttribute("total", found.getTotalElements());
        model.addAttribute("previousUrl", parsed.page() > 1 ? pageUrl(parsed.filter(), parsed.page() - 1) : null);
        model.addAttribute("nextUrl", found.hasNext() ? pageUrl(parsed.filter(), parsed.page() + 1) : null);
        return "audit/list";
    }

    private static View view(AuditEvent e) {
        return new View(Durations.instant(e.getOccurredAt()), e.getOccurredAt().toString(),
                e.getActor() == null ? "system" : e.getActor(), e.getAction(), e.getResult(),
                e.getAddress() == null ? "" : e.getAddress(), e.getDetail() == null ? "" : e.getDetail());
    }

    private static String pageUrl(AuditFilter filter, int page) {
        StringJoiner query = new StringJoiner("&", "?", "");
        param(query, "action", filter.action());
        param(query, "actor", filter.actor());
        param(query, "from", filter.from());
        param(query, "to", filter.to());
        param(query, "page", page);
        return "/admin/audit" + query;
    }

    private static void param(StringJoiner query, String name, Object value) {
        if (value != null) {
            query.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
