package dev.gangway.portal.relay;

/** Tells a device which relay to dial. */
public interface RelayDirectory {

    /** The relay address for this device's agent. */
    RelayAddress relayFor(String deviceId);

    /**
     * A relay's public address.
     *
     * @param host host name or address agents dial
     * @param port TCP port of the relay
     */
    record RelayAddress(String host, int port) {
    }
}
