/** The {@code gangway-agent} command line: register, run and demo-hmi. */
package dev.gangway.agent;
