package dev.gangway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TicketsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private final KeyPair keys = Tickets.generateKeyPair();
    private final StreamTicket ticket = new StreamTicket("t-1", "acme", "älice", "dev-42",
            new LanTarget("198.19.0.2", 80), NOW.plusSeconds(60).plusNanos(123));

    @Test
    void roundTrip() throws Exception {
        String token = Tickets.sign(ticket, keys.getPrivate());
        assertThat(token).startsWith("v2.").matches("[A-Za-z0-9._-]+").hasSizeLessThanOrEqualTo(Tickets.MAX_TOKEN_LENGTH);
        assertThat(Tickets.verify(token, keys.getPublic(), CLOCK)).isEqualTo(ticket);
    }

    @Test
    void boundTicketRoundTripsWithItsHolder() throws Exception {
        String holder = Tickets.fingerprint(new TestPki("Holder CA").ca);
        StreamTicket bound = new StreamTicket("t-2", "acme", "alice", "dev-42", new LanTarget("198.19.0.2", 502),
                NOW.plusSeconds(60), holder);
        StreamTicket back = Tickets.verify(Tickets.sign(bound, keys.getPrivate()), keys.getPublic(), CLOCK);
        assertThat(back).isEqualTo(bound);
        assertThat(back.isBound()).isTrue();
        assertThat(Tickets.verify(Tickets.sign(ticket, keys.getPrivate()), keys.getPublic(), CLOCK).isBound()).isFalse();
    }

    @Test
    void fingerprintIsTheSha256OfTheDerInLowercaseHex() throws Exception {
        java.security.cert.X509Certificate certificate = new TestPki("Fingerprint CA").ca;
        String expected = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        assertThat(Tickets.fingerprint(certificate)).isEqualTo(expected).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void signRefusesAHolderThatIsNoFingerprint() {
        for (String holder : new String[] {"abc", "A".repeat(64), "g".repeat(64), "a".repeat(65)}) {
            StreamTicket odd = new StreamTicket("t", "a", "u", "d", new LanTarget("h", 1), NOW.plusSeconds(5), holder);
            assertThatThrownBy(() -> Tickets.sign(odd, keys.getPrivate()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ticket holder must be the SHA-256");
        }
    }

    @Test
    void ipv6TargetRoundTrips() throws Exception {
        StreamTicket v6 = new StreamTicket("t", "a", "u", "d", LanTarget.parse("[fd00::1]:502"), NOW.plusSeconds(5));
        assertThat(Tickets.verify(Tickets.sign(v6, keys.getPrivate()), keys.getPublic(), CLOCK)).isEqualTo(v6);
    }

    @Test
    void tamperedPayloadIsRefused() {
        String token = Tickets.sign(ticket, keys.getPrivate());
        String[] parts = token.split("\\.");
        byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
        payload[payload.length - 15] ^= 1; // a byte of the port (then expiry 8 + 4, holder length 2, empty holder)
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload) + "." + parts[2];
        assertError(tampered, TunnelError.BAD_TICKET, "signature does not match");
    }

    @Test
    void tamperedSignatureIsRefused() {
        String token = Tickets.sign(ticket, keys.getPrivate());
        char last = token.charAt(token.length() - 2);
        String tampered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertError(tampered, TunnelError.BAD_TICKET, "");
    }

    @Test
    void expiredTicketIsRefused() {
        String token = Tickets.sign(ticket, keys.getPrivate());
        Clock later = Clock.fixed(ticket.expiresAt(), ZoneOffset.UTC);
        assertThatThrownBy(() -> Tickets.verify(token, keys.getPublic(), later))
                .isInstanceOfSatisfying(TunnelException.class, e -> assertThat(e.error()).isEqualTo(TunnelError.TICKET_EXPIRED));
    }

    @Test
    void wrongKeyIsRefused() {
        String token = Tickets.sign(ticket, keys.getPrivate());
        assertError(token, Tickets.generateKeyPair(), TunnelError.BAD_TICKET);
    }

    @Test
    void malformedTokensAreRefused() {
        String token = Tickets.sign(ticket, keys.getPrivate());
        String[] parts = token.split("\\.");
        String sig = parts[2];
        for (String bad : new String[] {
                null, "", "v2", "v2..", "v1." + parts[1] + "." + sig, "v3." + parts[1] + "." + sig, parts[1] + "." + sig,
                "v2." + parts[1] + "=." + sig, "v2." + parts[1] + "." + sig + ".x", "v2.+++." + sig,
                "v2." + parts[1] + ".AAAA", token + " ", "x".repeat(Tickets.MAX_TOKEN_LENGTH + 1)}) {
            assertError(bad, keys, TunnelError.BAD_TICKET);
        }
    }

    @Test
    void wellSignedButMalformedPayloadsAreRefused() {
        // Payloads correctly signed (so only the strict parser can refuse them).
        assertError(signRaw(new byte[0]), keys, TunnelError.BAD_TICKET);
        assertError(signRaw(new byte[] {0, 5, 'a'}), keys, TunnelError.BAD_TICKET);
        byte[] valid = Base64.getUrlDecoder().decode(Tickets.sign(ticket, keys.getPrivate()).split("\\.")[1]);
        byte[] trailing = java.util.Arrays.copyOf(valid, valid.length + 1);
        assertError(signRaw(trailing), keys, TunnelError.BAD_TICKET);
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length - 1);
        assertError(signRaw(truncated), keys, TunnelError.BAD_TICKET);
        byte[] badUtf8 = valid.clone();
        badUtf8[2] = (byte) 0xFF; // first byte of the ticket id
        assertError(signRaw(badUtf8), keys, TunnelError.BAD_TICKET);
        // A version-1 payload (no holder), even correctly signed with a v2 prefix.
        byte[] withoutHolder = java.util.Arrays.copyOf(valid, valid.length - 2);
        assertError(signRaw(withoutHolder), keys, TunnelError.BAD_TICKET);
        // A holder that is not a lowercase SHA-256 fingerprint.
        for (String holder : new String[] {"abcd", "A".repeat(64), "z".repeat(64)}) {
            byte[] odd = java.util.Arrays.copyOf(valid, valid.length + holder.length());
            odd[valid.length - 2] = 0;
            odd[valid.length - 1] = (byte) holder.length();
            System.arraycopy(holder.getBytes(StandardCharsets.US_ASCII), 0, odd, valid.length, holder.length());
            assertError(signRaw(odd), keys, TunnelError.BAD_TICKET);
        }
        // A holder length running past the end.
        byte[] overlong = valid.clone();
        overlong[valid.length - 1] = 64;
        assertError(signRaw(overlong), keys, TunnelError.BAD_TICKET);
    }

    @Test
    void aVersionOneTicketIsRefused() {
        // What a v1 signer produced: the same payload without the holder, under "v1.".
        byte[] valid = Base64.getUrlDecoder().decode(Tickets.sign(ticket, keys.getPrivate()).split("\\.")[1]);
        String v1 = signRaw("v1", java.util.Arrays.copyOf(valid, valid.length - 2));
        assertError(v1, TunnelError.BAD_TICKET, "not a v2 ticket");
    }

    @Test
    void signRefusesEmptyFields() {
        StreamTicket empty = new StreamTicket("", "a", "u", "d", new LanTarget("h", 1), NOW);
        assertThatThrownBy(() -> Tickets.sign(empty, keys.getPrivate()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ticket id");
    }

    private String signRaw(byte[] payload) {
        return signRaw("v2", payload);
    }

    private String signRaw(String version, byte[] payload) {
        try {
            String signed = version + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload);
            java.security.Signature s = java.security.Signature.getInstance("Ed25519");
            s.initSign(keys.getPrivate());
            s.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertError(String token, TunnelError expected, String message) {
        assertThatThrownBy(() -> Tickets.verify(token, keys.getPublic(), CLOCK))
                .isInstanceOfSatisfying(TunnelException.class, e -> {
                    assertThat(e.error()).isEqualTo(expected);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    private static void assertError(String token, KeyPair keys, TunnelError expected) {
        assertThatThrownBy(() -> Tickets.verify(token, keys.getPublic(), CLOCK))
                .as("token %s", token == null ? null : token.substring(0, Math.min(40, token.length())))
                .isInstanceOfSatisfying(TunnelException.class, e -> assertThat(e.error()).isEqualTo(expected));
    }
}
