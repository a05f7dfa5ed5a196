/** The Gangway tunnel: HTTP/2 over mutual TLS with reversed roles, the relay server and the tunnel clients. No Spring. */
package dev.gangway.tunnel;
