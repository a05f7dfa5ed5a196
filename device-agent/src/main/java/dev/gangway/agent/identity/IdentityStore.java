package dev.gangway.agent.identity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The identity directory. It is written whole or not at all: files go to a hidden staging directory next to it
 * (0700, files 0600, synced), which is then renamed into place; a replaced identity is moved aside first and
 * deleted after.
 */
public final class IdentityStore {

    public static final String KEY_FILE = "device-key.pem";
    public static final String CERT_FILE = "device-cert.pem";
    public static final String CA_FILE = "ca.pem";
    public static final String DEVICE_FILE = "device.json";
    static final List<String> FILES = List.of(CERT_FILE, KEY_FILE, CA_FILE, DEVICE_FILE);

    private static final Logger log = LoggerFactory.getLogger(IdentityStore.class);
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;

    public IdentityStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path directory() {
        return dir;
    }

    /** True when any identity file is present (a partial identity counts: it must not be silently mixed). */
    public boolean exists() {
        return FILES.stream().anyMatch(f -> Files.exists(dir.resolve(f)));
    }

    /** The saved {@code device.json}, if there is a readable one. */
    public Optional<DeviceRecord> readRecord() {
        try {
            return Optional.of(parseRecord(Files.readString(dir.resolve(DEVICE_FILE))));
        } catch (IOException | IdentityException e) {
            return Optional.empty();
        }
    }

    /**
     * Creates the staging directory now, so that a read-only or full disk shows before an activation key is
     * spent.
     *
     * @param replace whether an existing identity may be replaced ({@code --force})
     * @throws IdentityException when an identity exists and {@code replace} is false, or the directory holds
     *     other files
     */
    public Staging prepare(boolean replace) throws IdentityException, IOException {
        if (exists() && !replace) {
            String who = readRecord().map(r -> " (device " + r.deviceName() + ", " + r.deviceId() + ")").orElse("");
            throw new IdentityException("an identity already exists in " + dir + who
                    + "; use --force to replace it or --identity to choose another directory");
        }
        if (Files.isDirectory(dir) && !exists() && !isEmpty(dir)) {
            throw new IdentityException(dir + " already holds other files; choose a new or empty directory with --identity");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IdentityException(dir + " is a file, not a directory; choose another path with --identity");
        }
        Path parent = dir.getParent();
        Files.createDirectories(parent);
        Path staging = parent.resolve("." + dir.getFileName() + ".new-" + UUID.randomUUID());
        createPrivateDirectory(staging);
        return new Staging(staging);
    }

