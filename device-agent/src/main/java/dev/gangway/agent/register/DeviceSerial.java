package dev.gangway.agent.register;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The machine's serial, which the portal puts in the certificate: a new certificate for the same serial revokes
 * the earlier ones, so it must stay the same across re-registrations of one machine.
 */
final class DeviceSerial {

    static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    private static final Pattern MACHINE_ID = Pattern.compile("[0-9a-f]{32}");

    /** The serial and where it came from (for the user). */
    record Choice(String serial, String source) {
    }

    private DeviceSerial() {
    }

    /**
     * {@code --serial}, else the one saved by an earlier registration, else derived from the machine id, else
     * random (then saved in device.json by the registration).
     */
    static Choice choose(Optional<String> given, Optional<String> saved, Path machineIdFile) {
        if (given.isPresent()) {
            return new Choice(given.get(), "--serial");
        }
        if (saved.isPresent() && VALID.matcher(saved.get()).matches()) {
            return new Choice(saved.get(), "the earlier registration");
        }
        Optional<String> derived = fromMachineId(machineIdFile);
        if (derived.isPresent()) {
            return new Choice(derived.get(), machineIdFile.toString());
        }
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        return new Choice(HexFormat.of().formatHex(random), "generated");
    }

    /**
     * Hashes the machine id instead of using it: systemd documents it as confidential, and a hash with our own
     * prefix cannot be correlated with other applications' uses of it.
     */
    static Optional<String> fromMachineId(Path file) {
        String id;
        try {
            id = Files.readString(file, StandardCharsets.US_ASCII).trim().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (!MACHINE_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("gangway-device-serial:".getBytes(StandardCharsets.US_ASCII));
            byte[] digest = sha.digest(id.getBytes(StandardCharsets.US_ASCII));
            return Optional.of(HexFormat.of().formatHex(digest, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
