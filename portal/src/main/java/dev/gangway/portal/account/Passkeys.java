package dev.gangway.portal.account;

import dev.gangway.portal.system.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.webauthn.api.AuthenticatorAssertionResponse;
import org.springframework.security.web.webauthn.api.AuthenticatorAttestationResponse;
import org.springframework.security.web.webauthn.api.PublicKeyCredential;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialCreationOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRequestOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.management.ImmutablePublicKeyCredentialCreationOptionsRequest;
import org.springframework.security.web.webauthn.management.ImmutablePublicKeyCredentialRequestOptionsRequest;
import org.springframework.security.web.webauthn.management.ImmutableRelyingPartyRegistrationRequest;
import org.springframework.security.web.webauthn.management.RelyingPartyAuthenticationRequest;
import org.springframework.security.web.webauthn.management.RelyingPartyPublicKey;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Passkeys (WebAuthn) as a second factor, an alternative to the authenticator app. Spring Security's relying party
 * ({@link PasskeyRelyingParty}) checks challenge, origin, relying party id, signature and counter; this class adds
 * what the sign-in needs on top:
 *
 * <ul>
 *   <li>An assertion counts only for the user who passed the password step: the request options list only that
 *       user's passkeys, the credential must be one of that user's before anything is checked, and the user entity
 *       the library returns must name that user again (the library itself accepts any registered credential).</li>
 *   <li>Adding or removing a passkey changes the user's session stamp ({@code passkeys_changed_at}), so the user's
 *       other sessions end, as when the authenticator app changes; removing one also forgets the remembered
 *       browsers.</li>
 *   <li>Everything is audited: {@code passkey.register}, {@code passkey.delete}, {@code signin.passkey}.</li>
 * </ul>
 */
@Component
public class Passkeys {

    /** Passkeys one user may have: enough for every device of a person, not a table anyone can fill. */
    static final int MAX_PER_USER = 20;

    private static final Logger log = LoggerFactory.getLogger(Passkeys.class);

    private final PasskeyRelyingParty relyingParty;
    private final PasskeyUserEntities userEntities;
    private final PasskeyRepository passkeys;
    private final PasskeyUserRepository handles;
    private final AppUserRepository users;
    private final TrustedBrowsers trustedBrowsers;
    private final AuditLog audit;
    private final Clock clock;

    Passkeys(PasskeyRelyingParty relyingParty, PasskeyUserEntities userEntities, PasskeyRepository passkeys,
            PasskeyUserRepository handles, AppUserRepository users, TrustedBrowsers trustedBrowsers, AuditLog audit,
            Clock clock) {
        this.relyingParty = relyingParty;
        this.userEntities = userEntities;
        this.passkeys = passkeys;
        this.handles = handles;
        this.users = users;
        this.trustedBrowsers = trustedBrowsers;
        this.audit = audit;
        this.clock = clock;
    }

    /** What a passkey assertion at the second step came to: the passkey's label, or why it was refused. */
    record Outcome(boolean accepted, String label, String refusal) {

        static Outcome accepted(String label) {
            return new Outcome(true, label, null);
        }

        static Outcome refused(String why) {
            return new Outcome(false, null, why);
        }
    }

    /** Whether the user has a passkey (then they are enrolled in two-factor sign-in). */
    @Transactional(readOnly = true)
    public boolean has(String userId) {
        return passkeys.existsByUserId(userId);
    }

    /** The user's passkeys, oldest first. */
    @Transactional(readOnly = true)
    List<Passkey> of(String userId) {
        return passkeys.findByUserIdOrderByCreatedAt(userId);
    }

    /** Why a label cannot name a passkey, if it cannot. */
    static Optional<String> labelError(String label) {
        String name = label == null ? "" : label.strip();
        if (name.isEmpty()) {
            return Optional.of("Give the passkey a name, e.g. the device or key it is on.");
        }
        if (name.length() > Passkey.MAX_LABEL_LENGTH) {
            return Optional.of("The name is at most " + Passkey.MAX_LABEL_LENGTH + " characters.");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("The name cannot contain control characters.");
        }
        return Optional.empty();
    }

    /** Why the user cannot add another passkey, if they cannot. */
    @Transactional(readOnly = true)
    Optional<String> cannotAdd(String userId) {
        return passkeys.findByUserIdOrderByCreatedAt(userId).size() >= MAX_PER_USER
                ? Optional.of("You have " + MAX_PER_USER + " passkeys, the most a user can have: delete one first.")
                : Optional.empty();
    }

    /** Registration options for a signed-in user: a fresh challenge, the user's handle, their passkeys excluded. */
    @Transactional
    PublicKeyCredentialCreationOptions creationOptions(AppUser user) {
        userEntities.ensure(user);
        return relyingParty.operations().createPublicKeyCredentialCreationOptions(
                new ImmutablePublicKeyCredentialCreationOptionsRequest(as(user.getId())));
    }

