package io.quckchat.router.support;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.server.SystemLauncher;

/**
 * Apache Qpid Broker-J in this JVM: a real AMQP 0-9-1 broker (topic exchanges, durable queues,
 * publisher confirms, mandatory returns) with an in-memory store. Test classpath only.
 */
public final class AmqpBroker implements AutoCloseable {

    private final int port;
    private SystemLauncher launcher;

    private final int tlsPort;
    private final TestCertificates authority;
    private final TestCertificates.Server certificate;

    /**
     * A broker on {@code port}, and on {@code tlsPort} with TLS only: a certificate for {@code
     * localhost} signed by a CA made for it ({@link #authority()}).
     */
    public AmqpBroker(int port, int tlsPort) throws Exception {
        this.port = port;
        this.tlsPort = tlsPort;
        this.authority = TestCertificates.authority("amqp");
        this.certificate = authority.server("amqp", "localhost");
    }

    public int port() {
        return port;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** The CA that signed the TLS port's certificate (for {@code localhost} only). */
    public TestCertificates authority() {
        return authority;
    }

    public synchronized void start() throws Exception {
        if (launcher != null) {
            return;
        }
        Path work = Files.createTempDirectory("quckchat-qpid");
        URL config = AmqpBroker.class.getResource("/qpid-config.json");
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("type", "Memory");
        attributes.put("initialConfigurationLocation", config.toExternalForm());
        attributes.put("startupLoggedToSystemOut", false);
        Map<String, String> context = new HashMap<>();
        context.put("qpid.amqp_port", String.valueOf(port));
        context.put("qpid.amqps_port", String.valueOf(tlsPort));
        context.put("qpid.tls_key", certificate.key().toUri().toString());
        context.put("qpid.tls_certificate", certificate.certificate().toUri().toString());
        context.put("qpid.work_dir", work.toString());
        context.put("qpid.home_dir", work.toString());
        attributes.put("context", context);
        SystemLauncher started = new SystemLauncher();
        started.startup(attributes);
        launcher = started;
    }

    /** Shuts the broker down; queues and messages are gone (in-memory store). */
    public synchronized void stop() {
        if (launcher != null) {
            try {
                launcher.shutdown();
            } catch (IllegalStateException alreadyClosing) {
                // at JVM exit Qpid's own shutdown hook may have closed the broker first
                // ("Task executor Broker-Config is not in ACTIVE state"): nothing left to stop
            }
            launcher = null;
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
