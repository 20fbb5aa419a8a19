package io.quckchat.router.event;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * One event read from Kafka on its way through the router: where it came from, its identity
 * (docs/contract.md §3), the legs the fan-out route gave it, and whether every leg is done.
 *
 * <p>The route runs on the consumer thread and only <em>collects</em> legs; the legs are delivered
 * afterwards by the delivery lanes. The event is complete, and its offset may be committed, once
 * every leg is delivered, skipped as already delivered, or dead-lettered.
 */
public final class ChatEvent {

    /** Exchange property that carries the event through the route (shared by multicast/split copies). */
    public static final String PROPERTY = "QuckChatEvent";

    private final String id;
    private final ConsumerRecord<byte[], byte[]> record;
    private final List<Leg> legs = Collections.synchronizedList(new ArrayList<>());
    /** {@link #size()}, once taken; -1 before. */
    private int size = -1;

    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean sealed;
    private volatile boolean complete;
    private volatile boolean abandoned;
    private volatile Runnable onComplete = () -> {};
    private volatile Object parsed;
    private volatile String routeId;
    // computed once on first use (immutable strings: a racy first computation is harmless)
    private String key;
    private String orderingKey;

    public ChatEvent(ConsumerRecord<byte[], byte[]> record) {
        this.record = record;
        this.id = idOf(record);
    }

    /** The event id: the CloudEvents header {@code ce_id}, else {@code <topic>-<partition>-<offset>}. */
    public static String idOf(ConsumerRecord<?, ?> record) {
        String ceId = header(record.headers(), EventHeaders.CE_ID);
        return ceId != null && !ceId.isBlank()
                ? ceId
                : record.topic() + "-" + record.partition() + "-" + record.offset();
    }

    public static ChatEvent of(Exchange exchange) {
        ChatEvent event = exchange.getProperty(PROPERTY, ChatEvent.class);
        if (event == null) {
            throw new IllegalStateException("Exchange " + exchange.getExchangeId()
                    + " carries no chat event: sinks only work in routes that start from chat-events:<topic>");
        }
        return event;
    }

    public String id() {
        return id;
    }

    public String topic() {
        return record.topic();
    }

    public int partition() {
        return record.partition();
    }

    public long offset() {
        return record.offset();
    }

    public long timestamp() {
        return record.timestamp();
    }

    public ConsumerRecord<byte[], byte[]> record() {
        return record;
    }

    /** The record key as text, or null. */
    public String key() {
        String text = key;
        if (text == null && record.key() != null) {
            text = new String(record.key(), StandardCharsets.UTF_8);
            key = text;
        }
        return text;
    }

    /** What orders this event's legs against others on a destination: its key, else its partition. */
    public String orderingKey() {
        String ordering = orderingKey;
        if (ordering == null) {
            String text = key();
            ordering = text != null ? topic() + "/" + text : topic() + "#" + partition();
            orderingKey = ordering;
        }
        return ordering;
    }

    /** The original value bytes, exactly as produced. */
    public byte[] value() {
        return record.value() == null ? new byte[0] : record.value();
    }

    public String header(String name) {
        return header(record.headers(), name);
    }

    /** {@code ce_source} of the record, else {@code kafka:<topic>}. */
    public String source() {
        String source = header(EventHeaders.CE_SOURCE);
        return source != null && !source.isBlank() ? source : "kafka:" + topic();
    }

    /** For a redriven event, the legs to deliver ({@code *}: all); null for a normal event. */
    public java.util.Set<String> redriveLegs() {
        String legs = header(EventHeaders.REDRIVE_LEGS);
        if (legs == null || legs.isBlank()) {
            return null;
        }
        // a hand-written header may repeat a name or put spaces after the commas
        return java.util.Arrays.stream(legs.split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The parsed JSON body as the route first saw it (used to recognise an unchanged body); null after the route. */
    public Object parsed() {
        return parsed;
    }

    public void parsed(Object body) {
        this.parsed = body;
    }

    public String routeId() {
        return routeId;
    }

    public void routeId(String routeId) {
        this.routeId = routeId;
    }

    /** "where" for log lines: event id, route and origin. */
    public String describe() {
        return "event " + id + " (route " + routeId + ", " + topic() + "-" + partition() + "@" + offset() + ")";
    }

    /** Adds a leg while the route runs. */
    public void addLeg(Leg leg) {
        if (sealed) {
            throw new IllegalStateException("Legs can only be added while the route runs: " + describe());
        }
        leg.counted();
        legs.add(leg);
    }

    /** Replaces whatever the route collected by a single leg, e.g. the dead letter of a rejected event. */
    public void replaceLegs(Leg leg) {
        if (sealed) {
            throw new IllegalStateException("Legs can only be replaced while the route runs: " + describe());
        }
        legs.clear();
        leg.counted();
        legs.add(leg);
    }

    public List<Leg> legs() {
        synchronized (legs) {
            return List.copyOf(legs);
        }
    }

    /**
     * Bytes the event holds while in flight: its key and value and each leg's own payload (a leg
     * that sends the value as it is adds nothing). Taken once, when first asked after the route.
     */
    public int size() {
        int known = size;
        if (known < 0) {
            long total = (record.key() == null ? 0 : record.key().length) + (long) value().length;
            synchronized (legs) {
                for (Leg leg : legs) {
                    byte[] payload = leg.payload();
                    if (payload != null && payload != record.value()) {
                        total += payload.length;
                    }
                }
            }
            known = (int) Math.min(Integer.MAX_VALUE, total);
            size = known;
        }
        return known;
    }

    /**
     * Ends the route's part: from now on legs only resolve. {@code onComplete} runs once, when the
     * last leg resolves (at once if there are none).
     */
    public void seal(Runnable onComplete) {
        this.onComplete = onComplete;
        sealed = true;
        parsed = null; // the route is done with the tree; in-flight events keep only their bytes
        pending.set(legs.size());
        if (legs.isEmpty()) {
            finish();
        }
    }

    /** Called by a leg when it is delivered, skipped or dead-lettered. */
    void legResolved() {
        if (pending.decrementAndGet() == 0) {
            finish();
        }
    }

    private void finish() {
        complete = true;
        // a completed event waits for the commit (behind an earlier one of its partition) without its legs
        legs.clear();
        onComplete.run();
    }

    public boolean isComplete() {
        return complete;
    }

    /** The partition was taken from this consumer: legs not yet sent are dropped, the new owner redelivers. */
    public void abandon() {
        abandoned = true;
    }

    public boolean isAbandoned() {
        return abandoned;
    }

    static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return describe();
    }
}
