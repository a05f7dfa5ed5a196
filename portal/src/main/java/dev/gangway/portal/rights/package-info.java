/**
 * Rights: groups of users, pools of devices, the rights granted to groups on pools, and {@link
 * dev.gangway.portal.rights.Access}, which every feature asks what the signed-in user may do. Knows devices by id
 * only; pages that list device names live in {@code directory}.
 */
package dev.gangway.portal.rights;
