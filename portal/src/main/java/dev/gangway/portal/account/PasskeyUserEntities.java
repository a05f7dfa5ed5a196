package dev.gangway.portal.account;

import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialUserEntityRepository;
import org.springframework.stereotype.Component;

/**
 * Spring Security's WebAuthn user entities over {@code passkey_user}. The entity's name is the app_user id, unique in
 * the whole portal (user names are unique per account only, so a name would mix up users of two accounts); its
 * display name is {@code account/user}, what the authenticator shows; its id is the random user handle.
 */
@Component
class PasskeyUserEntities implements PublicKeyCredentialUserEntityRepository {

    /** Bytes of a user handle (WebAuthn allows up to 64). */
    private static final int HANDLE_BYTES = 32;

    private final PasskeyUserRepository handles;
    private final AppUserRepository users;
    private final AccountRepository accounts;
    private final Clock clock;

    PasskeyUserEntities(PasskeyUserRepository handles, AppUserRepository users, AccountRepository accounts,
            Clock clock) {
        this.handles = handles;
        this.users = users;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** The user's handle, made now when the user has none yet (before their first passkey is registered). */
    PasskeyUser ensure(AppUser user) {
        return handles.findById(user.getId()).orElseGet(() -> handles.save(new PasskeyUser(user.getId(),
                encode(Tokens.randomBytes(HANDLE_BYTES)), clock.instant())));
    }

    @Override
    public PublicKeyCredentialUserEntity findById(Bytes id) {
        return id == null ? null : handles.findByHandle(encode(id.getBytes())).flatMap(this::entity).orElse(null);
    }

    /** By app_user id (the entity's "user name"). */
    @Override
    public PublicKeyCredentialUserEntity findByUsername(String username) {
        return username == null ? null : handles.findById(username).flatMap(this::entity).orElse(null);
    }

    /** Only for an existing portal user, and only once: a user keeps their handle. */
    @Override
    public void save(PublicKeyCredentialUserEntity userEntity) {
        if (handles.existsById(userEntity.getName())) {
            return;
        }
        if (!users.existsById(userEntity.getName())) {
            throw new IllegalArgumentException("a passkey user entity must be named by an app_user id");
        }
        handles.save(new PasskeyUser(userEntity.getName(), encode(userEntity.getId().getBytes()), clock.instant()));
    }

    @Override
    public void delete(Bytes id) {
        handles.findByHandle(encode(id.getBytes())).ifPresent(handles::delete);
    }

    private Optional<PublicKeyCredentialUserEntity> entity(PasskeyUser handle) {
        return users.findById(handle.getUserId()).map(user -> ImmutablePublicKeyCredentialUserEntity.builder()
                .id(new Bytes(decode(handle.getHandle())))
                .name(user.getId())
                .displayName(accounts.findById(user.getAccountId()).map(Account::getName).orElse("?") + "/"
                        + user.getUsername())
                .build());
    }

    static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] decode(String base64url) {
        return Base64.getUrlDecoder().decode(base64url);
    }
}
