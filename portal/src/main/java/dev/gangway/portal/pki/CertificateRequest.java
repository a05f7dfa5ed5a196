package dev.gangway.portal.pki;

import java.io.IOException;
import java.security.PublicKey;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A parsed and checked certificate signing request. Only its public key is ever used: the subject, extensions and
 * attributes a device asks for are ignored, whatever they say.
 */
public final class CertificateRequest {

    /** Upper bound for the PEM text; a real CSR is well under 2 kB. */
    static final int MAX_PEM_LENGTH = 16 * 1024;

    private final PublicKey publicKey;

    private CertificateRequest(PublicKey publicKey) {
        this.publicKey = publicKey;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /**
     * Parses PEM text, verifies the request's signature (proof the device holds the private key) and the key type:
     * EC P-256 only (the device contract). The key type is checked before the signature, so no other key type ever
     * reaches a signature verifier.
     *
     * @throws CsrRejectedException naming what is wrong
     */
    public static CertificateRequest parse(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new CsrRejectedException("csr is missing: send the PEM text of a certificate signing request");
        }
        if (pem.length() > MAX_PEM_LENGTH) {
            throw new CsrRejectedException("csr is longer than " + MAX_PEM_LENGTH + " characters: send one PEM "
                    + "certificate signing request for an EC P-256 key");
        }
        Object parsed;
        try {
            parsed = Pem.read(pem);
        } catch (RuntimeException e) {
            parsed = null;
        }
        if (!(parsed instanceof PKCS10CertificationRequest csr)) {
            throw new CsrRejectedException("csr is not a PEM certificate signing request: it must start with "
                    + "-----BEGIN CERTIFICATE REQUEST-----");
        }
        SubjectPublicKeyInfo keyInfo = csr.getSubjectPublicKeyInfo();
        checkKeyType(keyInfo);
        PublicKey key;
        try {
            key = new JcaPEMKeyConverter().setProvider(Crypto.PROVIDER).getPublicKey(keyInfo);
        } catch (IOException | RuntimeException e) {
            throw new CsrRejectedException("csr holds a public key that cannot be read: generate a new EC P-256 key");
        }
        try {
            ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder().setProvider(Crypto.PROVIDER)
                    .build(keyInfo);
            if (!csr.isSignatureValid(verifier)) {
                throw new CsrRejectedException("csr signature does not match its public key: sign the request with "
                        + "the private key it names");
            }
        } catch (OperatorCreationException | PKCSException e) {
            throw new CsrRejectedException("csr signature cannot be checked (" + e.getMessage()
                    + "): sign it with SHA256withECDSA");
        }
        return new CertificateRequest(key);
    }

    private static void checkKeyType(SubjectPublicKeyInfo keyInfo) {
        ASN1ObjectIdentifier algorithm = keyInfo.getAlgorithm().getAlgorithm();
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
            Object params = keyInfo.getAlgorithm().getParameters();
            if (!SECObjectIdentifiers.secp256r1.equals(params)) {
                throw new CsrRejectedException("csr holds an EC key on another curve than P-256: generate an EC "
                        + "P-256 (secp256r1) key");
            }
            return;
        }
        String type = PKCSObjectIdentifiers.rsaEncryption.equals(algorithm) ? "RSA" : algorithm.getId();
        throw new CsrRejectedException("csr holds a key of type " + type + ", which is not accepted: only EC P-256 "
                + "(secp256r1) keys are; generate an EC P-256 key");
    }

}
