package dev.gangway.tunnel;

/** A refusal or failure in the tunnel, carrying its {@link TunnelError}. */
public final class TunnelException extends Exception {

    private static final long serialVersionUID = 1L;

    private final TunnelError error;

    public TunnelException(TunnelError error, String message) {
        super(message);
        this.error = error;
    }

    public TunnelException(TunnelError error, String message, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    public TunnelError error() {
        return error;
    }

    public static TunnelException of(TunnelError error, String detail) {
        return new TunnelException(error, error.description() + (detail == null ? "" : ": " + detail));
    }
}
