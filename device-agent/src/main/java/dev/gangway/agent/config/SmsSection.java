package dev.gangway.agent.config;

import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Reads the {@code sms:} block of agent.yml for {@link ConfigLoader}:
 * {@code sms: {inbox: /var/spool/gammu/inbox, allowed-senders: ["+41790000000"]}}.
 */
final class SmsSection {

    private static final List<String> KEYS = List.of("inbox", "allowed-senders", "register-account");
    private static final Pattern NUMBER = Pattern.compile("\\+?[0-9]{3,20}");

    private final ConfigLoader loader;

    SmsSection(ConfigLoader loader) {
        this.loader = loader;
    }

    Optional<SmsConfig> read(JsonNode node) throws ConfigException {
        if (node == null) {
            return Optional.empty();
        }
        String fix = "a mapping like sms: {inbox: /var/spool/gammu/inbox} (the inbox directory of gammu-smsd's files "
                + "backend)";
        if (!node.isObject()) {
            throw loader.error("sms", "must be " + fix + ", not " + ConfigLoader.describe(node));
        }
        for (String key : node.propertyNames()) {
            if (!KEYS.contains(key)) {
                throw loader.unknownKey("sms." + key, key, KEYS);
            }
        }
        JsonNode inbox = ConfigLoader.present(node, "inbox");
        if (inbox == null || !inbox.isString() || inbox.stringValue().isBlank()) {
            throw loader.error("sms.inbox", "must be the inbox directory of gammu-smsd's files backend, like "
                    + "/var/spool/gammu/inbox, not " + (inbox == null ? "missing" : ConfigLoader.describe(inbox)));
        }
        List<String> senders = new ArrayList<>();
        JsonNode allowed = ConfigLoader.present(node, "allowed-senders");
        if (allowed != null) {
            if (!allowed.isArray()) {
                throw loader.error("sms.allowed-senders", "must be a list of phone numbers like [\"+41790000000\"], "
                        + "not " + ConfigLoader.describe(allowed));
            }
            for (JsonNode n : allowed) {
                String number = n.isString() ? n.stringValue().trim() : "";
                if (!NUMBER.matcher(number).matches()) {
                    throw loader.error("sms.allowed-senders", "'" + n.asString() + "' is not a phone number; write it "
                            + "as the SMS inbox names it, e.g. \"+41790000000\"");
                }
                senders.add(number);
            }
        }
        Optional<String> account = Optional.empty();
        JsonNode registerAccount = ConfigLoader.present(node, "register-account");
        if (registerAccount != null) {
            String name = registerAccount.isString() ? registerAccount.stringValue().trim() : "";
            if (name.isEmpty() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
                throw loader.error("sms.register-account", "must be the name of the portal account the device may "
                        + "join by an activation SMS (as users type it when they sign in), not "
                        + ConfigLoader.describe(registerAccount));
            }
            account = Optional.of(name);
        }
        try {
            return Optional.of(new SmsConfig(loader.nextToConfig(inbox.stringValue().trim()), senders, account));
        } catch (InvalidPathException e) {
            throw loader.error("sms.inbox", "'" + inbox.stringValue() + "' is not a valid path");
        }
    }
}
