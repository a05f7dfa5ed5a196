package dev.gangway.portal.device;

import dev.gangway.portal.account.Account;
import dev.gangway.portal.account.AccountRepository;
import dev.gangway.portal.pki.DeviceCertificates;
import dev.gangway.portal.system.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * With {@code gangway.demo.enabled}, makes sure the default account has a device {@value #NAME} and, while that
 * device holds no valid certificate, writes a fresh activation key to {@code <data-dir>/demo/activation-key}
 * (0600) so the start script can register the demo agent without a person typing the key.
 */
@Component
@Order(10)
class DemoMachine implements ApplicationRunner {

    static final String NAME = "Demo machine";
    static final String ACCOUNT = "default";

    private static final Logger log = LoggerFactory.getLogger(DemoMachine.class);

    private final DemoSettings settings;
    private final AccountRepository accounts;
    private final DeviceRepository devices;
    private final DeviceRegistry registry;
    private final DeviceCertificates certificates;
    private final DataDirectory dataDirectory;
    private final TransactionTemplate transactions;

    DemoMachine(DemoSettings settings, AccountRepository accounts, DeviceRepository devices, DeviceRegistry registry,
            DeviceCertificates certificates, DataDirectory dataDirectory,
            TransactionTemplate transactions) {
        this.settings = settings;
        this.accounts = accounts;
        this.devices = devices;
        this.registry = registry;
        this.certificates = certificates;
        this.dataDirectory = dataDirectory;
        this.transactions = transactions;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!settings.enabled()) {
            return;
        }
        Path keyFile = dataDirectory.directory("demo").resolve("activation-key");
        transactions.executeWithoutResult(status -> {
            Account account = accounts.findByName(ACCOUNT).orElseThrow(() -> new IllegalStateException(
                    "demo mode needs the account '" + ACCOUNT + "', which does not exist in this database"));
            Device device = devices.findFirstByAccountIdAndNameOrderByCreatedAtAsc(account.getId(), NAME)
                    .orElse(null);
            if (device != null && certificates.hasValidCertificate(device.getId())) {
                deleteQuietly(keyFile);
                log.info("Demo machine {} is registered", device.getId());
                return;
            }
            NewActivationKey key = device == null
                    ? registry.create(account.getId(), NAME, null)
                    : registry.newActivationKey(account.getId(), device.getId(), null).orElseThrow();
            DataDirectory.writeOwnerOnly(keyFile, key.key() + "\n");
            log.info("Demo machine {}: activation key written to {} (valid until {})", key.deviceId(), keyFile,
                    key.expiresAt());
        });
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the stale demo key " + file, e);
        }
    }
}
