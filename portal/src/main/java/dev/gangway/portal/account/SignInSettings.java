package dev.gangway.portal.account;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Sign-in protections that are the portal's, not an account's (the lockout threshold, session timeouts and
 * "remember this browser" are per account, in its settings).
 *
 * @param addressFailures failed sign-ins from one address within {@code failureWindow} after which that address is
 *     refused for {@code throttleDuration}, whatever it sends; 0 turns it off
 * @param accountFailures failed sign-ins into one account (all its users) within {@code failureWindow} after which
 *     the account refuses every sign-in for {@code throttleDuration}; far above one user's lockout threshold, it only
 *     trips on a spread-out guessing attack; 0 turns it off
 * @param failureWindow how far back failures count
 * @param throttleDuration how long a throttled address or account is refused
 * @param trackedSources at most this many addresses and accounts are remembered (the oldest are forgotten), so a
 *     flood of addresses cannot grow the portal's memory
 * @param stepTimeout how long a half-done sign-in (password accepted, second factor or new password pending) lasts
 * @param codeAttempts wrong second-factor codes after which a half-done sign-in ends (it must start again with the
 *     password)
 */
@Validated
@ConfigurationProperties("gangway.signin")
record SignInSettings(@DefaultValue("20") int addressFailures, @DefaultValue("200") int accountFailures,
        @DefaultValue("5m") Duration failureWindow, @DefaultValue("5m") Duration throttleDuration,
        @DefaultValue("10000") int trackedSources, @DefaultValue("5m") Duration stepTimeout,
        @DefaultValue("5") int codeAttempts) {

    SignInSettings {
        if (addressFailures < 0 || accountFailures < 0) {
            throw new IllegalArgumentException("gangway.signin.address-failures and account-failures must be 0 (off) "
                    + "or more");
        }
        requirePositive(failureWindow, "failure-window");
        requirePositive(throttleDuration, "throttle-duration");
        requirePositive(stepTimeout, "step-timeout");
        if (trackedSources < 1) {
            throw new IllegalArgumentException("gangway.signin.tracked-sources must be at least 1");
        }
        if (codeAttempts < 1) {
            throw new IllegalArgumentException("gangway.signin.code-attempts must be at least 1");
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("gangway.signin." + name + " must be a positive duration such as 5m");
        }
    }
}
