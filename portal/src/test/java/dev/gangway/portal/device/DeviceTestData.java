package dev.gangway.portal.device;

/** Devices for tests outside this package (the registry's create is package-private). */
public final class DeviceTestData {

    /** Agent info with one web service {@code hmi} (kind http) and one VNC service. */
    public static final String AGENT_INFO = """
            {"agentVersion":"0.1.0","hostname":"test","services":[
              {"name":"hmi","kind":"http","host":"198.19.0.2","port":80},
              {"name":"panel-vnc","kind":"vnc","host":"198.19.0.3","port":5900}]}
            """;

    private DeviceTestData() {
    }

    /** A new device of the account; returns its id. */
    public static String newDevice(DeviceRegistry registry, String accountId, String name) {
        return registry.create(accountId, name, "test").deviceId();
    }

    /** Brings the device's tunnel up with {@link #AGENT_INFO} (so its services are listed and it is online). */
    public static void online(DeviceTunnels tunnels, String deviceId) {
        tunnels.tunnelUp(deviceId, "cert-" + deviceId, AGENT_INFO);
    }

    public static void offline(DeviceTunnels tunnels, String deviceId) {
        tunnels.tunnelDown(deviceId, "cert-" + deviceId, "test");
    }
}
