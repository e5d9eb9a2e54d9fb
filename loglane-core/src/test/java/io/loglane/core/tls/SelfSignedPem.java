package io.loglane.core.tls;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1/localhost made by the JDK's own {@code keytool}, written
 * as the PEM pair users configure ({@code cert.pem}, PKCS#8 {@code key.pem}), plus a trust store
 * holding it for test clients. For tests only.
 *
 * @param cert  PEM certificate
 * @param key   PEM PKCS#8 private key
 * @param trust a PKCS12 key store that trusts {@code cert} (password {@link #PASSWORD})
 */
public record SelfSignedPem(Path cert, Path key, KeyStore trust) {
    public static final String PASSWORD = "changeit";

    /** Makes a pair of the given key algorithm ({@code RSA} or {@code EC}) in {@code dir}. */
    public static SelfSignedPem create(Path dir, String keyAlg) throws Exception {
        Path p12 = dir.resolve("self-" + keyAlg + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "s", "-keyalg", keyAlg, "-dname", "CN=localhost", "-validity", "2",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        Certificate cert = ks.getCertificate("s");
        Path certPem = Files.writeString(dir.resolve("cert-" + keyAlg + ".pem"), pem("CERTIFICATE", cert.getEncoded()));
        Path keyPem = Files.writeString(dir.resolve("key-" + keyAlg + ".pem"),
                pem("PRIVATE KEY", ks.getKey("s", PASSWORD.toCharArray()).getEncoded()));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("s", cert);
        return new SelfSignedPem(certPem, keyPem, trust);
    }

    /** An SSL context whose trust is this certificate only. */
    public javax.net.ssl.SSLContext clientContext() throws Exception {
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
