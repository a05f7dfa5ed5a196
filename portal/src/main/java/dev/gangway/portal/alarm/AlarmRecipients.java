package dev.gangway.portal.alarm;

import dev.gangway.portal.account.AppUserRepository;
import dev.gangway.portal.rights.AccessService;
import dev.gangway.portal.rights.Right;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Who gets a device's alarms: the users of the device's account who hold {@link Right#SEND_ALARMS} on it now
 * (administrators hold every right; disabled users and users whose access ended hold none), read from the database
 * for every alarm, like every other right.
 */
@Component
class AlarmRecipients {

    private final AccessService access;
    private final AppUserRepository users;

    AlarmRecipients(AccessService access, AppUserRepository users) {
        this.access = access;
        this.users = users;
    }

    /**
     * A user who gets the alarm.
     *
     * @param email null or blank: no mail
     * @param phoneNumber null: no SMS
     */
    record Recipient(String username, String email, String phoneNumber) {
    }

    List<Recipient> of(String accountId, String deviceId) {
        Map<String, Set<String>> holders = access.holders(accountId, Right.SEND_ALARMS);
        return users.findByAccountIdOrderByUsername(accountId).stream()
                .filter(user -> holders.getOrDefault(user.getUsername(), Set.of()).contains(deviceId))
                .map(user -> new Recipient(user.getUsername(), user.getEmail(), user.getPhoneNumber()))
                .toList();
    }
}
