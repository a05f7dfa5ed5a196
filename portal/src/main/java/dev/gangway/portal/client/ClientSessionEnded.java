package dev.gangway.portal.client;

/**
 * Published (as a Spring application event, inside the transaction that ends it) when a client session ends, for
 * whatever reason: sign-out, its end, idleness, the user's access or credentials. {@link ForwardEnding} cuts the
 * session's open streams after commit.
 *
 * @param sessionId the session
 * @param accountId its account
 * @param why in words (the session's {@code end_reason})
 */
record ClientSessionEnded(String sessionId, String accountId, String why) {
}
