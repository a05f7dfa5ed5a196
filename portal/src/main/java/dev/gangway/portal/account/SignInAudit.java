package dev.gangway.portal.account;

import dev.gangway.portal.system.AuditLog;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.stereotype.Component;

/** Writes sign-ins and failed sign-ins to the audit trail (never the password). */
@Component
class SignInAudit {

    private final AuditLog audit;

    SignInAudit(AuditLog audit) {
        this.audit = audit;
    }

    @EventListener
    void signedIn(AuthenticationSuccessEvent event) {
        if (event.getAuthentication().getPrincipal() instanceof PortalUser user) {
            audit.record("signin", "ok", user.getName(), user.accountId(), null, null);
        }
    }

    @EventListener
    void refused(AbstractAuthenticationFailureEvent event) {
        String account = event.getAuthentication().getDetails() instanceof SignInDetails details
                ? details.getAccount() : "";
        audit.record("signin", "refused", account + "/" + event.getAuthentication().getName(), null, null,
                event.getException().getMessage());
    }
}
