package dev.gangway.portal.account;

import jakarta.servlet.http.HttpSession;
import org.springframework.ui.Model;

/**
 * The secret of an enrolment in progress, kept in the session (never in the database) until the user typed a code
 * that proves their app has it. Reloading the page shows the same secret, so a user who scanned it once is not
 * left with a stale one.
 */
final class Enrolment {

    private static final String ATTRIBUTE = "gangway.totp.enrolment";

    private Enrolment() {
    }

    /** The secret being enrolled by this user in this session, made up the first time. */
    static String secret(HttpSession session, String userId) {
        Object value = session.getAttribute(ATTRIBUTE);
        if (value instanceof String s && s.startsWith(userId + ":")) {
            return s.substring(userId.length() + 1);
        }
        String secret = TwoFactor.newSecret();
        session.setAttribute(ATTRIBUTE, userId + ":" + secret);
        return secret;
    }

    static void finish(HttpSession session) {
        session.removeAttribute(ATTRIBUTE);
    }

    /** What the enrolment widgets show: the secret (grouped by four), its {@code otpauth:} URI and its QR code. */
    static void show(Model model, String accountName, String username, String secret) {
        String uri = TwoFactor.otpauthUri(accountName, username, secret);
        model.addAttribute("totpSecret", TwoFactor.grouped(secret));
        model.addAttribute("totpUri", uri);
        model.addAttribute("totpQr", QrCodes.pngDataUri(uri));
    }
}
