/**
 * Accounts (tenants), their users and signing in: account, user name and password, then the steps that may follow
 * (second factor, new password), with lockout, throttling and the per-request check that ends sessions of users
 * whose access ended. Every other feature reads the signed-in {@link dev.gangway.portal.account.PortalUser} and
 * scopes its data to that user's account.
 */
package dev.gangway.portal.account;
