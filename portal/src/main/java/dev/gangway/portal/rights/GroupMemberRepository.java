package dev.gangway.portal.rights;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

/** Group memberships. */
interface GroupMemberRepository extends JpaRepository<GroupMember, GroupMember.Key> {

    @Query("select m from GroupMember m where m.id.groupId = ?1")
    List<GroupMember> findByGroup(String groupId);

    @Modifying
    @Query("delete from GroupMember m where m.id.groupId = ?1")
    int deleteByGroup(String groupId);
}
