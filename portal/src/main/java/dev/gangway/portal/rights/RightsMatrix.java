package dev.gangway.portal.rights;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.system.AuditLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.server.ResponseStatusException;

/**
 * The account's rights matrix: which group holds which right on which pool. Saved as a whole (the form posts every
 * checked cell), validated as a whole: one cell naming a group or pool of another account, or an unknown right,
 * refuses the save and changes nothing.
 */
@Service
class RightsMatrix {

    /** More cells than any form of the account could hold: groups × pools × rights stays far below this. */
    static final int MAX_GRANTS = 20_000;

    private final UserGroupRepository groups;
    private final DevicePoolRepository pools;
    private final PoolRightRepository grants;
    private final AccessService access;
    private final AuditLog audit;
    private final ApplicationEventPublisher events;

    RightsMatrix(UserGroupRepository groups, DevicePoolRepository pools, PoolRightRepository grants,
            AccessService access, AuditLog audit, ApplicationEventPublisher events) {
        this.groups = groups;
        this.pools = pools;
        this.grants = grants;
        this.access = access;
        this.audit = audit;
        this.events = events;
    }

    /** The account's grants now. */
    @Transactional(readOnly = true)
    Set<Grant> grants(String accountId) {
        Set<Grant> result = new LinkedHashSet<>();
        for (PoolRight r : grants.findByAccount(accountId)) {
            Grant.right(r.key().rightName()).ifPresent(right -> result.add(new Grant(r.key().groupId(),
                    r.key().poolId(), right)));
        }
        return result;
    }

    /** What a save changed. */
    record Change(List<String> added, List<String> removed) {
        boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty();
        }
    }

    /**
     * Replaces the account's grants with exactly {@code checked} (admins only). A malformed value, or a group or
     * pool not of the admin's account, answers 400 and nothing changes.
     */
    @Transactional
    Change replace(PortalUser user, Collection<String> checked) {
        access.requireAdmin(user);
        if (checked.size() > MAX_GRANTS) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "too many rights in one form");
        }
        Map<String, UserGroup> accountGroups = groups.findByAccountIdOrderByName(user.accountId()).stream()
                .collect(Collectors.toMap(UserGroup::getId, Function.identity()));
        Map<String, DevicePool> accountPools = pools.findByAccountIdOrderByName(user.accountId()).stream()
                .collect(Collectors.toMap(DevicePool::getId, Function.identity()));
        Set<Grant> wanted = new LinkedHashSet<>();
        for (String value : checked) {
            Optional<Grant> grant = Grant.parse(value);
            if (grant.isEmpty() || !accountGroups.containsKey(grant.get().groupId())
                    || !accountPools.containsKey(grant.get().poolId())) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "The form names a group, pool or right "
                        + "that does not exist in this account: nothing was changed. Reload the page and try again.");
            }
            wanted.add(grant.get());
        }
        Set<Grant> current = grants(user.accountId());
        List<Grant> removed = current.stream().filter(g -> !wanted.contains(g)).toList();
        List<Grant> added = wanted.stream().filter(g -> !current.contains(g)).toList();
        for (Grant grant : removed) {
            grants.deleteById(new PoolRight.Key(grant.groupId(), grant.poolId(), grant.right().name()));
        }
        for (Grant grant : added) {
            grants.save(new PoolRight(grant));
        }
        Comparator<String> byText = Comparator.naturalOrder();
        Change change = new Change(describe(added, accountGroups, accountPools, byText),
                describe(removed, accountGroups, accountPools, byText));
        if (!change.isEmpty()) {
            audit.record("rights.change", "ok", user.getName(), user.accountId(), null,
                    (change.added().isEmpty() ? "" : "added: " + String.join("; ", change.added()))
                            + (change.added().isEmpty() || change.removed().isEmpty() ? "" : " | ")
                            + (change.removed().isEmpty() ? "" : "removed: " + String.join("; ", change.removed())));
        }
        if (!removed.isEmpty()) {
            events.publishEvent(new AccessChanged(user.accountId(), "rights removed"));
        }
        return change;
    }

    private static List<String> describe(List<Grant> grants, Map<String, UserGroup> groups,
            Map<String, DevicePool> pools, Comparator<String> order) {
        List<String> texts = new ArrayList<>();
        for (Grant g : grants) {
            texts.add(groups.get(g.groupId()).getName() + " on " + pools.get(g.poolId()).getName() + ": "
                    + g.right().label());
        }
        texts.sort(order);
        return texts;
    }
}
