package dev.gangway.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Signing and verifying stream tickets (Ed25519). The access server signs; relays verify with its public key.
 * The encoded form is URL- and header-safe ASCII.
 *
 * <h2>Format</h2> {@code v2.<base64url(payload)>.<base64url(signature)>} without padding, at most
 * {@value #MAX_TOKEN_LENGTH} characters. The signature covers the ASCII text {@code v2.<base64url(payload)>}.
 * The payload is, in this order: ticket id, account, user, device id, target host (each an unsigned 16-bit
 * length followed by that many UTF-8 bytes, never empty), target port (unsigned 16 bits), expiry seconds since
 * the epoch (signed 64 bits) and nanoseconds (32 bits), then the holder (an unsigned 16-bit length, 0 for an
 * unbound ticket, or 64 followed by the {@link #fingerprint} as lowercase hex ASCII), all big-endian, nothing
 * after. Anything else, including {@code v1} tickets, is {@link TunnelError#BAD_TICKET}.
 */
public final class Tickets {

    /** Longest token accepted, so a ticket always fits a header and parsing stays cheap. */
    public static final int MAX_TOKEN_LENGTH = 2048;

    private static final String VERSION = "v2";
    private static final int FINGERPRINT_LENGTH = 64;
    private static final String ALGORITHM = "Ed25519";
    private static final int SIGNATURE_LENGTH = 64;

    private Tickets() {
    }

    /** A new Ed25519 key pair for the access server's ticket signing. */
    public static KeyPair generateKeyPair() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no Ed25519 support", e);
        }
    }

    /**
     * The SHA-256 fingerprint of a certificate's DER encoding, lowercase hex: what a bound ticket names as its
     * {@link StreamTicket#holder()}.
     */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot fingerprint the certificate: " + e.getMessage(), e);
        }
    }

    /** Signs a ticket. */
    public static String sign(StreamTicket ticket, PrivateKey key) {
        byte[] payload = encode(ticket);
        String signed = VERSION + "." + base64(payload);
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(key);
            signature.update(signed.getBytes(StandardCharsets.US_ASCII));
            String token = signed + "." + base64(signature.sign());
            if (token.length() > MAX_TOKEN_LENGTH) {
                throw new IllegalArgumentException("ticket is longer than " + MAX_TOKEN_LENGTH
                        + " characters; shorten the account, user or device names");
            }
            return token;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign the ticket with this key (an Ed25519 private key is needed): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Verifies signature, format and expiry.
     *
     * @throws TunnelException {@link TunnelError#BAD_TICKET} or {@link TunnelError#TICKET_EXPIRED}
     */
    public static StreamTicket verify(String token, PublicKey key, Clock clock) throws TunnelException {
        if (token == null || token.isEmpty()) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "no ticket");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        int firstDot = token.indexOf('.');
        int lastDot = token.lastIndexOf('.');
        if (firstDot < 0 || firstDot == lastDot || !VERSION.equals(token.substring(0, firstDot))) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "not a " + VERSION + " ticket");
        }
        byte[] payload = unbase64(token.substring(firstDot + 1, lastDot));
        byte[] sig = unbase64(token.substring(lastDot + 1));
        if (sig.length != SIGNATURE_LENGTH) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "signature has the wrong length");
        }
        if (!signatureMatches(token.substring(0, lastDot), sig, key)) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "signature does not match");
        }
        StreamTicket ticket = decode(payload);
        if (!clock.instant().isBefore(ticket.expiresAt())) {
            throw TunnelException.of(TunnelError.TICKET_EXPIRED, "expired at " + ticket.expiresAt());
        }
        return ticket;
    }

    /**
     * Reads the LAN target of a token without verifying it: a stream client names it as the {@code :authority}
     * of its request; the relay trusts only what it verifies itself.
     */
    static LanTarget unverifiedTarget(String token) throws TunnelException {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "missing or too long");
        }
        int firstDot = token.indexOf('.');
        int lastDot = token.lastIndexOf('.');
        if (firstDot < 0 || firstDot == lastDot) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "not a " + VERSION + " ticket");
        }
        return decode(unbase64(token.substring(firstDot + 1, lastDot))).target();
    }

    private static boolean signatureMatches(String signed, byte[] sig, PublicKey key) throws TunnelException {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(key);
            signature.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signature.verify(sig);
        } catch (java.security.InvalidKeyException e) {
            throw new TunnelException(TunnelError.INTERNAL, "the relay's ticket key is not an Ed25519 public key", e);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] encode(StreamTicket t) {
        if (t.target() == null || t.expiresAt() == null) {
            throw new IllegalArgumentException("ticket needs a target and an expiry");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeText(out, "ticket id", t.ticketId());
            writeText(out, "account", t.account());
            writeText(out, "user", t.user());
            writeText(out, "device id", t.deviceId());
            writeText(out, "target host", t.target().host());
            out.writeShort(t.target().port());
            out.writeLong(t.expiresAt().getEpochSecond());
            out.writeInt(t.expiresAt().getNano());
            if (!isHolder(t.holder())) {
                throw new IllegalArgumentException("ticket holder must be the SHA-256 fingerprint of the client"
                        + " certificate (64 lowercase hex digits, Tickets.fingerprint), or empty for an unbound ticket");
            }
            out.writeShort(t.holder().length());
            out.writeBytes(t.holder());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static void writeText(DataOutputStream out, String field, String value) throws IOException {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("ticket " + field + " is empty");
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_TOKEN_LENGTH) {
            throw new IllegalArgumentException("ticket " + field + " is too long");
        }
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static StreamTicket decode(byte[] payload) throws TunnelException {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            String ticketId = readText(in, "ticket id");
            String account = readText(in, "account");
            String user = readText(in, "user");
            String deviceId = readText(in, "device id");
            String host = readText(in, "target host");
            int port = Short.toUnsignedInt(in.getShort());
            long seconds = in.getLong();
            int nanos = in.getInt();
            String holder = readHolder(in);
            if (in.hasRemaining()) {
                throw TunnelException.of(TunnelError.BAD_TICKET, "trailing bytes");
            }
            if (nanos < 0 || nanos > 999_999_999) {
                throw TunnelException.of(TunnelError.BAD_TICKET, "expiry out of range");
            }
            return new StreamTicket(ticketId, account, user, deviceId, new LanTarget(host, port),
                    Instant.ofEpochSecond(seconds, nanos), holder);
        } catch (java.nio.BufferUnderflowException e) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "truncated");
        } catch (IllegalArgumentException | DateTimeException e) {
            throw TunnelException.of(TunnelError.BAD_TICKET, e.getMessage());
        }
    }

    private static String readText(ByteBuffer in, String field) throws TunnelException {
        int length = Short.toUnsignedInt(in.getShort());
        if (length == 0 || length > in.remaining()) {
            throw TunnelException.of(TunnelError.BAD_TICKET, field + " is empty or truncated");
        }
        ByteBuffer slice = in.slice().limit(length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw TunnelException.of(TunnelError.BAD_TICKET, field + " is not UTF-8");
        }
    }

    private static String readHolder(ByteBuffer in) throws TunnelException {
        int length = Short.toUnsignedInt(in.getShort());
        if (length == 0) {
            return "";
        }
        if (length != FINGERPRINT_LENGTH || length > in.remaining()) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "holder is not a certificate fingerprint");
        }
        byte[] ascii = new byte[length];
        in.get(ascii);
        String holder = new String(ascii, StandardCharsets.US_ASCII);
        if (!isHolder(holder)) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "holder is not a certificate fingerprint");
        }
        return holder;
    }

    /** Empty (unbound) or a SHA-256 fingerprint as {@link #fingerprint} writes it. */
    private static boolean isHolder(String holder) {
        if (holder.isEmpty()) {
            return true;
        }
        if (holder.length() != FINGERPRINT_LENGTH) {
            return false;
        }
        for (int i = 0; i < holder.length(); i++) {
            char c = holder.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] unbase64(String text) throws TunnelException {
        if (text.isEmpty()) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "empty part");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                throw TunnelException.of(TunnelError.BAD_TICKET, "not base64url text");
            }
        }
        try {
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw TunnelException.of(TunnelError.BAD_TICKET, "not base64url text");
        }
    }
}
