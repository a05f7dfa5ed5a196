package dev.gangway.portal.report;

import dev.gangway.portal.system.AuditEvent;
import jakarta.persistence.criteria.Predicate;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.data.jpa.domain.Specification;

/**
 * The audit log's filter: action (its beginning, e.g. {@code signin} finds {@code signin} and
 * {@code signin.lockout}), actor (a part of it), and whole UTC days, first and last inclusive.
 */
record AuditFilter(String action, String actor, LocalDate from, LocalDate to) {

    static final int ACTION_LENGTH = 64;
    static final int ACTOR_LENGTH = 160;
    static final int MAX_PAGE = 100_000;

    /** The filter, the page asked for, and the problems of the input field by field (no filter with problems). */
    record Parsed(AuditFilter filter, int page, Map<String, String> errors) {
    }

    static Parsed parse(String action, String actor, String from, String to, String page) {
        FilterInput input = new FilterInput();
        String a = input.text("action", "Action", action, ACTION_LENGTH);
        String who = input.text("actor", "Actor", actor, ACTOR_LENGTH);
        LocalDate f = input.date("from", "From", from);
        LocalDate t = input.date("to", "To", to);
        input.range("to", f, t);
        int p = input.page("page", page, MAX_PAGE);
        return new Parsed(input.hasErrors() ? null : new AuditFilter(a, who, f, t), p, input.errors());
    }

    /** The account's events that match (events without an account, such as unknown-account sign-ins, never do). */
    Specification<AuditEvent> within(String accountId) {
        return (root, query, cb) -> {
            List<Predicate> where = new ArrayList<>();
            where.add(cb.equal(root.get("accountId"), accountId));
            if (action != null) {
                where.add(cb.like(cb.lower(root.<String>get("action")), FilterInput.startsWith(action), '\\'));
            }
            if (actor != null) {
                where.add(cb.like(cb.lower(root.<String>get("actor")), FilterInput.contains(actor), '\\'));
            }
            if (from != null) {
                where.add(cb.greaterThanOrEqualTo(root.<Instant>get("occurredAt"),
                        from.atStartOfDay(ZoneOffset.UTC).toInstant()));
            }
            if (to != null) {
                where.add(cb.lessThan(root.<Instant>get("occurredAt"),
                        to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
            }
            return cb.and(where.toArray(Predicate[]::new));
        };
    }
}
