package dev.gangway.portal.client;

import dev.gangway.portal.account.PortalUser;
import java.security.Principal;

/**
 * Who calls the client API: a live client session and its user. Set by {@link ClientTokenFilter} for one request
 * (the API keeps no servlet session).
 *
 * @param sessionId the client session's id
 * @param user the session's user, as read at this request
 */
record ClientPrincipal(String sessionId, PortalUser user) implements Principal {

    @Override
    public String getName() {
        return user.getName();
    }
}
