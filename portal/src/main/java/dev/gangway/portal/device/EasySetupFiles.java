package dev.gangway.portal.device;

import dev.gangway.portal.pki.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes Easy Setup files ({@code gangway-setup.json}) for a USB stick or SD card: the activation key, the portal's
 * address and the site's proxy, signed by the portal's CA so the agent can tell a changed file
 * ({@link CertificateAuthority#signStatement} with purpose {@value #PURPOSE} over the payload's exact bytes):
 *
 * <pre>
 * {"format":"gangway-easy-setup","version":1,"payload":"&lt;base64url&gt;","signature":"&lt;base64url&gt;","ca":"&lt;PEM&gt;"}
 * payload: {"portal","activationKey","deviceId","deviceName","issuedAt","expiresAt",
 *           "proxy":null|{"host","port","auth":"none|basic|ntlm","username","password","domain"}}
 * </pre>
 *
 * The file holds the activation key and maybe a proxy password: it is made on request and never stored. Stateless and
 * thread-safe.
 */
@Component
class EasySetupFiles {

    static final String FORMAT = "gangway-easy-setup";
    static final int VERSION = 1;
    static final String PURPOSE = "easy-setup-v1";
    static final String FILE_NAME = "gangway-setup.json";

    private final CertificateAuthority authority;
    private final JsonMapper json;

    EasySetupFiles(CertificateAuthority authority, JsonMapper json) {
        this.authority = authority;
        this.json = json;
    }

    /**
     * The HTTP proxy the site's agent goes through, as typed on the activation page.
     *
     * @param host host name or address
     * @param port TCP port
     * @param auth {@code none}, {@code basic} or {@code ntlm}
     * @param username with basic or ntlm
     * @param password with basic or ntlm
     * @param domain the Windows domain (ntlm only), or null
     */
    record Proxy(String host, int port, String auth, String username, String password, String domain) {

        private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");
        private static final int MAX_TEXT = 256;

        /**
         * Reads the form's proxy fields: all empty means no proxy.
         *
         * @throws IllegalArgumentException with a sentence naming the field and the fix
         */
        static Optional<Proxy> fromForm(String host, String port, String auth, String username, String password,
                String domain) {
            host = blankToNull(host);
            port = blankToNull(port);
            username = blankToNull(username);
            domain = blankToNull(domain);
            password = password == null || password.isEmpty() ? null : password;
            String scheme = auth == null || auth.isBlank() ? "none" : auth.strip().toLowerCase(Locale.ROOT);
            if (host == null && port == null && username == null && password == null && domain == null) {
                return Optional.empty();
            }
            if (host == null || !HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("Proxy host: enter the proxy's host name or IP address, e.g. "
                        + "proxy.factory.example or 10.0.0.1.");
            }
            int number;
            try {
                number = Integer.parseInt(port == null ? "" : port);
            } catch (NumberFormatException e) {
                number = 0;
            }
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("Proxy port: enter the proxy's TCP port (1-65535), often 3128 or "
                        + "8080.");
            }
            switch (scheme) {
                case "none" -> {
                    if (username != null || password != null || domain != null) {
                        throw new IllegalArgumentException("Proxy authentication: choose Basic or NTLM for a user "
                                + "name and password, or leave them empty.");
                    }
                }
                case "basic", "ntlm" -> {
                    if (username == null || password == null) {
                        throw new IllegalArgumentException("Proxy user and password: " + scheme.toUpperCase(
                                Locale.ROOT) + " authentication needs both.");
                    }
                    if (username.indexOf(':') >= 0 || username.length() > MAX_TEXT || hasControl(username)) {
                        throw new IllegalArgumentException("Proxy user: enter the user name alone (no ':'), without "
                                + "the domain.");
                    }
                    if (password.length() > MAX_TEXT || hasControl(password)) {
                        throw new IllegalArgumentException("Proxy password: at most " + MAX_TEXT + " characters, "
                                + "on one line.");
                    }
                    if (domain != null && (!scheme.equals("ntlm") || domain.length() > 100 || hasControl(domain))) {
                        throw new IllegalArgumentException("Proxy domain: only NTLM uses a Windows domain (up to "
                                + "100 characters); leave it empty for Basic.");
                    }
                }
                default -> throw new IllegalArgumentException("Proxy authentication: choose none, Basic or NTLM.");
            }
            return Optional.of(new Proxy(host, number, scheme, username, password, domain));
        }

        /** For the audit log: never the password. */
        String describe() {
            return host + ":" + port + (auth.equals("none") ? "" : ", " + auth + " as "
                    + (domain == null ? "" : domain + "\\") + username);
        }

        @Override
        public String toString() {
            return "Proxy[" + describe() + "]";
        }

        private static boolean hasControl(String s) {
            return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.strip();
        }
    }

    /**
     * The file's bytes.
     *
     * @param keyText the activation key (any typed form; written in its display form)
     * @param expiresAt when the key expires
     * @param portal the address the agent registers at
     */
    byte[] make(Device device, String keyText, Instant expiresAt, String portal, Optional<Proxy> proxy,
            Instant now) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("portal", portal);
        payload.put("activationKey", display(ActivationKeys.normalise(keyText)));
        payload.put("deviceId", device.getId());
        payload.put("deviceName", device.getName());
        payload.put("issuedAt", now.truncatedTo(ChronoUnit.SECONDS).toString());
        payload.put("expiresAt", expiresAt.toString());
        payload.put("proxy", proxy.map(EasySetupFiles::proxyJson).orElse(null));
        byte[] payloadBytes = json.writeValueAsBytes(payload);
        Base64.Encoder base64url = Base64.getUrlEncoder().withoutPadding();
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("format", FORMAT);
        file.put("version", VERSION);
        file.put("payload", base64url.encodeToString(payloadBytes));
        file.put("signature", base64url.encodeToString(authority.signStatement(PURPOSE, payloadBytes)));
        file.put("ca", authority.certificatePem());
        return (json.writeValueAsString(file) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> proxyJson(Proxy proxy) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("host", proxy.host());
        p.put("port", proxy.port());
        p.put("auth", proxy.auth());
        p.put("username", proxy.username());
        p.put("password", proxy.password());
        p.put("domain", proxy.domain());
        return p;
    }

    /** {@code ABCDEFGH...} as {@code ABCD-EFGH-...}, as the activation page shows it. */
    static String display(String canonical) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < canonical.length(); i += 4) {
            if (i > 0) {
                out.append('-');
            }
            out.append(canonical, i, Math.min(i + 4, canonical.length()));
        }
        return out.toString();
    }
}
