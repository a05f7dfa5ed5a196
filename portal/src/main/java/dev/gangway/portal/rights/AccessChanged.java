package dev.gangway.portal.rights;

/**
 * Published (as a Spring application event, inside the transaction that caused it) when what users of an account
 * may reach shrank or may have shrunk: rights removed, a member removed, a device taken out of a pool, a group or
 * pool deleted. Features holding live sessions re-check them after commit.
 *
 * @param accountId the account whose users are concerned
 * @param why in words, for the log
 */
public record AccessChanged(String accountId, String why) {
}
