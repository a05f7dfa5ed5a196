package dev.gangway.portal.system;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

/** The audit trail; only ever appended to. */
interface AuditEventRepository extends JpaRepository<AuditEvent, String> {

    List<AuditEvent> findByActionOrderByOccurredAt(String action);
}
