package dev.gangway.portal.account;

import static dev.gangway.portal.account.PasskeyUserEntities.decode;
import static dev.gangway.portal.account.PasskeyUserEntities.encode;

import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.web.webauthn.api.AuthenticatorTransport;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.ImmutableCredentialRecord;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCose;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialType;
import org.springframework.security.web.webauthn.management.UserCredentialRepository;
import org.springframework.stereotype.Component;

/**
 * Spring Security's WebAuthn credential records over the {@code passkey} table: a new record is a registration (its
 * user found by the user handle), a known one an assertion that moved the signature counter (last use is the portal
 * clock's time, not the library's).
 */
@Component
class PasskeyCredentials implements UserCredentialRepository {

    private final PasskeyRepository passkeys;
    private final PasskeyUserRepository handles;
    private final Clock clock;

    PasskeyCredentials(PasskeyRepository passkeys, PasskeyUserRepository handles, Clock clock) {
        this.passkeys = passkeys;
        this.handles = handles;
        this.clock = clock;
    }

    @Override
    public void delete(Bytes credentialId) {
        passkeys.findByCredentialId(encode(credentialId.getBytes())).ifPresent(passkeys::delete);
    }

    @Override
    public void save(CredentialRecord record) {
        String credentialId = encode(record.getCredentialId().getBytes());
        Passkey passkey = passkeys.findByCredentialId(credentialId).orElse(null);
        if (passkey != null) {
            passkey.setSignatureCount(record.getSignatureCount());
            passkey.setBackupState(record.isBackupState());
            passkey.setUvInitialized(record.isUvInitialized());
            if (record.getLastUsed() != null) {
                passkey.setLastUsedAt(clock.instant());
            }
            passkeys.save(passkey);
            return;
        }
        String userId = handles.findByHandle(encode(record.getUserEntityUserId().getBytes()))
                .orElseThrow(() -> new IllegalArgumentException("no user has this user handle")).getUserId();
        String label = record.getLabel() == null ? "" : record.getLabel().strip();
        if (label.isEmpty() || label.length() > Passkey.MAX_LABEL_LENGTH) {
            throw new IllegalArgumentException("a passkey's name is 1 to " + Passkey.MAX_LABEL_LENGTH + " characters");
        }
        passkey = new Passkey(userId, credentialId, label, clock.instant());
        passkey.setCredentialType(record.getCredentialType().getValue());
        passkey.setPublicKey(encode(record.getPublicKey().getBytes()));
        passkey.setSignatureCount(record.getSignatureCount());
        passkey.setUvInitialized(record.isUvInitialized());
        passkey.setBackupEligible(record.isBackupEligible());
        passkey.setBackupState(record.isBackupState());
        passkey.setTransports(record.getTransports() == null ? "" : record.getTransports().stream()
                .map(AuthenticatorTransport::getValue).sorted().collect(Collectors.joining(",")));
        passkey.setAttestationObject(encode(record.getAttestationObject().getBytes()));
        passkey.setClientDataJson(encode(record.getAttestationClientDataJSON().getBytes()));
        if (credentialId.length() > 1400 || passkey.getPublicKey().length() > 4000
                || passkey.getAttestationObject().length() > 16000 || passkey.getClientDataJson().length() > 4000
                || passkey.getTransports().length() > 200) {
            throw new IllegalArgumentException("this authenticator's registration data is larger than the portal "
                    + "keeps");
        }
        passkeys.save(passkey);
    }

    @Override
    public CredentialRecord findByCredentialId(Bytes credentialId) {
        return passkeys.findByCredentialId(encode(credentialId.getBytes())).map(this::recordOf).orElse(null);
    }

    @Override
    public List<CredentialRecord> findByUserId(Bytes userHandle) {
        return handles.findByHandle(encode(userHandle.getBytes()))
                .map(handle -> passkeys.findByUserIdOrderByCreatedAt(handle.getUserId()).stream()
                        .map(p -> record(p, handle.getHandle())).toList())
                .orElse(List.of());
    }

    private CredentialRecord recordOf(Passkey passkey) {
        return record(passkey, handles.findById(passkey.getUserId()).map(PasskeyUser::getHandle).orElseThrow());
    }

    static CredentialRecord record(Passkey passkey, String handle) {
        Set<AuthenticatorTransport> transports = passkey.getTransports().isEmpty() ? Set.of()
                : Arrays.stream(passkey.getTransports().split(",")).map(AuthenticatorTransport::valueOf)
                        .collect(Collectors.toCollection(LinkedHashSet::new));
        return ImmutableCredentialRecord.builder()
                .credentialType(PublicKeyCredentialType.valueOf(passkey.getCredentialType()))
                .credentialId(new Bytes(decode(passkey.getCredentialId())))
                .userEntityUserId(new Bytes(decode(handle)))
                .publicKey(new ImmutablePublicKeyCose(decode(passkey.getPublicKey())))
                .signatureCount(passkey.getSignatureCount())
                .uvInitialized(passkey.isUvInitialized())
                .transports(transports)
                .backupEligible(passkey.isBackupEligible())
                .backupState(passkey.isBackupState())
                .attestationObject(new Bytes(decode(passkey.getAttestationObject())))
                .attestationClientDataJSON(new Bytes(decode(passkey.getClientDataJson())))
                .label(passkey.getLabel())
                .created(passkey.getCreatedAt())
                .lastUsed(passkey.getLastUsedAt())
                .build();
    }
}
