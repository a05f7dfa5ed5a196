package dev.gangway.portal.account;

import dev.gangway.portal.system.PortalSettings;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * "Remember this browser": a random token in a cookie ({@code __Host-gangway-trusted} with secure cookies, else
 * {@code gangway-trusted}; HttpOnly, SameSite=Lax, host-only), its SHA-256 in {@code trusted_browser}, bound to one
 * user, for the account's {@code rememberBrowserDays}. It only skips the TOTP step: the password is always asked.
 * All of a user's remembered browsers are forgotten when their second factor or password changes, when their
 * password is reset and when they are disabled.
 */
@Component
class TrustedBrowsers {

    private final TrustedBrowserRepository browsers;
    private final PortalSettings portal;
    private final Clock clock;

    TrustedBrowsers(TrustedBrowserRepository browsers, PortalSettings portal, Clock clock) {
        this.browsers = browsers;
        this.portal = portal;
        this.clock = clock;
    }

    String cookieName() {
        return portal.secureCookies() ? "__Host-gangway-trusted" : "gangway-trusted";
    }

    /** The token the browser presents, or null. */
    String tokenOf(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (cookieName().equals(cookie.getName()) && cookie.getValue() != null
                    && cookie.getValue().length() <= 100) {
                return cookie.getValue();
            }
        }
        return null;
    }

    /**
     * Whether the token is a remembered browser of this user, still within its days: both the days it was
     * remembered for and the account's current {@code rememberBrowserDays} (an admin who shortens them, or sets 0,
     * shortens or ends every remembered browser at once).
     */
    @Transactional(readOnly = true)
    boolean trusts(Account account, AppUser user, String token) {
        int days = account.getRememberBrowserDays();
        if (token == null || token.isEmpty() || days <= 0) {
            return false;
        }
        Instant now = clock.instant();
        return browsers.findByTokenHash(Tokens.sha256(token))
                .filter(b -> b.getUserId().equals(user.getId()) && now.isBefore(b.getExpiresAt())
                        && b.getCreatedAt() != null && now.isBefore(b.getCreatedAt().plus(Duration.ofDays(days))))
                .isPresent();
    }

    /** Remembers the browser of this request for the account's days; 0 days: nothing. */
    @Transactional
    void remember(Account account, AppUser user, HttpServletRequest request, HttpServletResponse response) {
        int days = account.getRememberBrowserDays();
        if (days <= 0) {
            return;
        }
        String token = Tokens.token();
        Instant now = clock.instant();
        browsers.save(new TrustedBrowser(user.getId(), Tokens.sha256(token), request.getHeader("User-Agent"), now,
                now.plus(Duration.ofDays(days))));
        ResponseCookie cookie = ResponseCookie.from(cookieName(), token).path("/").httpOnly(true)
                .secure(portal.secureCookies()).sameSite("Lax").maxAge(Duration.ofDays(days)).build();
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
    }

    /** Forgets every remembered browser of the user (second factor or password changed or reset, disabled). */
    @Transactional
    void forget(String userId) {
        browsers.deleteByUser(userId);
    }
}
