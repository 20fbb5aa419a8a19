package io.quckchat.router.source;

import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.delivery.Dispatcher;
import io.quckchat.router.delivery.Ledger;
import io.quckchat.router.event.ChatEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of the fan-out: one consumer in the {@code KAFKA_GROUP_ID} group, subscribed to
 * the topics of all started {@code chat-events} routes, on one poll thread.
 *
 * <p>For each poll it routes every record (the route collects legs, it does no I/O), hands the legs
 * to the delivery lanes, and goes on polling while they deliver. Offsets are committed from this
 * thread only, and only up to the first event that still has a leg outstanding ({@link
 * PartitionProgress}). When too many events are outstanding it pauses fetching instead of
 * blocking, so a slow or absent destination never makes the consumer miss {@code
 * max.poll.interval.ms} and trigger a rebalance. On a rebalance or shutdown it waits (up to the
 * drain timeout) for the events of the partitions it gives up, commits what is done and drops the
 * rest, which the next owner redelivers; the ledger keeps that from delivering done legs twice.
 */
public class ChatEventSource implements ChatEventRoutes {

    private static final Logger log = LoggerFactory.getLogger(ChatEventSource.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration AUTHENTICATION_RETRY = Duration.ofSeconds(1);

    /** Where the poll loop is in its life; one value instead of a flag per question. */
    private enum State {
        /** No poll thread. */
        STOPPED,
        /** Polling; the subscription follows the started routes. */
        POLLING,
        /**
         * The CamelContext is stopping and its routes leave one by one: each one's partitions are
         * drained and stay paused; no resubscription (so no rebalance) until the last one leaves.
         */
        STOPPING,
        /** The loop ends after this pass: it drains what is left and leaves the group. */
        CLOSING
    }

    private final KafkaClients clients;
    private final Dispatcher dispatcher;
    private final RouterProperties.Kafka settings;
    private final Map<String, ChatEventsConsumer> routes = new ConcurrentHashMap<>();
    private final Set<String> suspended = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Offsets offsets;
    private final BackPressure backPressure;
    private volatile State state = State.STOPPED;
    private volatile int inFlight;
    private volatile long inFlightBytes;
    /** Why the poll loop ended although no one stopped it (an error escaped it), or null. */
    private volatile String ended;
    /**
     * Whether the partitions to pause may have changed since they were last applied (a route
     * suspended, resumed, added or removed, a rebalance, back-pressure on or off). Most polls
     * change nothing, and computing the sets copies the assignment each time.
     */
    private volatile boolean pausesChanged = true;
    /** When the loop last returned from a poll (or found nothing to poll), for the readiness check. */
    private volatile long polledAt = System.nanoTime();

    private volatile Map<TopicPartition, Long> lag = Map.of();
    private long lagReadAt;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Thread thread;

    private Set<String> subscribed = Set.of();
    private volatile java.util.function.Consumer<KafkaConsumer<byte[], byte[]>> onConsumer = c -> {};
    private volatile Runnable onConsumerClosed = () -> {};

    public ChatEventSource(KafkaClients clients, Dispatcher dispatcher) {
        this.clients = clients;
        this.dispatcher = dispatcher;
        this.settings = clients.settings();
        this.offsets = new Offsets(settings.drainTimeout());
        this.backPressure = new BackPressure(
                settings.maxInFlight(), settings.maxInFlightBytes().toBytes());
    }

    /** A {@code chat-events} route started: add its topic to the subscription. */
    @Override
    public synchronized void register(ChatEventsConsumer route) {
        ChatEventsConsumer previous = routes.putIfAbsent(route.topic(), route);
        if (previous != null && previous != route) {
            throw new IllegalStateException("Topic " + route.topic() + " is already consumed by route "
                    + previous.getRouteId() + "; one route per topic");
        }
        // A fresh consumer of the topic starts unpaused (Camel suspends a route before stopping it).
        suspended.remove(route.topic());
        pausesChanged = true;
        state = State.POLLING;
        if (thread == null) {
            ended = null;
            thread = new Thread(this::run, "chat-events-poll");
            thread.start();
        }
        wakeup();
    }

    /**
     * A route stopped: finish its in-flight events (up to the drain timeout), commit them and drop
     * its topic. Blocks until done, so a route stop is graceful.
     */
    @Override
    public void unregister(ChatEventsConsumer route) throws Exception {
        // The whole context stopping (not one route): drain and commit, but do not subscribe again.
        boolean shutdown = route.getEndpoint().getCamelContext().getStatus().isStopping();
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (thread == null) {
                routes.remove(route.topic(), route);
                return;
            }
            commands.add(() -> {
                try {
                    routes.remove(route.topic(), route);
                    pausesChanged = true;
                    offsets.drain(consumer, offsets.partitionsOf(Set.of(route.topic())));
                    if (shutdown) {
                        state = routes.isEmpty() ? State.CLOSING : State.STOPPING;
                    } else {
                        resubscribe();
                    }
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        }
        wakeup();
        done.get(settings.drainTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
        if (state == State.CLOSING) {
            awaitStop();
        }
    }

    /** Suspends or resumes fetching a topic (route suspend / resume). */
    @Override
    public void pause(String topic, boolean pause) {
        if (pause) {
            suspended.add(topic);
        } else {
            suspended.remove(topic);
        }
        pausesChanged = true;
        wakeup();
    }

    /** Records not yet read, per assigned partition, as of about a second ago (Kafka's own view). */
    public Map<TopicPartition, Long> lag() {
        return lag;
    }

    /** Events read and not yet committed, as of the last poll. */
    public int inFlight() {
        return inFlight;
    }

    /** Bytes of the events in flight ({@link ChatEvent#size()}), as of the last poll. */
    public long inFlightBytes() {
        return inFlightBytes;
    }

    public Set<String> topics() {
        return Set.copyOf(routes.keySet());
    }

    /** The consumer of this source, for metrics; null while not running. */
    public KafkaConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    /** Hooks for metrics: told when the Kafka consumer is created and when it is closed. */
    public void observeConsumer(java.util.function.Consumer<KafkaConsumer<byte[], byte[]>> created, Runnable closed) {
        this.onConsumer = created;
        this.onConsumerClosed = closed;
    }

    /** Runs {@code command} on the poll thread before its next poll (tests inject failures with it). */
    void onPollThread(Runnable command) {
        commands.add(command);
        wakeup();
    }

    /** Whether the poll loop runs (a route is started and the consumer is up). */
    public boolean isRunning() {
        return thread != null && consumer != null;
    }

    /**
     * Why the fan-out consumer is not doing its job although routes want it to, or null: the
     * dispatcher failed on an event (whose partition then commits no further), its poll loop has
     * ended, or it has not polled for longer than {@code max.poll.interval.ms} (a route step blocks
     * its thread; Kafka has then handed its partitions to the other replicas).
     */
    public String stalled() {
        String broken = broken();
        if (broken != null) {
            return broken;
        }
        if (routes.isEmpty() || state != State.POLLING) {
            return null;
        }
        long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - polledAt);
        long limit = settings.maxPollInterval().toMillis();
        if (silentMillis > limit) {
            return "the fan-out consumer has not polled for longer than quckchat.kafka.max-poll-interval ("
                    + settings.maxPollInterval() + "): a route step is blocking its thread";
        }
        return null;
    }

    /**
     * Why the fan-out cannot go on without a restart, or null: the dispatcher failed on an event
     * (its partition commits no further), or the poll loop ended although no one stopped it.
     */
    public String broken() {
        String failure = dispatcher.failure();
        if (failure != null) {
            return failure;
        }
        String failed = ended;
        if (failed != null && !routes.isEmpty()) {
            return "the fan-out poll loop has ended (" + failed + "); restart the router";
        }
        return null;
    }

    /** Stops polling, drains and commits what it can, and leaves the group. */
    public void stop() {
        state = State.CLOSING;
        wakeup();
        awaitStop();
    }

    private void awaitStop() {
        Thread current = thread;
        if (current != null && current != Thread.currentThread()) {
            try {
                current.join(settings.drainTimeout().toMillis() + 30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void wakeup() {
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /** The last authentication failure logged, so that it is logged once, not per poll. */
    private String refusedBecause;

    private void run() {
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(clients.consumer("fanout"))) {
            consumer = kafka;
            onConsumer.accept(kafka);
            while (state != State.CLOSING) {
                try {
                    runCommands();
                    if (state == State.CLOSING) {
                        break;
                    }
                    resubscribeIfNeeded();
                    if (subscribed.isEmpty()) {
                        polledAt = System.nanoTime();
                        offsets.awaitCompletion(POLL_TIMEOUT.toMillis());
                        continue;
                    }
                    applyPauses();
                    ConsumerRecords<byte[], byte[]> records = kafka.poll(POLL_TIMEOUT);
                    polledAt = System.nanoTime();
                    refusedBecause = null;
                    if (!records.isEmpty()) {
                        handle(records);
                    }
                    offsets.commit(kafka);
                    readLag();
                } catch (WakeupException e) {
                    // a command or a stop is waiting
                } catch (AuthenticationException e) {
                    // wrong credentials or certificate: say so once, not per poll, and retry slowly
                    // (the Kafka health check is DOWN with the same reason meanwhile)
                    Throwable cause = e;
                    while (cause.getCause() != null && cause.getCause() != cause) {
                        cause = cause.getCause();
                    }
                    String reason = e.getMessage() + (cause == e ? "" : " (" + cause.getMessage() + ")");
                    if (!Objects.equals(reason, refusedBecause)) {
                        refusedBecause = reason;
                        log.error(
                                "Kafka refused the fan-out consumer ({}): {}; retrying every {} ms",
                                e.getClass().getSimpleName(),
                                reason,
                                AUTHENTICATION_RETRY.toMillis());
                    }
                    try {
                        offsets.awaitCompletion(AUTHENTICATION_RETRY.toMillis());
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (RuntimeException e) {
                    log.error("Kafka poll loop error; continuing", e);
                }
            }
            runCommands();
            offsets.drain(kafka, offsets.partitions());
            log.info("Chat events consumer leaving group {}", settings.groupId());
        } catch (RuntimeException | Error e) {
            ended = e.toString();
            log.error("Chat events consumer failed: it consumes nothing until the router is restarted", e);
        } finally {
            onConsumerClosed.run();
            consumer = null;
            synchronized (this) {
                thread = null;
                state = State.STOPPED;
            }
        }
    }

    private void runCommands() {
        Runnable command;
        while ((command = commands.poll()) != null) {
            command.run();
        }
    }

    private void resubscribeIfNeeded() {
        // While the context stops, stopped routes' partitions stay paused instead (no rebalances).
        if (state != State.STOPPING && !subscribed.equals(routes.keySet())) {
            resubscribe();
        }
    }

    private void resubscribe() {
        Set<String> topics = Set.copyOf(routes.keySet());
        if (topics.equals(subscribed)) {
            return;
        }
        if (topics.isEmpty()) {
            consumer.unsubscribe();
        } else {
            consumer.subscribe(topics, new Rebalance());
            log.info("Consuming {} as group {}", new java.util.TreeSet<>(topics), settings.groupId());
        }
        subscribed = topics;
    }

    /** A partition's records of one poll, with the route and progress they go to. */
    private record Batch(
            ChatEventsConsumer route, PartitionProgress progress, List<ConsumerRecord<byte[], byte[]>> records) {}

    private void handle(ConsumerRecords<byte[], byte[]> records) {
        List<Batch> batches = new ArrayList<>(records.partitions().size());
        List<String> ids = new ArrayList<>(records.count());
        for (TopicPartition partition : records.partitions()) {
            PartitionProgress partitionProgress = offsets.of(partition);
            ChatEventsConsumer route = routes.get(partition.topic());
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(partition);
            if (route == null || partitionProgress == null) {
                // The route stopped (or the partition moved) between fetch and now: read it again later.
                consumer.seek(partition, batch.get(0).offset());
                continue;
            }
            batches.add(new Batch(route, partitionProgress, batch));
            batch.forEach(record -> ids.add(ChatEvent.idOf(record)));
        }
        // the ledger read goes out first; Redis answers while the routes run
        Ledger.Read ledgerRead = dispatcher.readLedger(ids);
        List<ChatEvent> events = new ArrayList<>(ids.size());
        for (Batch batch : batches) {
            for (ConsumerRecord<byte[], byte[]> record : batch.records()) {
                ChatEvent event = batch.route().route(record);
                batch.progress().add(event);
                events.add(event);
            }
        }
        dispatcher.dispatch(events, ledgerRead, this::completed);
    }

    private void completed(ChatEvent event) {
        if (backPressure.completed()) {
            wakeup(); // enough finished to fetch again: do not sit out the poll timeout
        }
        offsets.completed();
    }

    private void applyPauses() {
        int outstanding = offsets.inFlight();
        long bytes = offsets.inFlightBytes();
        inFlight = outstanding;
        inFlightBytes = bytes;
        boolean pausedBefore = backPressure.paused();
        boolean backpressure = backPressure.update(outstanding, bytes);
        if (backpressure != pausedBefore) {
            log.debug(
                    backpressure
                            ? "{} events ({} bytes) in flight: pausing fetch until destinations catch up"
                            : "{} events ({} bytes) in flight: resuming fetch",
                    outstanding,
                    bytes);
            pausesChanged = true;
        }
        if (!pausesChanged) {
            return;
        }
        pausesChanged = false; // before reading the state below: a change meanwhile sets it again
        Set<TopicPartition> assignment = consumer.assignment();
        if (assignment.isEmpty()) {
            pausesChanged = true;
            return;
        }
        Set<TopicPartition> pause = new HashSet<>();
        for (TopicPartition partition : assignment) {
            if (backpressure || suspended.contains(partition.topic()) || !routes.containsKey(partition.topic())) {
                pause.add(partition);
            }
        }
        Set<TopicPartition> resume = new HashSet<>(assignment);
        resume.removeAll(pause);
        consumer.pause(pause);
        consumer.resume(resume);
    }

    private void readLag() {
        long now = System.currentTimeMillis();
        if (now - lagReadAt < 1000) {
            return;
        }
        lagReadAt = now;
        Map<TopicPartition, Long> current = new HashMap<>();
        for (TopicPartition partition : consumer.assignment()) {
            consumer.currentLag(partition).ifPresent(value -> current.put(partition, value));
        }
        lag = Map.copyOf(current);
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            pausesChanged = true;
            if (!partitions.isEmpty()) {
                log.info("Partitions revoked: {}", partitions);
                offsets.drain(consumer, partitions);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            pausesChanged = true; // a newly assigned partition starts unpaused
            if (!partitions.isEmpty()) {
                log.info("Partitions assigned: {}", partitions);
            }
            offsets.assigned(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            pausesChanged = true;
            log.warn("Partitions lost: {}", partitions);
            offsets.lost(partitions);
        }
    }
}
