package io.quckchat.router.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The sample events of the contract (docs/contract.md §3), one per topic, in config/samples (shipped in the jar: the dashboard prefills them). */
public final class Samples {

    public static final List<String> TOPICS = TestBrokers.TOPICS;

    private Samples() {}

    public static String json(String topic) {
        try (InputStream in = Samples.class.getResourceAsStream("/config/samples/" + topic + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("No sample for " + topic);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
