/**
 * Cross-cutting set-up: the data directory with owner-only files, the one security filter chain (sign-in form,
 * CSRF, Origin check, session cookie, headers) and the portal's settings.
 */
package dev.gangway.portal.system;
