package dev.gangway.portal.rights;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

/** Groups, always looked up within an account. */
interface UserGroupRepository extends JpaRepository<UserGroup, String> {

    List<UserGroup> findByAccountIdOrderByName(String accountId);

    Optional<UserGroup> findByIdAndAccountId(String id, String accountId);

    boolean existsByAccountIdAndName(String accountId, String name);
}