    /**
     * Reads and cross-checks the identity.
     *
     * @throws IdentityException naming the file that is missing or wrong, and the fix
     */
    public DeviceCredentials load() throws IdentityException {
        for (String name : FILES) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw new IdentityException("no " + name + " in " + dir + " — run 'register' first");
            }
        }
        warnIfOthersCanRead(dir.resolve(KEY_FILE));
        PrivateKey key;
        try {
            key = Pem.ecPrivateKey(read(KEY_FILE));
        } catch (GeneralSecurityException e) {
            throw new IdentityException(KEY_FILE + " in " + dir + " is not a PKCS#8 EC private key ("
                    + e.getMessage() + "); run 'register --force' again");
        }
        X509Certificate certificate;
        List<X509Certificate> cas;
        try {
            certificate = Pem.certificate(read(CERT_FILE));
        } catch (CertificateException e) {
            throw new IdentityException(CERT_FILE + " in " + dir + " is not a PEM certificate; run 'register --force' again");
        }
        try {
            cas = Pem.certificates(read(CA_FILE));
        } catch (CertificateException e) {
            throw new IdentityException(CA_FILE + " in " + dir + " is not a PEM certificate; run 'register --force' again");
        }
        if (!belongTogether(key, certificate)) {
            throw new IdentityException(CERT_FILE + " in " + dir + " does not belong to " + KEY_FILE
                    + "; run 'register --force' again");
        }
        DeviceRecord record = parseRecord(read(DEVICE_FILE));
        return new DeviceCredentials(key, certificate, cas, record);
    }

    private String read(String name) throws IdentityException {
        try {
            return Files.readString(dir.resolve(name), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IdentityException("cannot read " + name + " in " + dir + " (" + e.getMessage()
                    + "); run the agent as the user that registered it");
        }
    }

    private DeviceRecord parseRecord(String json) throws IdentityException {
        String problem = DEVICE_FILE + " in " + dir + " is damaged";
        try {
            JsonNode node = JSON.readTree(json);
            String id = text(node, "deviceId");
            String relayHost = text(node, "relayHost");
            int relayPort = node.path("relayPort").asInt(0);
            if (id == null || relayHost == null || relayPort < 1 || relayPort > 65535) {
                throw new IdentityException(problem + " (deviceId, relayHost or relayPort missing); run 'register --force' again");
            }
            return new DeviceRecord(id, orEmpty(text(node, "deviceName")), orEmpty(text(node, "portal")),
                    relayHost, relayPort, orEmpty(text(node, "serial")), orEmpty(text(node, "registeredAt")));
        } catch (JacksonException e) {
            throw new IdentityException(problem + " (not JSON); run 'register --force' again");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isString() || value.stringValue().isBlank() ? null : value.stringValue();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Signs a challenge with the key and verifies it with the certificate: works for any key type. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        try {
            byte[] challenge = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static void warnIfOthersCanRead(Path keyFile) {
        if (!posix()) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("{} can be read by other users; make it owner-only: chmod 600 {}", keyFile, keyFile);
            }
        } catch (IOException e) {
            log.debug("cannot read the permissions of {}", keyFile, e);
        }
    }

    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static void createPrivateDirectory(Path path) throws IOException {
        if (posix()) {
            Files.createDirectory(path, PosixFilePermissions.asFileAttribute(DIR_MODE));
            Files.setPosixFilePermissions(path, DIR_MODE);
        } else {
            Files.createDirectory(path);
        }
    }

    private static boolean isEmpty(Path directory) throws IdentityException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            return !entries.iterator().hasNext();
        } catch (IOException e) {
            throw new IdentityException("cannot list " + directory + " (" + e.getMessage() + ")");
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("could not delete {} ({}); remove it by hand", root, e.getMessage());
        }
    }

    /** Writes one owner-only file and syncs it to disk. */
    interface FileSink {
        void write(Path file, byte[] content) throws IOException;
    }

    static final FileSink SYNCED_PRIVATE_FILE = (file, content) -> {
        FileAttribute<?>[] attrs = posix()
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
                : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        if (posix()) {
            Files.setPosixFilePermissions(file, FILE_MODE);
        }
    };

    /** A staging directory; {@link #commit} moves it into place, {@link #close} removes it if not committed. */
    public final class Staging implements AutoCloseable {
        private final Path staging;
        private boolean committed;

        private Staging(Path staging) {
            this.staging = staging;
        }

        Path path() {
            return staging;
        }

        /** Writes every file and renames the staging directory to the identity directory. */
        public void commit(DeviceCredentials credentials) throws IOException {
            commit(credentials, SYNCED_PRIVATE_FILE);
        }

        void commit(DeviceCredentials credentials, FileSink sink) throws IOException {
            StringBuilder cas = new StringBuilder();
            try {
                for (X509Certificate ca : credentials.trustedCas()) {
                    cas.append(Pem.certificate(ca));
                }
                sink.write(staging.resolve(KEY_FILE), Pem.privateKey(credentials.key()).getBytes(StandardCharsets.US_ASCII));
                sink.write(staging.resolve(CERT_FILE),
                        Pem.certificate(credentials.certificate()).getBytes(StandardCharsets.US_ASCII));
                sink.write(staging.resolve(CA_FILE), cas.toString().getBytes(StandardCharsets.US_ASCII));
                sink.write(staging.resolve(DEVICE_FILE),
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(credentials.device())
                                .getBytes(StandardCharsets.UTF_8));
            } catch (CertificateException e) {
                throw new IOException("cannot encode a certificate: " + e.getMessage(), e);
            }
            Path old = null;
            if (Files.exists(dir)) {
                old = dir.resolveSibling("." + dir.getFileName() + ".old-" + UUID.randomUUID());
                move(dir, old);
            }
            move(staging, dir);
            committed = true;
            if (old != null) {
                deleteTree(old);
            }
        }

        private void move(Path from, Path to) throws IOException {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to);
            }
        }

        @Override
        public void close() {
            if (!committed) {
                deleteTree(staging);
            }
        }
    }
}
