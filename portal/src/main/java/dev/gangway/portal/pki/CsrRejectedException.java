package dev.gangway.portal.pki;

/** A certificate signing request that cannot be used; the message names what is wrong and the fix. */
public class CsrRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CsrRejectedException(String message) {
        super(message);
    }
}
