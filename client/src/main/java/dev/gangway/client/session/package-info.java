/** Signing in and out: the session file, passwords and two-factor codes, sessions for one command only. */
package dev.gangway.client.session;
