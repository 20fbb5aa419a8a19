package io.quckchat.router.guarantees;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Delivery;
import io.quckchat.router.support.Deliveries;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterProcess;
import io.quckchat.router.support.TestBrokers;
import io.quckchat.router.support.TestReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routers as separate processes in one consumer group, sharing a topic of 6 partitions while
 * events stream in (docs/guarantees.md): replicas join, leave gracefully, restart one by one and
 * die with {@code kill -9}. Every leg arrives, no key's order breaks, and duplicates are what the
 * guarantees say: none from a graceful stop, at most the legs in flight on a killed replica.
 */
class ReplicasIT {

    private static final String TOPIC = "replicas.test";
    private static final int PARTITIONS = 6;
    private static final int KEYS = 100;
    private static final String[] QUEUES = {"notifications", "analytics"};
    /** Events in flight per replica (lower than the default 5,000 so that the bound below says something). */
    private static final int MAX_IN_FLIGHT = 1000;
    /** Kafka's max.poll.records (the router keeps the default): back-pressure is checked once per poll. */
    private static final int MAX_POLL_RECORDS = 500;

    @TempDir
    static Path routes;

    private Namespace ns;
    private RabbitMqProbe rabbit;
    private KafkaProbe kafka;
    private final List<RouterProcess> replicas = new ArrayList<>();

