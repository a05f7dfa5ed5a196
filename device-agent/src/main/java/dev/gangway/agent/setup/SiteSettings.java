package dev.gangway.agent.setup;

import dev.gangway.tunnel.ProxySettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Settings for the site that came with the Easy Setup file and that agent.yml does not hold: for now the HTTP proxy.
 * Kept as {@value #FILE} in the identity directory, owner-only (0600: it may hold the proxy password), written
 * atomically; {@code run} uses it when agent.yml has no {@code proxy:} (agent.yml always wins). A new
 * {@code register --force} replaces the identity directory and with it this file.
 *
 * <p>Stateless; static methods only.
 */
public final class SiteSettings {

    public static final String FILE = "site-settings.json";

    private SiteSettings() {
    }

    /** Saves {@code proxy} as the site's proxy. */
    public static void saveProxy(Path identityDirectory, ProxySettings proxy, String source, Instant at)
            throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("host", proxy.address().getHostString());
        p.put("port", proxy.address().getPort());
        p.put("auth", proxy.scheme().name().toLowerCase(java.util.Locale.ROOT));
        if (proxy.username() != null) {
            p.put("username", proxy.username());
            p.put("password", proxy.password());
        }
        if (!proxy.domain().isEmpty()) {
            p.put("domain", proxy.domain());
        }
        json.put("proxy", p);
        json.put("source", source);
        json.put("savedAt", at.toString());
        byte[] content = EasySetupFile.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json)
                .getBytes(StandardCharsets.UTF_8);
        Path target = identityDirectory.resolve(FILE);
        Path temporary = identityDirectory.resolve("." + FILE + "." + UUID.randomUUID() + ".tmp");
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] ownerOnly = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        "rw-------"))}
                : new FileAttribute<?>[0];
        try {
            try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), ownerOnly)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * The saved proxy, if any.
     *
     * @throws IOException when the file is there but unreadable or damaged (the message names it and the fix)
     */
    public static Optional<ProxySettings> proxy(Path identityDirectory) throws IOException {
        Path file = identityDirectory.resolve(FILE);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            JsonNode node = EasySetupFile.JSON.readTree(content);
            if (node == null || !node.isObject()) {
                throw new IOException(file + " is damaged (not a JSON object); delete it and set proxy: in agent.yml");
            }
            return EasySetupFile.proxy(node.get("proxy"));
        } catch (JacksonException e) {
            throw new IOException(file + " is damaged (not JSON); delete it and set proxy: in agent.yml");
        } catch (EasySetupException e) {
            throw new IOException(file + " is damaged (" + e.getMessage() + "); delete it and set proxy: in "
                    + "agent.yml");
        }
    }
}
