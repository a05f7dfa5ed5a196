package dev.gangway.portal.client;

import java.io.Serial;
import org.springframework.http.HttpStatus;

/**
 * A refusal of the client API: answered as {@code {"error":"<code>","message":"<plain words>"}} with its status.
 * The message is for the user of the client (it never holds a secret); it names what was wrong and what to do.
 */
class ClientApiException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final HttpStatus status;
    private final String code;

    ClientApiException(HttpStatus status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    HttpStatus status() {
        return status;
    }

    String code() {
        return code;
    }

    static ClientApiException badRequest(String message) {
        return new ClientApiException(HttpStatus.BAD_REQUEST, "bad-request", message);
    }

    static ClientApiException noSuchDevice(String deviceId) {
        return new ClientApiException(HttpStatus.NOT_FOUND, "no-such-device", "there is no device "
                + printable(deviceId) + " that you may see: check the id with 'gangway devices'");
    }

    static ClientApiException sessionEnded(String message) {
        return new ClientApiException(HttpStatus.UNAUTHORIZED, "session-ended", message);
    }

    /** An id as the user typed it, safe to repeat in a message (no control characters, not too long). */
    static String printable(String text) {
        if (text == null) {
            return "(none)";
        }
        String cleaned = text.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return "'" + (cleaned.length() > 64 ? cleaned.substring(0, 64) + "…" : cleaned) + "'";
    }
}
