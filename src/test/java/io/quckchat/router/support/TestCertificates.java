package io.quckchat.router.support;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made by the test, and server certificates it signs, written as PEM files
 * the way TLS servers (redis-server, RabbitMQ) and the router read them. Nothing secret is
 * committed: each test run makes its own.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate ca;

    private TestCertificates(Path dir, KeyPair caKeys, X509Certificate ca) {
        this.dir = dir;
        this.caKeys = caKeys;
        this.ca = ca;
    }

    /** A new CA named {@code name}, its certificate in {@code <dir>/ca.pem}. */
    public static TestCertificates authority(String name) throws IOException, GeneralSecurityException {
        Path dir = Files.createTempDirectory("quckchat-tls-" + name);
        KeyPair keys = rsa();
        X500Name subject = new X500Name("CN=" + name + " test CA");
        try {
            var builder = new JcaX509v3CertificateBuilder(subject, serial(), from(), until(), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate ca = new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            TestCertificates authority = new TestCertificates(dir, keys, ca);
            authority.write(authority.caFile(), ca);
            return authority;
        } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.cert.CertIOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** The CA's certificate (PEM), what a client trusts. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /**
     * A server certificate and key signed by this CA for the given host names and IP addresses;
     * files {@code <dir>/<name>.pem} and {@code <dir>/<name>-key.pem}.
     */
    public Server server(String name, String... hosts) throws IOException, GeneralSecurityException {
        KeyPair keys = rsa();
        GeneralName[] names = new GeneralName[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            names[i] = new GeneralName(
                    hosts[i].matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, hosts[i]);
        }
        try {
            var builder = new JcaX509v3CertificateBuilder(
                            ca, serial(), from(), until(), new X500Name("CN=" + hosts[0]), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(caKeys.getPrivate())));
            Server server = new Server(dir.resolve(name + ".pem"), dir.resolve(name + "-key.pem"));
            write(server.certificate(), certificate);
            write(server.key(), new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null));
            return server;
        } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.cert.CertIOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** A server's certificate and private key files (PEM). */
    public record Server(Path certificate, Path key) {}

    private void write(Path file, Object pem) throws IOException {
        try (Writer out = Files.newBufferedWriter(file);
                JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(pem);
        }
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static Date from() {
        return Date.from(Instant.now().minus(Duration.ofHours(1)));
    }

    private static Date until() {
        return Date.from(Instant.now().plus(Duration.ofDays(2)));
    }
}
