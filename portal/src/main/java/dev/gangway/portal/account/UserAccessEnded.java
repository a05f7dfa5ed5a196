package dev.gangway.portal.account;

/**
 * Published (as a Spring application event, inside the transaction that caused it) when a user's access ends or
 * shrinks while they may be signed in: disabled, past the expiry date, two-factor reset, password reset. Features
 * that hold live state for the user (HMI sessions, desktop sessions, client streams) end it after commit.
 *
 * @param accountId the user's account id
 * @param userId the user's id
 * @param username the user's name in the account (HMI sessions are keyed by account id and user name)
 * @param reason why, in words, for the log and the ended page
 */
public record UserAccessEnded(String accountId, String userId, String username, String reason) {
}
