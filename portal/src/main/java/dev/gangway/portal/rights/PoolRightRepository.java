package dev.gangway.portal.rights;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

/** The rights matrix rows. */
interface PoolRightRepository extends JpaRepository<PoolRight, PoolRight.Key> {

    /** Every grant of the account (through its groups). */
    @Query("select r from PoolRight r where r.id.groupId in (select g.id from UserGroup g where g.accountId = ?1)")
    List<PoolRight> findByAccount(String accountId);

    @Query("select r from PoolRight r where r.id.groupId = ?1")
    List<PoolRight> findByGroup(String groupId);

    @Query("select r from PoolRight r where r.id.poolId = ?1")
    List<PoolRight> findByPool(String poolId);

    @Modifying
    @Query("delete from PoolRight r where r.id.groupId = ?1")
    int deleteByGroup(String groupId);

    @Modifying
    @Query("delete from PoolRight r where r.id.poolId = ?1")
    int deleteByPool(String poolId);
}
