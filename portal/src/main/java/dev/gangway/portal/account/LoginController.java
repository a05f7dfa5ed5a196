package dev.gangway.portal.account;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.security.web.WebAttributes;

/**
 * The sign-in page; the form posts to Spring Security's {@code /login}. A refusal the user may be told about
 * (locked, disabled, throttled; {@link SignInRefused}) is shown once in words; any other failure gets the one
 * message that does not tell which part was wrong.
 */
@Controller
class LoginController {

    @GetMapping("/login")
    String login(HttpServletRequest request, Model model) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            Object failure = session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
            if (failure instanceof SignInRefused refused) {
                model.addAttribute("refusal", refused.getMessage());
            }
            session.removeAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        }
        return "account/login";
    }

    /** Ends a half-done sign-in with a message for the sign-in page (too many wrong codes, locked meanwhile). */
    static String restart(HttpServletRequest request, String message) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            try {
                session.invalidate();
            } catch (IllegalStateException alreadyInvalid) {
                // ended meanwhile
            }
        }
        org.springframework.security.core.context.SecurityContextHolder.clearContext();
        request.getSession(true).setAttribute(WebAttributes.AUTHENTICATION_EXCEPTION, new SignInRefused(message));
        return "redirect:/login?error";
    }
}
