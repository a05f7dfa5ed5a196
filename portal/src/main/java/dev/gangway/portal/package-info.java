/**
 * The Gangway portal. One package per feature: {@code account} (accounts, users, sign-in), {@code device}
 * (devices, activation keys, registration, live status, pages), {@code pki} (the certificate authority and device
 * certificates), {@code relay} (the embedded relay), {@code hmiproxy} (HMI sessions and their proxy) and
 * {@code system} (security, data directory, settings).
 */
package dev.gangway.portal;
