package io.quckchat.router.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/** What a TLS client of the router trusts: the CA of a PEM file, or the JVM's trust store. */
public final class TrustedCa {

    private TrustedCa() {}

    /**
     * @param caFile a PEM file of one or more CA certificates; empty: the JVM's trust store
     * @param setting the setting it came from, named when the file cannot be read
     */
    public static SslBundle bundle(String caFile, String setting) {
        if (!Settings.present(caFile)) {
            return SslBundle.of(SslStoreBundle.NONE);
        }
        try {
            String pem = Files.readString(Path.of(caFile.trim()));
            return SslBundle.of(new PemSslStoreBundle(null, PemSslStoreDetails.forCertificate(pem)));
        } catch (IOException | RuntimeException e) {
            throw new InvalidSettingException(
                    setting, "'" + caFile + "' is not a readable PEM certificate: " + e.getMessage());
        }
    }
}
