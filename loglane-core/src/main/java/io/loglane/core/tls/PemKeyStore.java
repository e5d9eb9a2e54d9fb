package io.loglane.core.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds an in-memory {@link KeyStore} from PEM files, the form certificates come in from
 * Let's Encrypt, cert-manager or {@code openssl}, with JDK classes only. The certificate file holds
 * the server certificate first, then its intermediates ({@code BEGIN CERTIFICATE} blocks); the key
 * file one unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519 or Ed448). Legacy
 * {@code BEGIN RSA PRIVATE KEY} / {@code BEGIN EC PRIVATE KEY} and encrypted keys are refused with
 * the {@code openssl} command that converts them. The key must belong to the first certificate
 * (checked by signing and verifying a probe), so a mismatched pair fails at load, not at the first
 * handshake.
 *
 * <p>Thread-safety: stateless.
 */
public final class PemKeyStore {
    /** The alias of the one key entry. */
    public static final String ALIAS = "server";
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    private PemKeyStore() {}

    /**
     * @param password the password the returned store protects its key with (in memory only)
     * @throws IllegalArgumentException saying which file is wrong and why
     */
    public static KeyStore load(Path certFile, Path keyFile, char[] password) {
        List<Certificate> chain = certificates(certFile);
        PrivateKey key = privateKey(keyFile);
        if (!matches(key, chain.getFirst().getPublicKey())) {
            throw new IllegalArgumentException(keyFile + ": the private key does not belong to the first certificate of " + certFile);
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(ALIAS, key, password, chain.toArray(Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(certFile + ": cannot hold this key and chain: " + e.getMessage(), e);
        }
    }

    /** The certificates of a PEM file, in order. */
    public static List<Certificate> certificates(Path file) {
        List<Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file)) {
                if (b.type().equals("CERTIFICATE")) {
                    out.add(cf.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not a valid certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no -----BEGIN CERTIFICATE----- block");
        }
        return out;
    }

    private static PrivateKey privateKey(Path file) {
        for (Block b : blocks(file)) {
            switch (b.type()) {
                case "PRIVATE KEY" -> {
                    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(b.der());
                    for (String alg : KEY_ALGORITHMS) {
                        try {
                            return KeyFactory.getInstance(alg).generatePrivate(spec);
                        } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                            // not this algorithm: try the next
                        }
                    }
                    throw new IllegalArgumentException(file + ": a PKCS#8 key of an unsupported algorithm (RSA, EC, Ed25519, Ed448)");
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(file
                        + ": a " + b.type() + " block; convert it to unencrypted PKCS#8 with"
                        + " `openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pem`");
                default -> { } // certificates or parameters next to the key: skip
            }
        }
        throw new IllegalArgumentException(file + ": no -----BEGIN PRIVATE KEY----- block");
    }

    private static boolean matches(PrivateKey key, PublicKey pub) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> null;
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        if (alg == null) {
            return true; // PSS parameters vary; the handshake will tell
        }
        try {
            byte[] probe = "loglane key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an EC key with an RSA certificate
        }
    }

    private record Block(String type, byte[] der) {}

    private static List<Block> blocks(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e, e);
        }
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            if (body.contains(":")) {
                out.add(new Block("ENCRYPTED PRIVATE KEY", new byte[0])); // Proc-Type/DEK-Info headers: an encrypted legacy key
                continue;
            }
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": bad base64 in a " + m.group(1) + " block", e);
            }
        }
        return out;
    }
}
