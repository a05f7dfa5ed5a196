/** The agent process itself: its version and how it stops on SIGTERM or Ctrl-C. */
package dev.gangway.agent.process;
