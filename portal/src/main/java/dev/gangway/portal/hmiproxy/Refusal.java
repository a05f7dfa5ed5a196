package dev.gangway.portal.hmiproxy;

import dev.gangway.tunnel.TunnelException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** An answer the proxy gives itself instead of the device's, in words a user can act on. */
record Refusal(HttpResponseStatus status, String title, String message) implements Admission.Verdict {

    private static final String OPEN_AGAIN = "Open the HMI again from the device page in the portal.";

    static Refusal unknownHost() {
        return new Refusal(HttpResponseStatus.NOT_FOUND, "Unknown HMI address",
                "This address does not belong to an HMI session. " + OPEN_AGAIN);
    }

    static Refusal ended() {
        return new Refusal(HttpResponseStatus.GONE, "This HMI session has ended",
                "It expired or was closed. " + OPEN_AGAIN);
    }

    static Refusal noCookie() {
        return new Refusal(HttpResponseStatus.FORBIDDEN, "This HMI session needs its cookie",
                "Your browser did not send this HMI session's cookie. " + OPEN_AGAIN);
    }

    static Refusal entryUsed() {
        return new Refusal(HttpResponseStatus.FORBIDDEN, "This entry link is no longer valid",
                "Entry links work once and only for a minute. " + OPEN_AGAIN);
    }

    static Refusal foreignOrigin(String origin) {
        return new Refusal(HttpResponseStatus.FORBIDDEN, "Request from another site refused",
                "The request came from " + (origin == null ? "a page that did not say where it was" : origin)
                        + ", not from this HMI's own pages, so it was not passed to the device.");
    }

    static Refusal badRequest(String message) {
        return new Refusal(HttpResponseStatus.BAD_REQUEST, "Bad request", message);
    }

    static Refusal tooManyConnections(int limit) {
        return new Refusal(HttpResponseStatus.SERVICE_UNAVAILABLE, "Too many connections", "This HMI session"
                + " already has " + limit + " open connections. Close other tabs of this HMI and reload.");
    }

    static Refusal deviceClosed() {
        return new Refusal(HttpResponseStatus.BAD_GATEWAY, "The device closed the connection",
                "The device's web server closed the connection without answering. Try again.");
    }

    static Refusal invalidDeviceAnswer(String why) {
        return new Refusal(HttpResponseStatus.BAD_GATEWAY, "The device sent an invalid answer",
                "The device's web server answered, but " + why + ".");
    }

    /** For a request the HTTP decoder could not read. */
    static Refusal undecodable(Throwable cause, int maxHeaderSize) {
        if (cause instanceof TooLongHttpHeaderException) {
            return new Refusal(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large",
                    "The request's headers are longer than " + maxHeaderSize + " bytes.");
        }
        if (cause instanceof TooLongHttpLineException) {
            return new Refusal(HttpResponseStatus.REQUEST_URI_TOO_LONG, "Request line too long",
                    "The request's address is too long.");
        }
        if (cause instanceof TooLongFrameException) {
            return badRequest("Part of the request is too long.");
        }
        return badRequest("The request is not valid HTTP/1.1: "
                + (cause == null ? "unknown reason" : cause.getMessage()));
    }

    /** For a device stream that could not be opened: offline, refused by the agent, or too slow. */
    static Refusal deviceFailure(Throwable error, Duration relayTimeout) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException) {
            return new Refusal(HttpResponseStatus.GATEWAY_TIMEOUT, "The device did not answer in time",
                    "No connection to the device came up within " + relayTimeout.toSeconds() + " seconds. Try"
                            + " again; if it keeps happening, check the device's network connection.");
        }
        if (!(cause instanceof TunnelException tunnel)) {
            return new Refusal(HttpResponseStatus.BAD_GATEWAY, "Could not reach the device",
                    "The connection through the relay failed: " + cause.getMessage());
        }
        return switch (tunnel.error()) {
            case DEVICE_OFFLINE -> new Refusal(HttpResponseStatus.BAD_GATEWAY, "The device is offline",
                    "The device has no connection to the relay right now. Check that the device agent is running"
                            + " and has network access, then try again.");
            case TIMEOUT -> new Refusal(HttpResponseStatus.GATEWAY_TIMEOUT, "The device did not answer in time",
                    tunnel.getMessage());
            case TARGET_NOT_ALLOWED, TARGET_UNREACHABLE -> new Refusal(HttpResponseStatus.BAD_GATEWAY,
                    "The device refused the connection", "The device agent said: " + tunnel.getMessage());
            case TOO_MANY_STREAMS -> new Refusal(HttpResponseStatus.SERVICE_UNAVAILABLE, "The device is busy",
                    "The device agent said: " + tunnel.getMessage() + ". Close other connections and retry.");
            default -> new Refusal(HttpResponseStatus.BAD_GATEWAY, "Could not reach the device",
                    tunnel.getMessage());
        };
    }
}
