/** {@code demo-hmi}: a small machine-panel web app (HTTP/1.1 and WebSocket echo) to try the tunnel with. */
package dev.gangway.agent.demohmi;
