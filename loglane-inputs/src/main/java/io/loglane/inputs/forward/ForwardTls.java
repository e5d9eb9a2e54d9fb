package io.loglane.inputs.forward;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TLS side of a Forward input: reads the PEM files of {@code tls: {cert, key, ca}} and builds
 * the Netty server {@link SslContext} (JDK provider; TLS 1.2 and 1.3 as the JDK enables them).
 * With {@code ca}, every client must present a certificate that the CA certificates verify
 * ({@link ClientAuth#REQUIRE}).
 *
 * <p>Each file is checked on its own so that a config error names the key at fault: a missing or
 * unreadable file, a file without a PEM certificate, a key that is not unencrypted PKCS#8 (the
 * one form the JDK reads without BouncyCastle; the message says how to convert the others), and a
 * key that does not belong to the certificate (a test signature must verify).
 *
 * <p>Thread-safety: stateless; the built context is immutable and shared by all connections.
 */
public final class ForwardTls {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private ForwardTls() {}

    /**
     * The PEM files of {@code tls:}.
     *
     * @param cert server certificate chain, leaf first
     * @param key  unencrypted PKCS#8 private key of the leaf
     * @param ca   CA certificates for client certificates; null: clients are not asked for one
     *
     * <p>Thread-safety: immutable.
     */
    public record Files(Path cert, Path key, Path ca) {
        public Files {
            if (cert == null || key == null) {
                throw new IllegalArgumentException("tls needs cert and key");
            }
        }
    }

    /** A file of {@code tls:} that cannot be used; {@link #key()} is the relative config key ({@code tls.cert}). */
    static final class FileProblem extends Exception {
        private static final long serialVersionUID = 1L;
        private final String key;

        FileProblem(String key, String message) {
            super(message, null, false, false);
            this.key = key;
        }

        String key() { return key; }
    }

    /** The server context for {@code files}, or the first problem found, by config key. */
    static SslContext serverContext(Files files) throws FileProblem {
        List<X509Certificate> chain = certificates(files.cert(), "tls.cert");
        PrivateKey key = privateKey(files.key(), chain.get(0).getPublicKey());
        SslContextBuilder b = SslContextBuilder.forServer(key, chain);
        if (files.ca() != null) {
            b.trustManager(certificates(files.ca(), "tls.ca")).clientAuth(ClientAuth.REQUIRE);
        }
        try {
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new FileProblem("tls.cert", "cannot build a TLS context from " + files.cert() + " and " + files.key() + ": " + e.getMessage());
        }
    }

    private static List<X509Certificate> certificates(Path file, String key) throws FileProblem {
        byte[] bytes = read(file, key);
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            List<X509Certificate> out = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(c -> (X509Certificate) c).toList();
            if (out.isEmpty()) {
                throw new FileProblem(key, file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            return out;
        } catch (GeneralSecurityException | IOException e) {
            throw new FileProblem(key, file + " holds no readable PEM certificate (-----BEGIN CERTIFICATE-----): " + e.getMessage());
        }
    }

    private static PrivateKey privateKey(Path file, PublicKey certKey) throws FileProblem {
        String pem = new String(read(file, "tls.key"), StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            String form = pem.contains("ENCRYPTED PRIVATE KEY") ? "an encrypted key"
                    : pem.contains("RSA PRIVATE KEY") ? "a PKCS#1 RSA key"
                    : pem.contains("EC PRIVATE KEY") ? "a SEC1 EC key" : "no PEM private key";
            throw new FileProblem("tls.key", file + " holds " + form + "; loglane reads unencrypted PKCS#8 "
                    + "(-----BEGIN PRIVATE KEY-----): convert with openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        PrivateKey key;
        try {
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            key = KeyFactory.getInstance(certKey.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new FileProblem("tls.key", file + " is not a " + certKey.getAlgorithm()
                    + " PKCS#8 private key (the certificate's key type): " + e.getMessage());
        }
        if (!matches(key, certKey)) {
            throw new FileProblem("tls.key", file + " is not the private key of the certificate in tls.cert");
        }
        return key;
    }

    /** True if a signature made with {@code key} verifies with {@code pub}; true for key types this cannot test. */
    private static boolean matches(PrivateKey key, PublicKey pub) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (alg == null) {
            return true;
        }
        try {
            byte[] probe = "loglane tls key check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static byte[] read(Path file, String key) throws FileProblem {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new FileProblem(key, "file not found: " + file.toAbsolutePath());
        }
        try {
            return java.nio.file.Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FileProblem(key, "cannot read " + file.toAbsolutePath() + ": " + e.getMessage());
        }
    }
}
