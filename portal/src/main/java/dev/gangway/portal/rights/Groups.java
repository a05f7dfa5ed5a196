package dev.gangway.portal.rights;

import dev.gangway.portal.account.AppUser;
import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.system.AuditLog;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/**
 * Groups and their members. Admins may do anything; holders of "manage users" may create and rename groups (a new
 * group holds no rights), delete groups that hold no rights, and change the members of a group only if they hold
 * every right the group holds themselves, so nobody hands out more than they have.
 */
@Service
class Groups {

    private final UserGroupRepository groups;
    private final GroupMemberRepository members;
    private final PoolRightRepository grants;
    private final AppUserRepository users;
    private final AccessService access;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    Groups(UserGroupRepository groups, GroupMemberRepository members, PoolRightRepository grants,
            AppUserRepository users, AccessService access, AuditLog audit, ApplicationEventPublisher events,
            Clock clock) {
        this.groups = groups;
        this.members = members;
        this.grants = grants;
        this.users = users;
        this.access = access;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    List<UserGroup> list(PortalUser user) {
        access.requireAnywhere(user, Right.MANAGE_USERS);
        return groups.findByAccountIdOrderByName(user.accountId());
    }

    /** A group of the user's account; 404 for another account's id, as for one that does not exist. */
    @Transactional(readOnly = true)
    UserGroup find(PortalUser user, String groupId) {
        access.requireAnywhere(user, Right.MANAGE_USERS);
        return group(user, groupId);
    }

    /** The group's members, by user name. */
    @Transactional(readOnly = true)
    List<AppUser> members(UserGroup group) {
        return members.findByGroup(group.getId()).stream()
                .map(m -> users.findByIdAndAccountId(m.userId(), group.getAccountId()))
                .flatMap(Optional::stream)
                .sorted(Comparator.comparing(AppUser::getUsername))
                .toList();
    }

    /** The group's grants. */
    @Transactional(readOnly = true)
    List<Grant> grants(UserGroup group) {
        return grants.findByGroup(group.getId()).stream()
                .flatMap(r -> Grant.right(r.key().rightName())
                        .map(right -> new Grant(r.key().groupId(), r.key().poolId(), right)).stream())
                .toList();
    }

    /** Whether the user may add and remove members of the group (no escalation). */
    @Transactional(readOnly = true)
    boolean mayChangeMembers(PortalUser user, UserGroup group) {
        if (!access.holdsAnywhere(user, Right.MANAGE_USERS)) {
            return false;
        }
        Optional<Set<AccessService.PoolAndRight>> held = access.heldGrants(user);
        return held.isEmpty() || grants(group).stream()
                .allMatch(g -> held.get().contains(new AccessService.PoolAndRight(g.poolId(), g.right())));
    }

    @Transactional
    UserGroup create(PortalUser user, String name) {
        access.requireAnywhere(user, Right.MANAGE_USERS);
        String checked = uniqueName(user.accountId(), Names.check(name, "group", "Service technicians"));
        UserGroup group = groups.save(new UserGroup(user.accountId(), checked, clock.instant()));
        audit.record("group.create", "ok", user.getName(), user.accountId(), null, "group " + checked);
        return group;
    }

    @Transactional
    void rename(PortalUser user, String groupId, String name) {
        UserGroup group = find(user, groupId);
        if (!mayChangeMembers(user, group)) {
            // a name is what admins go by when they add people: swapping names would hand out rights by proxy
            throw new AccessDeniedException("you may rename only groups whose every right you hold yourself");
        }
        String checked = Names.check(name, "group", "Service technicians");
        if (checked.equals(group.getName())) {
            return;
        }
        uniqueName(user.accountId(), checked);
        String before = group.getName();
        group.rename(checked);
        audit.record("group.rename", "ok", user.getName(), user.accountId(), null,
                "group " + before + " renamed to " + checked);
    }

    @Transactional
    void delete(PortalUser user, String groupId) {
        UserGroup group = find(user, groupId);
        boolean holdsRights = !grants.findByGroup(group.getId()).isEmpty();
        if (holdsRights && !access.isAdmin(user)) {
            throw new AccessDeniedException("The group " + group.getName() + " holds rights: only an administrator "
                    + "can delete it. Ask one to remove its rights first.");
        }
        int removedMembers = members.deleteByGroup(group.getId());
        int removedRights = grants.deleteByGroup(group.getId());
        groups.delete(group);
        audit.record("group.delete", "ok", user.getName(), user.accountId(), null, "group " + group.getName() + " ("
                + removedMembers + " member(s), " + removedRights + " right(s))");
        events.publishEvent(new AccessChanged(user.accountId(), "group " + group.getName() + " deleted"));
    }

    /** Adds a user of the account; {@link IllegalArgumentException} with the message for the form. */
    @Transactional
    void addMember(PortalUser user, String groupId, String userId) {
        UserGroup group = find(user, groupId);
        requireMayChangeMembers(user, group);
        AppUser member = (userId == null || userId.length() > 36 ? Optional.<AppUser>empty()
                : users.findByIdAndAccountId(userId, user.accountId()))
                .orElseThrow(() -> new IllegalArgumentException("Choose a user of this account."));
        GroupMember.Key key = new GroupMember.Key(group.getId(), member.getId());
        if (members.existsById(key)) {
            throw new IllegalArgumentException(member.getUsername() + " is already a member of this group.");
        }
        members.save(new GroupMember(group.getId(), member.getId()));
        audit.record("group.member.add", "ok", user.getName(), user.accountId(), null,
                "user " + member.getUsername() + " added to group " + group.getName());
    }

    @Transactional
    void removeMember(PortalUser user, String groupId, String userId) {
        UserGroup group = find(user, groupId);
        requireMayChangeMembers(user, group);
        GroupMember.Key key = new GroupMember.Key(group.getId(), userId == null ? "" : userId);
        if (!members.existsById(key)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such member of this group");
        }
        members.deleteById(key);
        String name = users.findByIdAndAccountId(userId, user.accountId()).map(AppUser::getUsername).orElse(userId);
        audit.record("group.member.remove", "ok", user.getName(), user.accountId(), null,
                "user " + name + " removed from group " + group.getName());
        events.publishEvent(new AccessChanged(user.accountId(), name + " removed from group " + group.getName()));
    }

    private void requireMayChangeMembers(PortalUser user, UserGroup group) {
        if (!mayChangeMembers(user, group)) {
            throw new AccessDeniedException("The group " + group.getName() + " holds rights you do not hold: only "
                    + "an administrator can change its members.");
        }
    }

    private UserGroup group(PortalUser user, String groupId) {
        return (groupId == null || groupId.length() > 36 ? Optional.<UserGroup>empty()
                : groups.findByIdAndAccountId(groupId, user.accountId()))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such group"));
    }

    private String uniqueName(String accountId, String name) {
        if (groups.existsByAccountIdAndName(accountId, name)) {
            throw new IllegalArgumentException("A group named \"" + name + "\" exists already: choose another name.");
        }
        return name;
    }
}
