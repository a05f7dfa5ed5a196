package dev.gangway.portal.account;

import java.io.Serial;
import java.io.Serializable;
import java.security.Principal;
import java.util.Objects;

/**
 * The signed-in user, as kept in the session. Features scope every query to {@link #accountId()}.
 *
 * @param userId the user's id
 * @param username the user's name within the account
 * @param accountId the user's account (tenant) id
 * @param accountName the account's name, as typed at sign-in
 */
public record PortalUser(String userId, String username, String accountId, String accountName)
        implements Principal, Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    public PortalUser {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(accountName, "accountName");
    }

    /** {@code account/username}, for logs and the page header. */
    @Override
    public String getName() {
        return accountName + "/" + username;
    }
}
