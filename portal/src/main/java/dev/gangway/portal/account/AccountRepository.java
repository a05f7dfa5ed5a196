package dev.gangway.portal.account;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** Accounts by id and by name. */
public interface AccountRepository extends JpaRepository<Account, String> {

    Optional<Account> findByName(String name);
}
