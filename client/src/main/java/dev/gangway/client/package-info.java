/** The {@code gangway} command line: entry point, exit codes, errors, output and the process environment. */
package dev.gangway.client;
