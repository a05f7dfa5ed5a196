package dev.gangway.portal.sms;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The SMS gateway. Without {@code gangway.sms.http.url} no SMS is sent (log-only).
 *
 * @param http the generic HTTP provider
 */
@Validated
@ConfigurationProperties("gangway.sms")
public record SmsSettings(@DefaultValue Http http) {

    /**
     * A generic HTTP SMS provider: one request per SMS; any 2xx answer counts as sent.
     *
     * @param url the provider's address ({@code https://sms.example.com/send}); {@code {to}} and {@code {text}} in
     *     it are replaced, URL-encoded (for providers that take the message in the query). Empty: log-only. It may
     *     hold an API key in its query, so it is never logged or audited whole, only its host
     * @param method {@code POST} (default), {@code PUT} or {@code GET} (sends no body)
     * @param bodyTemplate the request body, with {@code {to}} and {@code {text}} replaced, escaped for the content
     *     type: JSON string escaping for {@code application/json} and {@code …+json}, URL encoding for
     *     {@code application/x-www-form-urlencoded}, XML escaping for {@code …xml}, as is otherwise. Default
     *     {@code {"to":"{to}","text":"{text}"}}
     * @param contentType the body's content type (default {@code application/json})
     * @param username with {@code password}: HTTP Basic authentication
     * @param password the Basic password
     * @param bearerToken instead of Basic: {@code Authorization: Bearer <token>}
     * @param timeout for connecting and, again, for the answer (default 10 s)
     */
    public record Http(String url, @DefaultValue("POST") String method,
            @DefaultValue("{\"to\":\"{to}\",\"text\":\"{text}\"}") String bodyTemplate,
            @DefaultValue("application/json") String contentType, String username, String password,
            String bearerToken, @DefaultValue("10s") Duration timeout) {

        private static final Set<String> METHODS = Set.of("GET", "POST", "PUT");

        public Http {
            url = blankToNull(url);
            username = blankToNull(username);
            password = password == null || password.isEmpty() ? null : password;
            bearerToken = blankToNull(bearerToken);
            method = method == null || method.isBlank() ? "POST" : method.strip().toUpperCase(Locale.ROOT);
            bodyTemplate = bodyTemplate == null ? "" : bodyTemplate;
            contentType = contentType == null || contentType.isBlank() ? "application/json" : contentType.strip();
            if (url != null) {
                checkUrl(url);
            }
            if (!METHODS.contains(method)) {
                throw new IllegalArgumentException("gangway.sms.http.method must be POST, PUT or GET (it is "
                        + method + ")");
            }
            if (contentType.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("gangway.sms.http.content-type must be one line, e.g. "
                        + "application/json");
            }
            if ((username == null) != (password == null)) {
                throw new IllegalArgumentException("gangway.sms.http.username and gangway.sms.http.password go "
                        + "together (HTTP Basic): set both, or neither");
            }
            if (username != null && bearerToken != null) {
                throw new IllegalArgumentException("set either gangway.sms.http.username/password (Basic) or "
                        + "gangway.sms.http.bearer-token, not both");
            }
            if (username != null && username.indexOf(':') >= 0) {
                throw new IllegalArgumentException("gangway.sms.http.username must not contain ':' (HTTP Basic "
                        + "cannot carry it)");
            }
            if (bearerToken != null && bearerToken.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
                throw new IllegalArgumentException("gangway.sms.http.bearer-token must be printable ASCII without "
                        + "spaces (as the provider issued it)");
            }
            if (timeout == null || timeout.compareTo(Duration.ofSeconds(1)) < 0
                    || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("gangway.sms.http.timeout must lie between 1s and 60s, e.g. 10s"
                        + " (it is " + timeout + ")");
            }
        }

        /** Whether an HTTP provider is configured (else SMS are only logged). */
        public boolean configured() {
            return url != null;
        }

        /** The host of the URL, for logs and the audit log (the URL itself may hold an API key). */
        String host() {
            return url == null ? "" : URI.create(url.replace("{to}", "x").replace("{text}", "x")).getHost();
        }

        /** Never shows the password or the token (records print every component otherwise). */
        @Override
        public String toString() {
            return "Http[url host " + host() + ", method " + method + ", content type " + contentType
                    + (username != null ? ", Basic auth" : bearerToken != null ? ", bearer token" : "") + "]";
        }

        private static void checkUrl(String url) {
            URI uri;
            try {
                uri = new URI(url.replace("{to}", "x").replace("{text}", "x"));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("gangway.sms.http.url is not a URL: use e.g. "
                        + "https://sms.example.com/send");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("gangway.sms.http.url must be an http:// or https:// address "
                        + "with a host, e.g. https://sms.example.com/send");
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("gangway.sms.http.url must not hold a user name or password: "
                        + "set gangway.sms.http.username and gangway.sms.http.password instead");
            }
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
