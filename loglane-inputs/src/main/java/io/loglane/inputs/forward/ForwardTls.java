package io.loglane.inputs.forward;

import io.loglane.core.tls.PemKeyStore;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

/**
 * The TLS side of a Forward input: reads the PEM files of {@code tls: {cert, key, ca}} through
 * {@link PemKeyStore} (the one PEM reader, shared with the HTTP port) and builds the Netty server
 * {@link SslContext} (JDK provider; TLS 1.2 and 1.3 as the JDK enables them). With {@code ca},
 * every client must present a certificate that the CA certificates verify ({@link ClientAuth#REQUIRE}).
 *
 * <p>Each file is checked on its own so that a config error names the key at fault: a missing
 * file, a file without a PEM certificate, a key that is not unencrypted PKCS#8 (the message says
 * how to convert the others), and a key that does not belong to the certificate.
 *
 * <p>Thread-safety: stateless; the built context is immutable and shared by all connections.
 */
public final class ForwardTls {
    /** Protects the key inside the in-memory key store only. */
    private static final char[] IN_MEMORY = "loglane-forward".toCharArray();

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
        exists(files.cert(), "tls.cert");
        exists(files.key(), "tls.key");
        read("tls.cert", () -> PemKeyStore.certificates(files.cert()));
        // the certificate reads: what load refuses now is the key (its form, or not the certificate's)
        KeyStore store = read("tls.key", () -> PemKeyStore.load(files.cert(), files.key(), IN_MEMORY));
        SslContextBuilder b;
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, IN_MEMORY);
            b = SslContextBuilder.forServer(kmf);
        } catch (GeneralSecurityException e) {
            throw new FileProblem("tls.key", "cannot use the key of " + files.key() + ": " + e.getMessage());
        }
        if (files.ca() != null) {
            exists(files.ca(), "tls.ca");
            X509Certificate[] cas = read("tls.ca", () -> PemKeyStore.certificates(files.ca())).stream()
                    .map(c -> (X509Certificate) c).toArray(X509Certificate[]::new);
            b.trustManager(cas).clientAuth(ClientAuth.REQUIRE);
        }
        try {
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new FileProblem("tls.cert", "cannot build a TLS context from " + files.cert() + " and " + files.key() + ": " + e.getMessage());
        }
    }

    private static <T> T read(String key, Supplier<T> pem) throws FileProblem {
        try {
            return pem.get();
        } catch (IllegalArgumentException e) {
            throw new FileProblem(key, e.getMessage()); // PemKeyStore names the file and what is wrong
        }
    }

    private static void exists(Path file, String key) throws FileProblem {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new FileProblem(key, "file not found: " + file.toAbsolutePath());
        }
    }
}
