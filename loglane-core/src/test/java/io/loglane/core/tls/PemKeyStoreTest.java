package io.loglane.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemKeyStoreTest {
    @TempDir Path dir;

    @Test
    void rsaAndEcPairsLoadAsOneKeyEntryWithTheirChain() throws Exception {
        for (String alg : new String[] {"RSA", "EC"}) {
            SelfSignedPem pem = SelfSignedPem.create(dir, alg);
            KeyStore ks = PemKeyStore.load(pem.cert(), pem.key(), "x".toCharArray());
            assertThat(ks.isKeyEntry(PemKeyStore.ALIAS)).as(alg).isTrue();
            assertThat(ks.getKey(PemKeyStore.ALIAS, "x".toCharArray()).getAlgorithm()).isEqualTo(alg);
            assertThat(ks.getCertificateChain(PemKeyStore.ALIAS)).hasSize(1);
        }
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() throws Exception {
        SelfSignedPem a = SelfSignedPem.create(dir, "RSA");
        Path other = Files.createDirectory(dir.resolve("other"));
        SelfSignedPem b = SelfSignedPem.create(other, "RSA");
        assertThatThrownBy(() -> PemKeyStore.load(a.cert(), b.key(), new char[0]))
                .hasMessageStartingWith(b.key() + ": the private key does not belong to the first certificate of " + a.cert());
    }

    @Test
    void legacyEncryptedMissingAndGarbledFilesSayWhatIsWrong() throws Exception {
        SelfSignedPem pem = SelfSignedPem.create(dir, "RSA");
        Path rsa = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemKeyStore.load(pem.cert(), rsa, new char[0]))
                .hasMessageContaining("a RSA PRIVATE KEY block; convert it").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        Path enc = Files.writeString(dir.resolve("enc.pem"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemKeyStore.load(pem.cert(), enc, new char[0])).hasMessageContaining("ENCRYPTED PRIVATE KEY");
        assertThatThrownBy(() -> PemKeyStore.load(dir.resolve("nope.pem"), pem.key(), new char[0]))
                .hasMessageStartingWith(dir.resolve("nope.pem") + ": cannot read");
        assertThatThrownBy(() -> PemKeyStore.load(pem.key(), pem.key(), new char[0]))
                .hasMessage(pem.key() + ": no -----BEGIN CERTIFICATE----- block");
        assertThatThrownBy(() -> PemKeyStore.load(pem.cert(), pem.cert(), new char[0]))
                .hasMessage(pem.cert() + ": no -----BEGIN PRIVATE KEY----- block");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> PemKeyStore.load(junk, pem.key(), new char[0])).hasMessageStartingWith(junk + ": not a valid certificate");
    }
}
