package dev.gangway.portal.account;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

/** A user's previous password hashes, newest first. */
public interface PasswordHistoryRepository extends JpaRepository<PasswordHistory, String> {

    List<PasswordHistory> findByUserIdOrderByCreatedAtDesc(String userId);
}
