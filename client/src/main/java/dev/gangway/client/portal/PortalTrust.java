package dev.gangway.client.portal;

import dev.gangway.client.ClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificates an https portal may present: the JDK's default trust store, plus the CA certificates of
 * {@code --portal-ca} (a portal with its own CA). The host name is checked by the HTTP client as usual.
 */
public final class PortalTrust {

    private PortalTrust() {
    }

    /** The TLS context for calls to the portal; {@code extraCa} may be null. */
    public static SSLContext sslContext(Path extraCa) {
        try {
            if (extraCa == null) {
                return SSLContext.getDefault();
            }
            List<X509Certificate> cas = readCertificates(extraCa);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509Certificate ca : defaultIssuers()) {
                store.setCertificateEntry("jdk-" + i++, ca);
            }
            for (X509Certificate ca : cas) {
                store.setCertificateEntry("portal-ca-" + i++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ClientException(1, "cannot set up TLS for the portal: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the PEM certificates of {@code file}.
     *
     * @throws ClientException (exit code 2) naming the file and what is wrong with it
     */
    public static List<X509Certificate> readCertificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certificates) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw ClientException.usage("--portal-ca " + file + ": no certificate in the file; give the portal's"
                        + " CA certificate in PEM (-----BEGIN CERTIFICATE-----)");
            }
            return out;
        } catch (NoSuchFileException e) {
            throw ClientException.usage("--portal-ca " + file + ": no such file");
        } catch (CertificateException e) {
            throw ClientException.usage("--portal-ca " + file + ": not a PEM certificate (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw ClientException.usage("--portal-ca " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    private static List<X509Certificate> defaultIssuers() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        List<X509Certificate> out = new ArrayList<>();
        for (TrustManager tm : factory.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                out.addAll(List.of(x509.getAcceptedIssuers()));
            }
        }
        return out;
    }
}
