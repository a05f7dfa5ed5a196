package dev.gangway.portal.account;

import jakarta.servlet.http.HttpServletRequest;
import java.io.Serial;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** The sign-in form's details beyond user name and password: the account typed by the user. */
class SignInDetails extends WebAuthenticationDetails {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Form field holding the account name. */
    public static final String ACCOUNT_PARAMETER = "account";

    private final String account;

    SignInDetails(HttpServletRequest request) {
        super(request);
        String value = request.getParameter(ACCOUNT_PARAMETER);
        this.account = value == null ? "" : value.strip();
    }

    String getAccount() {
        return account;
    }
}
