package dev.gangway.agent.portal;

/** A relay to dial, as the portal names it. */
public record RelayAddress(String host, int port) {

    public RelayAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("relay host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("relay port " + port + " is outside 1-65535");
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
