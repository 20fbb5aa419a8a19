package io.quckchat.router.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Delivery;
import io.quckchat.camel.bullmq.BullMqJobInfo;
import io.quckchat.camel.bullmq.BullMqQueues;
import io.quckchat.camel.bullmq.BullMqState;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.Samples;
import io.quckchat.router.support.TestBrokers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The fan-out end to end through real brokers: an event yields exactly its RabbitMQ tasks and
 * BullMQ jobs — which queues, which jobs, which payloads, nothing else — as the brokers hold them. Jobs are read from Redis as BullMQ stores them; in the
 * external-broker pass they are left in Redis with a manifest (target/fanout-jobs.json) that the
 * Node interop suite reads back with stock BullMQ.
 */
class FanoutIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] QUEUES = {"notifications", "media-processing", "email", "sms", "analytics"};
    private static final String[] JOB_QUEUES = {"email", "push", "media"};
    private static final Namespace NS = Namespace.random();
    private static final List<Map<String, Object>> manifest = new ArrayList<>();

    private static ConfigurableApplicationContext router;
    private static RabbitMqProbe rabbit;
    private static KafkaProbe kafka;
    private static BullMqQueues jobs;

    /** One row: an event, and everything it must produce. */
    record Case(String name, String topic, String key, String event, List<Task> tasks, List<Job> jobs) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A RabbitMQ task: queue, message id suffix after the event id, body (null: the event itself). */
    record Task(String queue, String suffix, String body) {}

    /** A BullMQ job: queue, name, job id suffix after the event id, priority, data (null: the event itself). */
    record Job(String queue, String name, String suffix, int priority, String data) {}

    /**
     * One event per sink kind, end to end: message.sent makes RabbitMQ tasks (the event unchanged and
     * one per attachment) and BullMQ jobs (a prioritized push, a transcode per video); user.created a
     * job whose data a jq payload shapes. Every other row of the routes table, each filter both ways
     * and each rejection, is a route case in routes/tests (RouteCasesTest), which runs the same
     * routes and sinks without brokers.
     */
    static Stream<Case> cases() throws Exception {
        String userCreated = Samples.json("user.created");
        String messageSent = Samples.json("message.sent");
        JsonNode sent = JSON.readTree(messageSent);
        String media0 = mediaTask(sent, 0);
        String media1 = mediaTask(sent, 1);
        return Stream.of(
                new Case(
                        "user.created with an email",
                        "user.created",
                        "u-1001",
                        userCreated,
                        List.of(task("analytics")),
                        List.of(new Job(
                                "email",
                                "send-welcome",
                                ".send-welcome",
                                0,
                                "{\"to\":\"ana@example.com\",\"template\":\"welcome\",\"userId\":\"u-1001\","
                                        + "\"displayName\":\"Ana\"}"))),
                new Case(
                        "message.sent with an image and a video",
                        "message.sent",
                        "c-42",
                        messageSent,
                        List.of(
                                task("notifications"),
                                task("analytics"),
                                new Task("media-processing", ".media-processing.0", media0),
                                new Task("media-processing", ".media-processing.1", media1)),
                        List.of(
                                new Job("push", "new-message", ".new-message", 10, null),
                                new Job("media", "transcode", ".transcode.1", 0, media1))));
    }

    @BeforeAll
    static void start() throws Exception {
        TestBrokers.get().startGroupAtEnd(NS.groupId(), Set.copyOf(TestBrokers.TOPICS));
        router = RouterApp.start(NS);
        jobs = router.getBean(BullMqQueues.class);
        rabbit = new RabbitMqProbe(NS);
        await().atMost(Duration.ofSeconds(30)).until(() -> Stream.of(QUEUES).allMatch(rabbit::queueExists));
        rabbit.listen(QUEUES);
        kafka = new KafkaProbe();
    }

    @AfterAll
    static void stop() throws Exception {
        router.close();
        rabbit.cleanUp(QUEUES);
        rabbit.close();
        kafka.close();
        if (TestBrokers.get().external()) {
            // Left in the machine's Redis for the Node interop suite to read with stock BullMQ.
            Files.writeString(
                    Path.of("target", "fanout-jobs.json"),
                    JSON.writerWithDefaultPrettyPrinter()
                            .writeValueAsString(Map.of("prefix", NS.bullPrefix(), "jobs", manifest)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eventYieldsExactlyItsDeliveries(Case row) throws Exception {
        // An id with ':' and '%' also checks the job id escaping of docs/contract.md §5.
        String eventId = "evt:" + UUID.randomUUID() + "%";
        String jobIdBase = eventId.replace("%", "%25").replace(":", "%3A");
        RecordMetadata sent = kafka.send(row.topic(), row.key(), row.event(), eventId);

        awaitCommitPast(sent);
        // Every leg of the event is done once its offset is committed: what is there now is all.
        Set<String> expectedTasks = new TreeSet<>();
        row.tasks().forEach(t -> expectedTasks.add(t.queue() + " " + eventId + t.suffix()));
        assertThat(tasksOf(eventId)).as("RabbitMQ tasks").isEqualTo(expectedTasks);
        for (Task task : row.tasks()) {
            Delivery delivery = delivery(task.queue(), eventId + task.suffix());
            String body = new String(delivery.getBody(), StandardCharsets.UTF_8);
            if (task.body() == null) {
                assertThat(body).as("the event unchanged, byte for byte").isEqualTo(row.event());
            } else {
                assertThat(JSON.readTree(body)).isEqualTo(JSON.readTree(task.body()));
            }
            assertThat(delivery.getProperties().getType()).isEqualTo(row.topic());
        }

        Set<String> expectedJobs = new TreeSet<>();
        row.jobs().forEach(j -> expectedJobs.add(j.queue() + " " + jobIdBase + j.suffix()));
        assertThat(jobsOf(jobIdBase)).as("BullMQ jobs").isEqualTo(expectedJobs);
        for (Job job : row.jobs()) {
            BullMqJobInfo info = jobs.job(job.queue(), jobIdBase + job.suffix()).orElseThrow();
            assertThat(info.name()).isEqualTo(job.name());
            assertThat(info.priority()).isEqualTo(job.priority());
            assertThat(info.state()).isEqualTo(job.priority() > 0 ? BullMqState.PRIORITIZED : BullMqState.WAITING);
            if (job.data() == null) {
                assertThat(info.data()).isEqualTo(row.event());
            } else {
                assertThat(JSON.readTree(info.data())).isEqualTo(JSON.readTree(job.data()));
            }
            JsonNode opts = JSON.readTree(info.opts());
            assertThat(opts.path("attempts").asInt()).isEqualTo(3);
            assertThat(opts.path("backoff").path("type").asText()).isEqualTo("exponential");
            assertThat(opts.path("backoff").path("delay").asInt()).isEqualTo(1000);
            assertThat(opts.path("removeOnComplete").path("age").asInt()).isEqualTo(86400);
            assertThat(opts.path("removeOnComplete").path("count").asInt()).isEqualTo(10000);
            assertThat(opts.path("removeOnFail").path("age").asInt()).isEqualTo(604800);
            assertThat(opts.path("jobId").asText()).isEqualTo(jobIdBase + job.suffix());
            if (job.priority() > 0) {
                assertThat(opts.path("priority").asInt()).isEqualTo(job.priority());
            }
            synchronized (manifest) {
                manifest.add(Map.of(
                        "queue", job.queue(),
                        "id", info.id(),
                        "name", job.name(),
                        "priority", job.priority(),
                        "data", info.data()));
            }
        }
    }

    private static void awaitCommitPast(RecordMetadata sent) {
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        try (Admin admin = TestBrokers.get().kafkaAdmin()) {
            await("offset " + sent.offset() + " of " + partition + " committed")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(NS.groupId())
                                .partitionsToOffsetAndMetadata()
                                .get(10, TimeUnit.SECONDS);
                        OffsetAndMetadata committed = offsets.get(partition);
                        return committed != null && committed.offset() > sent.offset();
                    });
        }
    }

    private static Set<String> tasksOf(String eventId) {
        Set<String> tasks = new TreeSet<>();
        for (String queue : QUEUES) {
            for (Delivery delivery : rabbit.messages(queue)) {
                String id = delivery.getProperties().getMessageId();
                if (id.startsWith(eventId + ".")) {
                    tasks.add(queue + " " + id);
                }
            }
        }
        return tasks;
    }

    private static Set<String> jobsOf(String jobIdBase) {
        Set<String> found = new TreeSet<>();
        for (String queue : JOB_QUEUES) {
            for (BullMqState state : BullMqState.values()) {
                if (state == BullMqState.UNKNOWN) {
                    continue;
                }
                for (BullMqJobInfo job : jobs.jobs(queue, state, 0, -1)) {
                    if (job.id().startsWith(jobIdBase + ".")) {
                        found.add(queue + " " + job.id());
                    }
                }
            }
        }
        return found;
    }

    private static Delivery delivery(String queue, String messageId) {
        return rabbit.messages(queue).stream()
                .filter(d -> messageId.equals(d.getProperties().getMessageId()))
                .findFirst()
                .orElseThrow();
    }

    private static Task task(String queue) {
        return new Task(queue, "." + queue, null);
    }

    private static String mediaTask(JsonNode message, int index) {
        ObjectNode task = JSON.createObjectNode();
        task.put("messageId", message.path("messageId").asText());
        task.put("conversationId", message.path("conversationId").asText());
        task.put("senderId", message.path("senderId").asText());
        task.put("index", index);
        task.set("attachment", message.path("attachments").get(index));
        return task.toString();
    }
}
