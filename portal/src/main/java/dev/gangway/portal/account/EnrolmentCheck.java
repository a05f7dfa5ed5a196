package dev.gangway.portal.account;

import java.util.Optional;

/** The form checks of the enrolment code, shared by the sign-in step and the account page. */
final class EnrolmentCheck {

    static final String NO_MATCH = "The code does not match: type the code your app shows now (check that the "
            + "phone's clock is right).";

    private EnrolmentCheck() {
    }

    /** Why a typed enrolment code cannot be one, if it cannot. */
    static Optional<String> codeError(String code) {
        String typed = TwoFactor.normalise(code);
        if (typed.isEmpty()) {
            return Optional.of("Enter the 6-digit code your authenticator app shows for Gangway.");
        }
        if (!Totp.looksLikeCode(typed)) {
            return Optional.of("The code is 6 digits, as your authenticator app shows it.");
        }
        return Optional.empty();
    }
}
