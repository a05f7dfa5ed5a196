package dev.gangway.portal.account;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** Users, looked up by account and user name. */
public interface AppUserRepository extends JpaRepository<AppUser, String> {

    Optional<AppUser> findByAccountIdAndUsername(String accountId, String username);

    /** A user by id, only within the account: another account's id answers empty. */
    Optional<AppUser> findByIdAndAccountId(String id, String accountId);

    List<AppUser> findByAccountIdOrderByUsername(String accountId);

    /** The account's administrators (lockout mails go to them). */
    List<AppUser> findByAccountIdAndAccountAdminTrue(String accountId);
}
