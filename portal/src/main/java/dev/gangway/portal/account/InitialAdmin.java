package dev.gangway.portal.account;

import dev.gangway.portal.system.GangwaySettings;
import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * On first start (no account yet) creates the account {@value #DEFAULT_ACCOUNT} with the user {@value #ADMIN_USER}.
 * The password comes from {@code GANGWAY_ADMIN_PASSWORD}; without it a random one is generated and printed once,
 * since nobody could sign in otherwise. It is the only secret the portal ever logs, and only that once.
 */
@Component
@Order(0)
class InitialAdmin implements ApplicationRunner {

    static final String DEFAULT_ACCOUNT = "default";
    static final String ADMIN_USER = "admin";

    private static final Logger log = LoggerFactory.getLogger(InitialAdmin.class);
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final AccountRepository accounts;
    private final AppUserRepository users;
    private final PasswordEncoder passwordEncoder;
    private final GangwaySettings settings;
    private final Clock clock;

    InitialAdmin(AccountRepository accounts, AppUserRepository users, PasswordEncoder passwordEncoder,
            GangwaySettings settings, Clock clock) {
        this.accounts = accounts;
        this.users = users;
        this.passwordEncoder = passwordEncoder;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    @Transactional
    public void run(ApplicationArguments args) {
        if (accounts.count() > 0) {
            return;
        }
        boolean generated = settings.adminPassword() == null || settings.adminPassword().isEmpty();
        String password = generated ? generatePassword() : settings.adminPassword();
        Account account = accounts.save(new Account(DEFAULT_ACCOUNT, clock.instant()));
        AppUser admin = new AppUser(account.getId(), ADMIN_USER, passwordEncoder.encode(password), clock.instant());
        admin.setAccountAdmin(true);
        users.save(admin);
        log.info("Created account '{}' with user '{}'", DEFAULT_ACCOUNT, ADMIN_USER);
        if (generated) {
            log.warn("Initial admin password: {}", password);
        }
    }

    private static String generatePassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }
}
