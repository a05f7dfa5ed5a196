package dev.gangway.portal.system;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;

/**
 * The audit trail, for reading: the audit log page filters it with specifications. Events are appended only by
 * {@link AuditLog}; the entity is immutable, so nothing saved here can change or disappear through JPA updates.
 */
public interface AuditEventRepository extends JpaRepository<AuditEvent, String>, JpaSpecificationExecutor<AuditEvent> {

    List<AuditEvent> findByActionOrderByOccurredAt(String action);

    /** An account's events, oldest first (for tests and exports). */
    List<AuditEvent> findByAccountIdOrderByOccurredAt(String accountId);
}
