package dev.gangway.portal.users;

import java.io.Serial;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ResponseStatus;

/** No user with this id in the signed-in user's account: another account's user answers the same 404. */
@ResponseStatus(code = HttpStatus.NOT_FOUND, reason = "no such user")
class UnknownUser extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    UnknownUser() {
        super("no such user");
    }
}
