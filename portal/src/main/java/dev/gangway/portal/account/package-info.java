/**
 * Accounts (tenants), their users and signing in with account, user name and password. Every other feature reads
 * the signed-in {@link dev.gangway.portal.account.PortalUser} and scopes its data to that user's account.
 */
package dev.gangway.portal.account;
