package dev.gangway.portal.account;

import jakarta.servlet.http.HttpServletRequest;
import java.io.Serial;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The sign-in form's details beyond user name and password: the account typed by the user, and the "remember this
 * browser" token the browser presents (never kept in the session: transient).
 */
class SignInDetails extends WebAuthenticationDetails {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Form field holding the account name. */
    public static final String ACCOUNT_PARAMETER = "account";

    /** Longest account name (the column's length); longer input cannot name an account. */
    static final int MAX_ACCOUNT_LENGTH = 64;

    private final String account;
    private final transient String trustedBrowserToken;

    SignInDetails(HttpServletRequest request, String trustedBrowserToken) {
        super(request);
        String value = request.getParameter(ACCOUNT_PARAMETER);
        this.account = value == null ? "" : value.strip();
        this.trustedBrowserToken = trustedBrowserToken;
    }

    String getAccount() {
        return account;
    }

    String getTrustedBrowserToken() {
        return trustedBrowserToken;
    }
}
