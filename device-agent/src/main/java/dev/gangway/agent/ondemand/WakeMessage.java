package dev.gangway.agent.ondemand;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A wake-up SMS as the portal sends it: {@code GANGWAY WAKE <epoch seconds> <signature>}, the signature being the
 * portal CA's {@code SHA256withECDSA} (DER, base64url without padding) over {@code "gangway-wake-v1\n"} followed by
 * {@code "<deviceId> <epoch seconds>"} in UTF-8. Parsing checks the form only; {@link WakeVerifier} checks the rest.
 *
 * @param at the time the portal put into the message (epoch seconds)
 * @param signature the DER signature bytes
 */
public record WakeMessage(long at, byte[] signature) {

    /** What every wake-up SMS starts with. */
    public static final String PREFIX = "GANGWAY WAKE";
    /** The statement purpose the portal signs under ({@code CertificateAuthority.signStatement}). */
    static final String PURPOSE = "wake-v1";
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,12}");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]{16,200}={0,2}");

    public WakeMessage {
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** Whether {@code text} is meant as a wake-up (starts with {@value #PREFIX}, in any case). */
    public static boolean isWake(String text) {
        String t = text.strip();
        return t.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                && (t.length() == PREFIX.length() || Character.isWhitespace(t.charAt(PREFIX.length())));
    }

    /**
     * Parses a wake-up text.
     *
     * @throws WakeRefusedException when it is not {@code GANGWAY WAKE <seconds> <base64url signature>}
     */
    public static WakeMessage parse(String text) throws WakeRefusedException {
        String[] words = text.strip().split("\\s+");
        if (words.length != 4 || !(words[0] + " " + words[1]).toUpperCase(Locale.ROOT).equals(PREFIX)) {
            throw new WakeRefusedException("it is not 'GANGWAY WAKE <time> <signature>'");
        }
        if (!SECONDS.matcher(words[2]).matches()) {
            throw new WakeRefusedException("its time is not a number of seconds");
        }
        if (!BASE64URL.matcher(words[3]).matches()) {
            throw new WakeRefusedException("its signature is not base64url");
        }
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(words[3]);
        } catch (IllegalArgumentException e) {
            throw new WakeRefusedException("its signature is not base64url");
        }
        return new WakeMessage(Long.parseLong(words[2]), signature);
    }

    /** The bytes the portal signed for {@code deviceId} and {@code at}. */
    static byte[] signedBytes(String deviceId, long at) {
        return ("gangway-" + PURPOSE + "\n" + deviceId + " " + at).getBytes(StandardCharsets.UTF_8);
    }
}