    /**
     * Checks and stores a new passkey made for {@code options} (which must be this user's, from this session);
     * audited either way. Empty when registered, else the sentence for the page.
     */
    @Transactional
    Optional<String> register(AppUser user, PublicKeyCredentialCreationOptions options,
            PublicKeyCredential<AuthenticatorAttestationResponse> credential, String label, String actor) {
        String name = label.strip();
        if (!user.getId().equals(options.getUser().getName())) {
            throw new IllegalArgumentException("registration options of another user");
        }
        try {
            relyingParty.operations().registerCredential(new ImmutableRelyingPartyRegistrationRequest(options,
                    new RelyingPartyPublicKey(credential, name)));
        } catch (RuntimeException e) {
            log.info("Refused a passkey registration of {}: {}", actor, e.toString());
            audit.record("passkey.register", "refused", actor, user.getAccountId(), null, "passkey \"" + name
                    + "\" of " + user.getUsername() + " refused: " + reason(e));
            return Optional.of("The passkey could not be registered: the browser's answer was not accepted. Try "
                    + "again.");
        }
        changed(user);
        audit.record("passkey.register", "ok", actor, user.getAccountId(), null, "passkey \"" + name
                + "\" registered for " + user.getUsername());
        return Optional.empty();
    }

    /**
     * Request options for the second step: a fresh challenge, and only this user's passkeys allowed. Empty when the
     * user has none (an empty list would let the browser offer any passkey it holds for the portal).
     */
    @Transactional(readOnly = true)
    Optional<PublicKeyCredentialRequestOptions> requestOptions(String userId) {
        if (!passkeys.existsByUserId(userId)) {
            return Optional.empty();
        }
        PublicKeyCredentialRequestOptions options = relyingParty.operations().createCredentialRequestOptions(
                new ImmutablePublicKeyCredentialRequestOptionsRequest(as(userId)));
        return options.getAllowCredentials().isEmpty() ? Optional.empty() : Optional.of(options);
    }

    /**
     * Checks an assertion at the second step of {@code user}'s sign-in against the options of this session: a
     * passkey of this user, signed on an allowed origin over the challenge. Audited as {@code signin.passkey}.
     */
    @Transactional
    Outcome authenticate(PortalUser user, PublicKeyCredentialRequestOptions options,
            PublicKeyCredential<AuthenticatorAssertionResponse> credential) {
        String credentialId = credential.getRawId() == null ? ""
                : PasskeyUserEntities.encode(credential.getRawId().getBytes());
        Optional<Passkey> passkey = passkeys.findByUserIdAndCredentialId(user.userId(), credentialId);
        if (passkey.isEmpty()) {
            return refused(user, "not a passkey of this user");
        }
        PublicKeyCredentialUserEntity entity;
        try {
            entity = relyingParty.operations().authenticate(new RelyingPartyAuthenticationRequest(options,
                    credential));
        } catch (RuntimeException e) {
            log.info("Refused a passkey assertion of {}: {}", user.getName(), e.toString());
            return refused(user, reason(e));
        }
        if (entity == null || !user.userId().equals(entity.getName())) {
            throw new IllegalStateException("a passkey of " + user.getName() + " named another user entity");
        }
        audit.record("signin.passkey", "ok", user.getName(), user.accountId(), null, "passkey \""
                + passkey.get().getLabel() + "\"");
        return Outcome.accepted(passkey.get().getLabel());
    }

    /** The user deletes one of their own passkeys (after proving their password); false when it is not theirs. */
    @Transactional
    boolean delete(AppUser user, String credentialId, String actor) {
        Optional<Passkey> passkey = passkeys.findByUserIdAndCredentialId(user.getId(), credentialId);
        if (passkey.isEmpty()) {
            return false;
        }
        passkeys.delete(passkey.get());
        trustedBrowsers.forget(user.getId());
        changed(user);
        audit.record("passkey.delete", "ok", actor, user.getAccountId(), null, "passkey \""
                + passkey.get().getLabel() + "\" of " + user.getUsername() + " deleted");
        return true;
    }

    /**
     * Removes every passkey and the user handle of a user (an admin's "reset two-factor"); the caller forgets the
     * remembered browsers and audits. Returns how many passkeys there were.
     */
    @Transactional
    int deleteAll(String userId) {
        int deleted = passkeys.deleteByUser(userId);
        handles.deleteByUser(userId);
        if (deleted > 0) {
            AppUser managed = users.findById(userId).orElseThrow();
            managed.setPasskeysChangedAt(nextChange(managed.getPasskeysChangedAt()));
            users.save(managed);
        }
        return deleted;
    }

    private Outcome refused(PortalUser user, String why) {
        audit.record("signin.passkey", "refused", user.getName(), user.accountId(), null, why);
        return Outcome.refused(why);
    }

    /** The session stamp changes: the user's other sessions end. */
    private void changed(AppUser user) {
        AppUser managed = users.findById(user.getId()).orElseThrow();
        managed.setPasskeysChangedAt(nextChange(managed.getPasskeysChangedAt()));
        users.save(managed);
        user.setPasskeysChangedAt(managed.getPasskeysChangedAt());
    }

    /** Now, in milliseconds, but always after the last change: two changes in one millisecond still differ. */
    private Instant nextChange(Instant last) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        return last == null || now.isAfter(last) ? now : last.truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
    }

    /** The library's reason in a few words for the audit trail (its messages hold no secrets, but may be long). */
    private static String reason(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String simple = e.getClass().getSimpleName();
        String text = simple + ": " + message;
        return text.length() <= 200 ? text : text.substring(0, 200);
    }

    /** The authentication Spring's relying party looks users up by: named by the app_user id. */
    private static Authentication as(String userId) {
        return UsernamePasswordAuthenticationToken.authenticated(userId, null, List.of());
    }
}
