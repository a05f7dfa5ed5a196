package dev.gangway.portal.account;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** Users, looked up by account and user name. */
public interface AppUserRepository extends JpaRepository<AppUser, String> {

    Optional<AppUser> findByAccountIdAndUsername(String accountId, String username);
}
