/**
 * The users pages of an account (list, create and invite, disable, expiry, password reset, two-factor), the one-time
 * password links that invitations and resets send, and the account's settings page (password policy, lockout,
 * session lifetimes, two-factor). Depends on {@code account}, {@code rights} and {@code system}; nothing depends on it.
 */
package dev.gangway.portal.users;
