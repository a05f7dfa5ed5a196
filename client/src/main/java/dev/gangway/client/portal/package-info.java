/** The portal's client API ({@code /api/client/v1}) over the JDK HTTP client: sign-in, devices, certificates, tickets. */
package dev.gangway.client.portal;
