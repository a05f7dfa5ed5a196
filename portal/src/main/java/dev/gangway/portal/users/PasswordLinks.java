package dev.gangway.portal.users;

import dev.gangway.portal.account.AppUser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * One-time password links ({@code /password/set?token=…}): 32 random bytes, base64url, of which only the SHA-256 is
 * stored. An invitation works 72 hours, a reset 24 hours; a new link ends the user's older ones.
 */
@Component
class PasswordLinks {

    static final Duration INVITE_VALIDITY = Duration.ofHours(72);
    static final Duration RESET_VALIDITY = Duration.ofHours(24);

    /** The path of the page a link opens; the token follows as {@code ?token=}. */
    static final String PATH = "/password/set";

    private static final int TOKEN_BYTES = 32;
    private static final Pattern TOKEN_SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PasswordTokenRepository tokens;
    private final Clock clock;

    PasswordLinks(PasswordTokenRepository tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A link just issued: the token exists only here and in the link shown and mailed, never stored. */
    record NewLink(String token, String purpose, Instant expiresAt) {
    }

    /** Issues a link for the user and ends the user's older links; runs in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    NewLink issue(AppUser user, String purpose) {
        Instant now = clock.instant();
        tokens.endAll(user.getId(), now);
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = now.plus(PasswordToken.INVITE.equals(purpose) ? INVITE_VALIDITY : RESET_VALIDITY);
        tokens.save(new PasswordToken(user.getId(), hash(token), purpose, now, expiresAt));
        return new NewLink(token, purpose, expiresAt);
    }

    /** Ends every link of the user that still works; runs in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    void endAll(AppUser user) {
        tokens.endAll(user.getId(), clock.instant());
    }

    /** The stored link for a token, if it still works; malformed tokens are not even looked up. */
    Optional<PasswordToken> usable(String token) {
        if (token == null || !TOKEN_SHAPE.matcher(token).matches()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return tokens.findByTokenHash(hash(token)).filter(t -> t.isUsableAt(now));
    }

    /** Marks the link used if it still works; false when another request used it first or it ended meanwhile. */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean markUsed(PasswordToken token) {
        return tokens.markUsed(token.getId(), clock.instant()) == 1;
    }

    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
