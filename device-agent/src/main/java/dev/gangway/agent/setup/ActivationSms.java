package dev.gangway.agent.setup;

import dev.gangway.agent.portal.PortalApi;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An activation SMS: {@code GANGWAY KEY <activation key> <portal URL>}, as the portal's "Send the key by SMS" writes
 * it. The keywords are matched without regard to case and any run of white space separates the words (phones and
 * gateways reflow texts). Immutable; {@link #toString()} never shows the key.
 *
 * @param activationKey the one-time key
 * @param portal the portal the SMS names (as {@link PortalApi#parseBase} gives it)
 */
public record ActivationSms(String activationKey, URI portal) {

    private static final Pattern WORDS = Pattern.compile("\\s+");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,199}");

    public ActivationSms {
        Objects.requireNonNull(activationKey, "activationKey");
        Objects.requireNonNull(portal, "portal");
    }

    /** Whether the text is meant as an activation SMS (it may still be malformed). */
    public static boolean isActivation(String text) {
        String[] words = WORDS.split(text.strip(), 3);
        return words.length >= 2 && words[0].equalsIgnoreCase("GANGWAY") && words[1].equalsIgnoreCase("KEY");
    }

    /**
     * Reads an activation SMS.
     *
     * @return empty when the text is not one ({@link #isActivation} false)
     * @throws IllegalArgumentException naming what is wrong with one that is
     */
    public static Optional<ActivationSms> parse(String text) {
        if (!isActivation(text)) {
            return Optional.empty();
        }
        String[] words = WORDS.split(text.strip());
        if (words.length != 4) {
            throw new IllegalArgumentException("an activation SMS is 'GANGWAY KEY <key> <portal address>', this one"
                    + " has " + words.length + " words");
        }
        if (!KEY.matcher(words[2]).matches()) {
            throw new IllegalArgumentException("the activation SMS holds no activation key");
        }
        URI portal;
        try {
            portal = PortalApi.parseBase(words[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the activation SMS names no portal address");
        }
        return Optional.of(new ActivationSms(words[2], portal));
    }

    /**
     * Whether two portal addresses name the same portal: scheme and host without regard to case, the port with the
     * scheme's default filled in, the path without a trailing slash.
     */
    public static boolean samePortal(URI a, URI b) {
        return key(a).equals(key(b));
    }

    private static String key(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return scheme + "://" + host + ":" + port + path;
    }

    @Override
    public String toString() {
        return "ActivationSms[portal " + portal + "]";
    }
}
