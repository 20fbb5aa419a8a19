package io.quckchat.router.deadletter;

import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.delivery.DeadLetterSink;
import io.quckchat.router.delivery.Lane;
import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.LogContext;
import io.quckchat.router.event.RetryPolicy;
import io.quckchat.router.fanout.EventRejecter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes dead letters to {@code <topic>.dlq}: the original key, value and headers, plus headers
 * saying which leg failed and why ({@link DeadLetterHeaders}). Creates the topic when missing,
 * with as many partitions as its source. A dead letter that cannot be written is retried without
 * limit: giving up would lose the event.
 */
public class DeadLetterLane extends Lane implements EventRejecter, DeadLetterSink {

    public static final String SUFFIX = ".dlq";

    private final KafkaClients clients;
    private final RetryPolicy policy;
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
    private volatile Producer<byte[], byte[]> producer;
    /** Told of each dead-letter topic the lane writes to, once: the index follows it at once. */
    private volatile Runnable topicListener = () -> {};

    public DeadLetterLane(KafkaClients clients, RetryPolicy outagePolicy) {
        super("dead-letter", outagePolicy, 1000, 200);
        this.clients = clients;
        this.policy = outagePolicy;
    }

    void onTopic(Runnable listener) {
        this.topicListener = listener;
    }

    /** Writes the dead letter of a leg a lane gave up on. */
    @Override
    public void deadLetter(Leg failed, Consumer<Leg> whenDone) {
        submit(DeadLetter.of(failed, this, whenDone));
    }

    /** Writes the dead letter of a leg the dispatcher could not hand to its lane (stage {@code DISPATCH}). */
    @Override
    public void notHandedOver(Leg failed, Class<?> failedBy, Consumer<Leg> whenDone) {
        submit(DeadLetter.of(failed, DeadLetter.STAGE_DISPATCH, failedBy, this, whenDone));
    }

    /** Replaces the legs of an event the route could not handle by its dead letter. */
    @Override
    public void reject(ChatEvent event, Throwable cause, Class<?> rejectedBy) {
        try (LogContext ignored = LogContext.of(event)) {
            log.warn("Rejecting {} to {}{}: {}", event.describe(), event.topic(), SUFFIX, cause.toString());
        }
        event.replaceLegs(DeadLetter.ofEvent(event, this, cause, rejectedBy, policy));
    }

    @Override
    protected void send(List<Leg> batch) throws Exception {
        Producer<byte[], byte[]> out = producer();
        for (Leg leg : batch) {
            ChatEvent event = leg.event();
            String topic = event.topic() + SUFFIX;
            ensureTopic(event.topic(), topic);
            ProducerRecord<byte[], byte[]> record =
                    new ProducerRecord<>(topic, null, event.record().key(), leg.payload(), headers(leg));
            out.send(record, (metadata, error) -> {
                if (error == null) {
                    try (LogContext ignored = LogContext.of(leg)) {
                        log.info(
                                "Dead-lettered {} to {}-{}@{}",
                                leg.describe(),
                                metadata.topic(),
                                metadata.partition(),
                                metadata.offset());
                    }
                    observer().deadLettered(leg);
                    delivered(leg);
                } else {
                    unavailable(leg, error);
                }
            });
        }
    }

    private Producer<byte[], byte[]> producer() {
        Producer<byte[], byte[]> current = producer;
        if (current == null) {
            Map<String, Object> config = clients.producer("dead-letters");
            // One request in flight: the lane creates its topics and writes at once, and a second
            // batch that overtakes a first refused with NOT_LEADER_OR_FOLLOWER (the broker had not
            // taken the new partition yet) is appended, after which the first is refused as out of
            // order until delivery.timeout.ms (KAFKA-15591; Kafka 3.9 brokers have no fix).
            config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
            current = new KafkaProducer<>(config);
            producer = current;
        }
        return current;
    }

    private void ensureTopic(String source, String topic) throws Exception {
        if (knownTopics.contains(topic)) {
            return;
        }
        try (Admin admin = Admin.create(clients.common("dead-letter-admin"))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!existing.contains(topic)) {
                Map<String, TopicDescription> described =
                        admin.describeTopics(List.of(source)).allTopicNames().get(30, TimeUnit.SECONDS);
                int partitions = described.get(source).partitions().size();
                try {
                    admin.createTopics(List.of(
                                    new NewTopic(topic, java.util.Optional.of(partitions), java.util.Optional.empty())))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                    log.info("Created dead-letter topic {} with {} partition(s)", topic, partitions);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        knownTopics.add(topic);
        topicListener.run();
    }

    /** The headers of a dead letter as the lane writes them: the original ones, then where it came from and why. */
    public static Headers headers(Leg leg) {
        ChatEvent event = leg.event();
        DeadLetter letter = leg.spec();
        RecordHeaders headers = new RecordHeaders();
        for (Header header : event.record().headers()) {
            if (!header.key().startsWith("__connect.errors.")
                    && !header.key().startsWith("quckchat.dlq.")
                    && !header.key().startsWith("quckchat.redrive.")) {
                headers.add(header);
            }
        }
        put(headers, DeadLetterHeaders.TOPIC, event.topic());
        put(headers, DeadLetterHeaders.PARTITION, String.valueOf(event.partition()));
        put(headers, DeadLetterHeaders.OFFSET, String.valueOf(event.offset()));
        put(headers, DeadLetterHeaders.CONNECTOR_NAME, "quckchat-router");
        put(headers, DeadLetterHeaders.TASK_ID, String.valueOf(event.routeId()));
        put(headers, DeadLetterHeaders.STAGE, letter.stage());
        put(headers, DeadLetterHeaders.CLASS_NAME, letter.failedBy());
        put(headers, DeadLetterHeaders.EXCEPTION_CLASS, letter.errorClass());
        put(headers, DeadLetterHeaders.EXCEPTION_MESSAGE, letter.errorMessage());
        put(headers, DeadLetterHeaders.EXCEPTION_STACKTRACE, letter.stackTrace());
        put(headers, DeadLetterHeaders.EVENT_ID, event.id());
        put(headers, DeadLetterHeaders.LEG, letter.failedLeg());
        put(headers, DeadLetterHeaders.ATTEMPTS, String.valueOf(letter.attempts()));
        put(headers, DeadLetterHeaders.FIRST_FAILURE, String.valueOf(letter.firstFailure()));
        put(headers, DeadLetterHeaders.LAST_FAILURE, String.valueOf(letter.lastFailure()));
        return headers;
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void stop() {
        super.stop();
        Producer<byte[], byte[]> current = producer;
        if (current != null) {
            current.close(java.time.Duration.ofSeconds(5));
        }
    }

    @Override
    protected void rejected(Leg leg, Throwable cause) {
        // Nowhere further to send it: keep trying, loudly, rather than lose the event.
        try (LogContext ignored = LogContext.of(leg)) {
            log.error("Cannot write dead letter for {}: {}", leg.describe(), cause.toString());
        }
        unavailable(leg, cause);
    }
}
