/**
 * The Gangway tunnel: HTTP/2 over mutual TLS with reversed roles, the relay server and the tunnel clients. No Spring.
 *
 * <p>Public API: {@link dev.gangway.tunnel.RelayServer}, {@link dev.gangway.tunnel.TunnelClient},
 * {@link dev.gangway.tunnel.StreamClient}, {@link dev.gangway.tunnel.LocalForwarder}, {@link dev.gangway.tunnel.Splice},
 * {@link dev.gangway.tunnel.Tickets}, {@link dev.gangway.tunnel.TunnelTls} and the wire vocabulary
 * ({@link dev.gangway.tunnel.TunnelProtocol}, {@link dev.gangway.tunnel.TunnelError}). The Netty handlers behind them
 * are package-private. The wire protocol is described in {@code docs/tunnel-protocol.md}.
 */
package dev.gangway.tunnel;
