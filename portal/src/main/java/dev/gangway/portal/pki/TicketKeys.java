package dev.gangway.portal.pki;

import dev.gangway.portal.system.DataDirectory;
import dev.gangway.tunnel.Tickets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.springframework.stereotype.Component;

/**
 * The Ed25519 key pair that signs stream tickets, kept in {@code <data-dir>/tickets/} ({@code ticket-key.pem} 0600
 * and {@code ticket-key.pub.pem}) so tickets stay valid for relays across restarts.
 */
@Component
public class TicketKeys {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    public TicketKeys(DataDirectory dataDirectory) {
        Path dir = dataDirectory.directory("tickets");
        Path privateFile = dir.resolve("ticket-key.pem");
        Path publicFile = dir.resolve("ticket-key.pub.pem");
        if (Files.exists(privateFile) && Files.exists(publicFile)) {
            try {
                KeyFactory factory = KeyFactory.getInstance("Ed25519");
                this.privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(der(privateFile)));
                this.publicKey = factory.generatePublic(new X509EncodedKeySpec(der(publicFile)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot read the ticket key in " + dir + " (" + e.getMessage()
                        + "): delete both ticket-key files to create a new one", e);
            }
        } else {
            KeyPair pair = Tickets.generateKeyPair();
            this.privateKey = pair.getPrivate();
            this.publicKey = pair.getPublic();
            DataDirectory.writeOwnerOnly(publicFile, Pem.encode("PUBLIC KEY", publicKey.getEncoded()));
            DataDirectory.writeOwnerOnly(privateFile, Pem.encode("PRIVATE KEY", privateKey.getEncoded()));
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    private static byte[] der(Path file) {
        try {
            String pem = Files.readString(file);
            String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return Base64.getDecoder().decode(body);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " is not PEM: delete both ticket-key files to create a new one", e);
        }
    }
}
