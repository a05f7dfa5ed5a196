/**
 * The Gangway client's side of the portal: the client API ({@code /api/client/v1}: sign-in with bearer tokens,
 * devices, short-lived client certificates, stream tickets) and the relay's check of every client stream
 * ({@link dev.gangway.portal.client.ClientStreamAuthorizer}). See {@code docs/client-api.md}.
 */
package dev.gangway.portal.client;
