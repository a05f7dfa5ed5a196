package dev.gangway.portal.rights;

import dev.gangway.portal.account.PortalUser;
import java.util.Set;

/**
 * Answers what a signed-in user may do, from the database at each call, so a right removed or a user disabled takes
 * effect on the next request. Every answer is scoped to the user's own account: a device of another account has
 * no rights, whatever the pools say.
 */
public interface Access {

    /** Whether the user is an administrator of their account (enabled, not expired). */
    boolean isAdmin(PortalUser user);

    /** The user's rights on a device (the union over the pools holding it); every right for admins; empty if none. */
    Set<Right> rightsOn(PortalUser user, String deviceId);

    /** Whether the user holds {@code right} on the device. */
    default boolean can(PortalUser user, String deviceId, Right right) {
        return rightsOn(user, deviceId).contains(right);
    }

    /** The ids of the devices of the user's account on which the user holds any right (all of them for admins). */
    Set<String> visibleDeviceIds(PortalUser user);

    /** Whether the user holds {@code right} on at least one pool, or is an admin. */
    boolean holdsAnywhere(PortalUser user, Right right);

    /**
     * Whether every (pool, right) that the user {@code targetUserId} of the actor's account holds through groups is
     * held by the actor too; always true for admins. Actions that let the actor become the target (password and
     * two-factor resets) need it, so managing users never hands out more than the manager has.
     */
    boolean coversGrantsOf(PortalUser actor, String targetUserId);

    /** Throws {@link org.springframework.security.access.AccessDeniedException} (403) unless the user is an admin. */
    void requireAdmin(PortalUser user);

    /** Throws {@link org.springframework.security.access.AccessDeniedException} (403) unless {@link #holdsAnywhere}. */
    void requireAnywhere(PortalUser user, Right right);
}
