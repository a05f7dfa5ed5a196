package dev.gangway.portal.rights;

/**
 * What a group may do on the devices of a pool. Any right on a device lets its holder see the device and its status;
 * account administrators hold every right on every device of their account.
 */
public enum Right {
    /** See the device, its status and its services. */
    VIEW_STATUS("View status"),
    /** Open the device's web HMIs through the HMI proxy. */
    OPEN_WEB_HMI("Open web HMIs"),
    /** Watch the device's VNC and RDP desktops without sending input. */
    DESKTOP_VIEW("Remote desktop: view only"),
    /** Use the device's VNC and RDP desktops (keyboard, mouse, clipboard). */
    DESKTOP_CONTROL("Remote desktop: control"),
    /** Open port forwards and a SOCKS proxy to the device's LAN with the client. */
    CLIENT_FORWARD("Client port forwards"),
    /** Add devices to the pool, rename them, issue activation keys, revoke certificates. */
    MANAGE_DEVICES("Manage devices"),
    /** Manage the account's users and group memberships (not rights, pools or account settings). */
    MANAGE_USERS("Manage users and groups"),
    /** Have the device's alarms sent by e-mail and SMS. */
    SEND_ALARMS("Send alarms by mail/SMS");

    private final String label;

    Right(String label) {
        this.label = label;
    }

    /** The right's name in the pages. */
    public String label() {
        return label;
    }
}
