/**
 * The portal's certificate authority (EC P-256, kept owner-only in the data directory), device certificates issued
 * from CSRs (narrowly: the subject comes from our data, never from the request), their revocation, and the Ed25519
 * key that signs stream tickets.
 */
package dev.gangway.portal.pki;
