/**
 * The Gangway portal. One package per feature: {@code account} (accounts, users, sign-in), {@code device}
 * (devices, activation keys, registration, live status, pages), {@code pki} (the certificate authority and device
 * certificates), {@code relay} (the embedded relay), {@code hmiproxy} (HMI sessions and their proxy) and
 * {@code system} (security, data directory, settings); also {@code client} (the client API), {@code alarm},
 * {@code sms}, {@code ondemand} (waking on-demand devices) and {@code desktop} (remote desktops: {@code desktop.rfb}
 * is the RFB/VNC client core).
 */
package dev.gangway.portal;
