/** The agent's YAML configuration: validated records and the loader that names every mistake and its fix. */
package dev.gangway.agent.config;
