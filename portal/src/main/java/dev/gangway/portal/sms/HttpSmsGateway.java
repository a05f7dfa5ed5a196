package dev.gangway.portal.sms;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The generic HTTP SMS provider ({@code gangway.sms.http.*}): one request per SMS, with {@code {to}} and
 * {@code {text}} put into the URL (URL-encoded) and the body template (escaped for its content type), Basic or
 * bearer credentials, the configured timeout for connecting and again for the answer, no redirects followed. A 2xx
 * answer counts as sent; anything else, or no answer, as failed, with the status and the start of the answer in the
 * result (never the credentials, the URL's query or the message).
 *
 * <p>Thread-safe (one {@link HttpClient}); each call blocks until the answer or the timeout.
 */
final class HttpSmsGateway implements SmsGateway {

    private static final Logger log = LoggerFactory.getLogger(HttpSmsGateway.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(to|text)}");
    /** How much of the provider's answer goes into a failure's detail. */
    private static final int ANSWER_SHOWN = 200;

    private final SmsSettings.Http settings;
    private final HttpClient client;
    private final String host;

    HttpSmsGateway(SmsSettings.Http settings) {
        if (!settings.configured()) {
            throw new IllegalArgumentException("the HTTP SMS provider needs gangway.sms.http.url");
        }
        this.settings = settings;
        this.host = settings.host();
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public SmsResult send(String to, String text) {
        HttpRequest request;
        try {
            request = request(to, text);
        } catch (IllegalArgumentException e) {
            // a phone number or text that makes the URL invalid cannot happen with URL encoding; kept as a failure
            return SmsResult.failed("the SMS request to " + host + " could not be built: " + e.getMessage());
        }
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            String answer = answer(response.body());
            if (status >= 200 && status < 300) {
                return SmsResult.sent("HTTP " + status + " from " + host);
            }
            return SmsResult.failed("HTTP " + status + " from " + host + (answer.isEmpty() ? "" : ": " + answer));
        } catch (HttpConnectTimeoutException e) {
            return SmsResult.failed("cannot reach " + host + ": no connection within " + settings.timeout()
                    .toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            return SmsResult.failed("no answer from " + host + " within " + settings.timeout().toSeconds() + " s");
        } catch (ConnectException e) {
            return SmsResult.failed("cannot reach " + host + ": connection refused");
        } catch (IOException e) {
            log.debug("SMS request to {} failed", host, e);
            return SmsResult.failed("cannot reach " + host + ": " + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SmsResult.failed("interrupted while sending to " + host);
        }
    }

    /** The request for one SMS. */
    private HttpRequest request(String to, String text) {
        UnaryOperator<String> inUrl = value -> URLEncoder.encode(value, StandardCharsets.UTF_8);
        URI uri = URI.create(fill(settings.url(), to, text, inUrl));
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(settings.timeout());
        if ("GET".equals(settings.method())) {
            builder.GET();
        } else {
            String body = fill(settings.bodyTemplate(), to, text, escaperFor(settings.contentType()));
            builder.method(settings.method(), HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .header("Content-Type", settings.contentType());
        }
        if (settings.username() != null) {
            String pair = settings.username() + ":" + settings.password();
            builder.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else if (settings.bearerToken() != null) {
            builder.header("Authorization", "Bearer " + settings.bearerToken());
        }
        return builder.build();
    }

    /**
     * The template with each placeholder replaced by its escaped value, in one pass: a text that itself holds
     * "{to}" stays as it is.
     */
    private static String fill(String template, String to, String text, UnaryOperator<String> escape) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = "to".equals(matcher.group(1)) ? to : text;
            matcher.appendReplacement(out, Matcher.quoteReplacement(escape.apply(value)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** How values are escaped in a body of this content type. */
    private static UnaryOperator<String> escaperFor(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        int parameters = type.indexOf(';');
        String mediaType = (parameters >= 0 ? type.substring(0, parameters) : type).strip();
        if (mediaType.endsWith("/json") || mediaType.endsWith("+json")) {
            return value -> new String(JsonStringEncoder.getInstance().quoteAsCharArray(value));
        }
        if (mediaType.equals("application/x-www-form-urlencoded")) {
            return value -> URLEncoder.encode(value, StandardCharsets.UTF_8);
        }
        if (mediaType.endsWith("/xml") || mediaType.endsWith("+xml")) {
            return value -> HtmlUtils.htmlEscapeDecimal(value);
        }
        return UnaryOperator.identity();
    }

    /** The start of the provider's answer, on one line, for a failure's detail. */
    private static String answer(InputStream body) throws IOException {
        try (body) {
            byte[] start = body.readNBytes(ANSWER_SHOWN * 4);
            String text = new String(start, StandardCharsets.UTF_8).replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
            return text.length() > ANSWER_SHOWN ? text.substring(0, ANSWER_SHOWN) + "…" : text;
        }
    }
}