    @BeforeAll
    static void topicAndRoute() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        try (Admin admin = admin()) {
            // a topic just created has no leaders for a moment: the group cannot be positioned on it yet
            await("leaders for the partitions of " + TOPIC)
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> admin.listOffsets(IntStream.range(0, PARTITIONS)
                                            .boxed()
                                            .collect(Collectors.toMap(
                                                    p -> new org.apache.kafka.common.TopicPartition(TOPIC, p),
                                                    p -> org.apache.kafka.clients.admin.OffsetSpec.latest())))
                                    .all()
                                    .get(5, TimeUnit.SECONDS)
                                    .size()
                            == PARTITIONS);
        }
        Files.writeString(routes.resolve("replicas.camel.yaml"), """
                - route:
                    id: replicas
                    routeConfigurationId: fanout
                    from:
                      uri: chat-events:%s
                      steps:
                        - to:
                            uri: rabbitmq-sink:notifications
                        - to:
                            uri: rabbitmq-sink:analytics
                """.formatted(TOPIC));
    }

    @BeforeEach
    void setUp() throws Exception {
        ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.of(TOPIC));
        rabbit = new RabbitMqProbe(ns);
        kafka = new KafkaProbe();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (RouterProcess replica : replicas) {
            replica.close();
        }
        rabbit.cleanUp(QUEUES);
        rabbit.close();
        kafka.close();
    }

    /**
     * 20,000 events while B and C join A, A leaves gracefully and B is killed: C ends with every
     * partition. Each replica owned partitions and delivered legs; the duplicates stay within the
     * legs B could have held uncommitted.
     */
    @Test
    void replicasJoinLeaveAndDieWhileEventsStream() throws Exception {
        int events = 20_000;
        RouterProcess a = replica("a");
        listen();
        // events flow through two joins and a leave. However long the replicas take to start, the
        // events from 6,000 on wait until B and C own partitions (so that each replica gets events
        // to deliver), and the last 2,000 until B is killed (so that the kill is mid-stream).
        CountDownLatch joined = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        CompletableFuture<Void> producing =
                produce(events, Duration.ofMillis(600), new Gate(6_000, joined), new Gate(events - 2_000, killed));

        awaitDelivered(1_000);
        RouterProcess b = replica("b");
        RouterProcess c = replica("c");
        Map<String, Integer> owned = awaitEveryMemberOwnsPartitions(3);
        joined.countDown();
        await("B delivers events of its partitions")
                .atMost(Duration.ofSeconds(120))
                .until(b::deliveredLegs, legs -> legs > 0);
        long deliveredByA = a.deliveredLegs();

        assertThat(a.stop()).as("A's exit code after SIGTERM").isIn(0, 143);
        awaitEveryMemberOwnsPartitions(2);
        int beforeKill = delivered();
        long deliveredByB = b.deliveredLegs();
        b.kill();
        killed.countDown();

        producing.get(180, TimeUnit.SECONDS);
        awaitAll(events, Duration.ofSeconds(180));
        long deliveredByC = c.deliveredLegs();

        int duplicates = duplicates();
        int bound = (MAX_IN_FLIGHT + MAX_POLL_RECORDS) * QUEUES.length;
        TestReport.line(
                "ReplicasIT join/leave/kill: events=%d legs=%d partitions=%d partitions per member with 3 members=%s"
                        + " legs delivered by A=%d B=%d (until killed, %d events delivered by then) C=%d"
                        + " duplicate tasks=%d (bound %d: B's events in flight)",
                events,
                events * QUEUES.length,
                PARTITIONS,
                owned.values(),
                deliveredByA,
                deliveredByB,
                beforeKill,
                deliveredByC,
                duplicates,
                bound);
        assertThat(beforeKill).as("B was killed mid-stream").isLessThan(events);
        assertThat(owned.values()).as("partitions per member").containsOnly(PARTITIONS / 3);
        assertThat(deliveredByA).as("legs delivered by A").isPositive();
        assertThat(deliveredByB).as("legs delivered by B").isPositive();
        assertThat(deliveredByC).as("legs delivered by C").isPositive();
        assertThat(duplicates)
                .as("duplicate tasks: at most the tasks of the events B held uncommitted")
                .isLessThanOrEqualTo(bound);
    }

    /** Two replicas, each stopped and started again in turn while events stream: every leg exactly once. */
    @Test
    void aRollingRestartDeliversEveryLegExactlyOnce() throws Exception {
        int events = 10_000;
        RouterProcess a = replica("a");
        RouterProcess b = replica("b");
        listen();
        // events flow through both restarts; the last 2,000 wait until the second one is done
        CountDownLatch restarted = new CountDownLatch(1);
        CompletableFuture<Void> producing =
                produce(events, Duration.ofMillis(750), new Gate(events - 2_000, restarted));

        awaitDelivered(1_000);
        assertThat(a.stop()).as("A's exit code after SIGTERM").isIn(0, 143);
        replica("a2");
        awaitEveryMemberOwnsPartitions(2);
        int afterFirst = delivered();
        assertThat(b.stop()).as("B's exit code after SIGTERM").isIn(0, 143);
        replica("b2");
        restarted.countDown();

        producing.get(180, TimeUnit.SECONDS);
        awaitAll(events, Duration.ofSeconds(180));
        int duplicates = duplicates();
        TestReport.line(
                "ReplicasIT rolling restart: events=%d legs=%d, 2 replicas restarted in turn (%d events delivered"
                        + " after the first restart), duplicate tasks=%d",
                events, events * QUEUES.length, afterFirst, duplicates);
        assertThat(afterFirst).as("the second restart happened mid-stream").isLessThan(events);
        assertThat(duplicates).as("graceful stops deliver nothing twice").isZero();
    }

    private RouterProcess replica(String name) throws Exception {
        RouterProcess replica = new RouterProcess(
                ns,
                name,
                "--QUCKCHAT_ROUTES_DIR=" + routes,
                "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD,
                "--quckchat.kafka.max-in-flight=" + MAX_IN_FLIGHT,
                "--quckchat.kafka.session-timeout=6s");
        replicas.add(replica);
        return replica.start();
    }

    private void listen() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("notifications"));
        rabbit.listen(QUEUES);
    }

    /** The events from {@code at} on wait until {@code open} is counted down. */
    private record Gate(int at, CountDownLatch open) {}

    /**
     * Paced (250 events per flush, then {@code pause}) so that the stream lasts through the membership
     * changes; at each gate (in order) the stream waits until the gate opens.
     */
    private CompletableFuture<Void> produce(int events, Duration pause, Gate... gates) {
        CompletableFuture<Void> stream = CompletableFuture.completedFuture(null);
        int from = 0;
        for (Gate gate : gates) {
            int start = from;
            stream = stream.thenCompose(
                            ignored -> kafka.streamMessages(TOPIC, ns.id(), start, gate.at(), KEYS, 250, pause))
                    .thenRunAsync(() -> {
                        try {
                            if (!gate.open().await(5, TimeUnit.MINUTES)) {
                                throw new IllegalStateException("The stream's gate at " + gate.at() + " never opened");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    });
            from = gate.at();
        }
        int last = from;
        return stream.thenCompose(ignored -> kafka.streamMessages(TOPIC, ns.id(), last, events, KEYS, 250, pause));
    }

    /** Events whose analytics task arrived. */
    private int delivered() {
        return Deliveries.distinctIds(rabbit.messages("analytics")).size();
    }

    private int awaitDelivered(int atLeast) {
        return await("at least " + atLeast + " events delivered")
                .atMost(Duration.ofSeconds(120))
                .until(this::delivered, n -> n >= atLeast);
    }

    /** Waits until the group has {@code members} members with partitions; returns partitions per member. */
    private Map<String, Integer> awaitEveryMemberOwnsPartitions(int members) throws Exception {
        try (Admin admin = admin()) {
            return await(members + " members, each owning partitions of " + TOPIC)
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () -> {
                                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(ns.groupId()))
                                        .all()
                                        .get(10, TimeUnit.SECONDS)
                                        .get(ns.groupId());
                                Map<String, Integer> owned = new LinkedHashMap<>();
                                for (MemberDescription member : group.members()) {
                                    owned.put(member.consumerId(), (int) member.assignment().topicPartitions().stream()
                                            .filter(p -> p.topic().equals(TOPIC))
                                            .count());
                                }
                                return owned;
                            },
                            owned -> owned.size() == members
                                    && owned.values().stream()
                                                    .mapToInt(Integer::intValue)
                                                    .sum()
                                            == PARTITIONS
                                    && owned.values().stream().allMatch(n -> n > 0));
        }
    }

    private void awaitAll(int events, Duration timeout) {
        await("every leg of every event")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    for (String queue : QUEUES) {
                        assertThat(Deliveries.distinctIds(rabbit.messages(queue)))
                                .as(queue)
                                .hasSize(events);
                    }
                });
        for (String queue : QUEUES) {
            Set<String> expected = IntStream.range(0, events)
                    .mapToObj(i -> ns.id() + "-" + i + "." + queue)
                    .collect(Collectors.toSet());
            List<Delivery> arrived = rabbit.messages(queue);
            assertThat(Deliveries.distinctIds(arrived)).as(queue).isEqualTo(expected);
            List<String> inArrivalOrder =
                    arrived.stream().map(d -> d.getProperties().getMessageId()).toList();
            assertThat(Deliveries.outOfOrder(inArrivalOrder, ns.id(), KEYS))
                    .as("events of a key that arrived before an earlier one, on " + queue)
                    .isZero();
        }
    }

    private int duplicates() {
        int duplicates = 0;
        for (String queue : QUEUES) {
            duplicates += Deliveries.duplicates(rabbit.messages(queue));
        }
        return duplicates;
    }

    private static Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestBrokers.get().kafkaBootstrap()));
    }
}
