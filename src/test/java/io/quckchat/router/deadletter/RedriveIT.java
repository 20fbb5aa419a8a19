package io.quckchat.router.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quckchat.camel.bullmq.BullMqJobInfo;
import io.quckchat.camel.bullmq.BullMqQueues;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RedisProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import io.quckchat.router.support.TestReport;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Dead letters redriven over the admin API (docs/dead-letters.md), one router for the class. Its
 * {@code notifications} queue is held exclusively by another client (publishes there are
 * unroutable) and its BullMQ {@code push} queue claims to belong to BullMQ 4 (the job is refused):
 * each conversation.created event leaves one dead letter, each message.sent event two (leg {@code
 * rabbitmq:notifications}, {@code UnroutableException}; leg {@code bullmq:push/new-message},
 * {@code BullMqException}). Then both causes are fixed and each test redrives its own event's
 * letters: by id and scope {@code LEG}, scope {@code EVENT}, by {@code filter}, with {@code
 * force}, and {@code all} (last: it takes every letter left). Each selection is first tried as a
 * dry run, which must answer what would happen and produce nothing to any source topic. A later
 * event on the same key, delivered after the redrive on every queue (per-key order), shows when
 * the redrive's deliveries are all in, so they can be counted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedriveIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOTIFICATIONS = "rabbitmq:notifications";
    private static final String PUSH = "bullmq:push/new-message";
    private static final String REDRIVE = "/admin/dead-letters/redrive";

    private static final Namespace NS = Namespace.random();
    private static ConfigurableApplicationContext router;
    private static Http http;
    private static RabbitMqProbe rabbit;
    private static KafkaProbe kafka;
    private static RedisProbe redis;
    private static BullMqQueues jobs;
    private static Connection squatter;

    /** One event and its dead letters, by leg. */
    record Sent(String topic, String key, String eventId, Map<String, String> letters) {
        String letter(String leg) {
            return letters.get(leg);
        }
    }

    private static Sent byId;
    private static Sent wholeEvent;
    private static Sent filtered;
    private static Sent forced;
    private static Sent everything;

    @BeforeAll
    static void deadLetterOneEventPerTest() throws Exception {
        TestBrokers.get().startGroupAtEnd(NS.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(TestBrokers.get().rabbitUrl());
        // Another client holds <ns>.notifications exclusively: publishes there are unroutable.
        squatter = factory.newConnection("squatter");
        squatter.createChannel().queueDeclare(NS.queue("notifications"), false, true, false, null);
        // A queue of BullMQ 4 (no marker key) is one the router refuses to add jobs to.
        redis = new RedisProbe();
        redis.redis().opsForHash().put(pushMeta(), "version", "bullmq:4.3.0");
        router = RouterApp.start(
                NS,
                "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD,
                "--quckchat.delivery.attempts=2",
                "--quckchat.delivery.initial-backoff=100ms");
        http = new Http(Integer.parseInt(router.getEnvironment().getProperty("local.server.port")));
        jobs = router.getBean(BullMqQueues.class);
        rabbit = new RabbitMqProbe(NS);
        kafka = new KafkaProbe();
        await().atMost(Duration.ofSeconds(30)).until(() -> rabbit.queueExists("analytics"));
        rabbit.listen("analytics");

        byId = send("conversation.created");
        wholeEvent = send("message.sent");
        filtered = send("message.sent");
        forced = send("conversation.created");
        everything = send("message.sent");
        for (Sent sent : List.of(byId, wholeEvent, filtered, forced, everything)) {
            awaitLetters(sent);
        }

        // Fix both causes: the squatter goes away and the operator declares the queue as the
        // contract says; the push queue's meta loses its BullMQ 4 version.
        squatter.close();
        try (Connection operator = factory.newConnection("operator");
                var channel = operator.createChannel()) {
            channel.queueDeclare(NS.queue("notifications"), true, false, false, null);
            channel.queueBind(NS.queue("notifications"), NS.exchange(), "notifications");
        }
        redis.redis().opsForHash().delete(pushMeta(), "version");
        rabbit.listen("notifications");
    }

    @AfterAll
    static void stop() throws Exception {
        if (router != null) {
            router.close();
        }
        if (squatter != null && squatter.isOpen()) {
            squatter.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (rabbit != null) {
            rabbit.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
            rabbit.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    // ---- scope LEG, by letter id ----

    @Test
    @Order(1)
    void redriveOfAFixedDeadLetterDeliversExactlyTheMissingLegOnce() throws Exception {
        String eventId = byId.eventId();
        String query = "/admin/dead-letters?topic=conversation.created&eventId=" + eventId;
        JsonNode letter = JSON.readTree(http.get(query, Http.admin()).body())
                .path("items")
                .get(0);
        assertThat(letter.path("leg").asText()).isEqualTo(NOTIFICATIONS);
        assertThat(letter.path("errorClass").asText()).endsWith("UnroutableException");
        assertThat(letter.path("attempts").asInt()).isEqualTo(2);
        String id = letter.path("id").asText();
        assertThat(http.get("/admin/dead-letters?leg=rabbitmq:analytics&eventId=" + eventId, Http.admin())
                        .body())
                .contains("\"total\":0");
        assertThat(http.get("/admin/dead-letters?errorClass=UnroutableException&eventId=" + eventId, Http.admin())
                        .body())
                .contains("\"total\":1");

        // Strangers are refused.
        assertThat(http.get(query, null).statusCode()).isEqualTo(401);
        assertThat(http.get(query, Http.basic("admin", "wrong-password!")).statusCode())
                .isEqualTo(401);
        assertThat(http.post(REDRIVE, "application/json", "{\"all\":true}", null)
                        .statusCode())
                .isEqualTo(401);

        String body = "{\"letters\":[\"" + id + "\"],\"scope\":\"LEG\"";
        JsonNode dry = producesNothing(body + ",\"dryRun\":true}");
        assertThat(dry.path("scope").asText()).isEqualTo("leg");
        assertOutcome(dry, 0, id, "would-redrive", NOTIFICATIONS);
        assertThat(http.post(REDRIVE, "text/plain", body + "}", Http.admin()).statusCode())
                .as("a content type a cross-site form could send needs a CSRF token")
                .isEqualTo(403);
        assertThat(http.post(REDRIVE, "application/xml", body + "}", Http.admin())
                        .statusCode())
                .as("JSON only")
                .isEqualTo(415);

        JsonNode redriven = redrive(body + "}");
        assertOutcome(redriven, 0, id, "redriven", NOTIFICATIONS);
        assertThat(redriven.path("outcomes").get(0).path("offset").isNumber()).isTrue();
        awaitDelivered(byId, "notifications");
        assertOutcome(redrive(body + "}"), 0, id, "already-redriven", NOTIFICATIONS);
        assertThat(letter(id).path("redrivenAt").isNull()).isFalse();
        assertThat(letter(id).path("redriveScope").asText()).isEqualTo("leg");

        // Exactly the missing leg, once: one notifications task, and analytics not sent again.
        settle(byId, "notifications", "analytics");
        TestReport.line(
                "RedriveIT LEG: notifications deliveries of the event=%d analytics=%d",
                deliveries(byId, "notifications"), deliveries(byId, "analytics"));
        assertThat(deliveries(byId, "notifications")).isEqualTo(1);
        assertThat(deliveries(byId, "analytics")).isEqualTo(1);
    }

    // ---- scope EVENT ----

    @Test
    @Order(2)
    void eventScopeDeliversEveryLegOfTheEventAgainOnceWithItsOriginalIds() throws Exception {
        String body = "{\"filter\":{\"eventId\":\"" + wholeEvent.eventId() + "\"},\"scope\":\"EVENT\"";
        JsonNode dry = producesNothing(body + ",\"dryRun\":true}");
        assertThat(dry.path("scope").asText()).isEqualTo("event");
        assertThat(actions(dry))
                .as("both letters of the event, every leg")
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        wholeEvent.letter(NOTIFICATIONS), "would-redrive *",
                        wholeEvent.letter(PUSH), "would-redrive *"));
        assertThat(letter(wholeEvent.letter(NOTIFICATIONS)).path("redrivenAt").isNull())
                .as("a dry run marks nothing")
                .isTrue();

        JsonNode redriven = redrive(body + "}");
        assertThat(actions(redriven))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        wholeEvent.letter(NOTIFICATIONS), "redriven *",
                        wholeEvent.letter(PUSH), "redriven *"));
        assertThat(redriven.path("outcomes").get(0).path("offset").asLong())
                .as("one record for the event, whatever the number of its letters")
                .isEqualTo(redriven.path("outcomes").get(1).path("offset").asLong());

        awaitDelivered(wholeEvent, "notifications");
        BullMqJobInfo job = await("the push job under its original id")
                .atMost(Duration.ofSeconds(30))
                .until(() -> jobs.job("push", wholeEvent.eventId() + ".new-message"), j -> j.isPresent())
                .orElseThrow();
        assertThat(job.name()).isEqualTo("new-message");
        assertThat(job.id()).isEqualTo(wholeEvent.eventId() + ".new-message");
        assertThat(letter(wholeEvent.letter(PUSH)).path("redriveScope").asText())
                .isEqualTo("event");
        assertThat(letter(wholeEvent.letter(NOTIFICATIONS)).path("redriveScope").asText())
                .isEqualTo("event");

        // Every leg once more, with its original message_id, whatever the ledger remembers: the
        // analytics task it had delivered goes again.
        settle(wholeEvent, "notifications", "analytics");
        TestReport.line(
                "RedriveIT EVENT: notifications deliveries of the event=%d analytics=%d",
                deliveries(wholeEvent, "notifications"), deliveries(wholeEvent, "analytics"));
        assertThat(deliveries(wholeEvent, "notifications")).isEqualTo(1);
        assertThat(deliveries(wholeEvent, "analytics")).isEqualTo(2);
    }

    // ---- filter ----

    @Test
    @Order(3)
    void filterRedrivesOnlyTheLettersItMatches() throws Exception {
        String event = "\"eventId\":\"" + filtered.eventId() + "\"";
        String byLeg = "{\"filter\":{" + event + ",\"leg\":\"" + NOTIFICATIONS + "\"}";
        assertThat(actions(producesNothing(byLeg + ",\"dryRun\":true}")))
                .containsExactlyEntriesOf(Map.of(filtered.letter(NOTIFICATIONS), "would-redrive " + NOTIFICATIONS));
        assertThat(actions(redrive(byLeg + "}")))
                .containsExactlyEntriesOf(Map.of(filtered.letter(NOTIFICATIONS), "redriven " + NOTIFICATIONS));
        assertThat(actions(producesNothing(byLeg + "}")))
                .as("a filter skips letters already redriven")
                .isEmpty();
        assertThat(actions(producesNothing("{\"filter\":{" + event + ",\"redriven\":true},\"dryRun\":true}")))
                .as("redriven letters, but without force: none, and not the letter that was not redriven")
                .isEmpty();

        String byError = "{\"filter\":{" + event + ",\"errorClass\":\"BullMqException\"}";
        assertThat(actions(producesNothing(byError + ",\"dryRun\":true}")))
                .containsExactlyEntriesOf(Map.of(filtered.letter(PUSH), "would-redrive " + PUSH));
        assertThat(jobs.job("push", filtered.eventId() + ".new-message")).isEmpty();
        assertThat(actions(redrive(byError + "}")))
                .containsExactlyEntriesOf(Map.of(filtered.letter(PUSH), "redriven " + PUSH));

        awaitDelivered(filtered, "notifications");
        await("the push job under its original id")
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        jobs.job("push", filtered.eventId() + ".new-message").isPresent());
        settle(filtered, "notifications", "analytics");
        assertThat(deliveries(filtered, "notifications")).isEqualTo(1);
        assertThat(deliveries(filtered, "analytics"))
                .as("no letter of analytics")
                .isEqualTo(1);
    }

    // ---- force ----

    @Test
    @Order(4)
    void forceRedrivesALetterAgainAndNothingElseDoes() throws Exception {
        String id = forced.letter(NOTIFICATIONS);
        String letters = "{\"letters\":[\"" + id + "\"]";
        assertOutcome(redrive(letters + "}"), 0, id, "redriven", NOTIFICATIONS);
        awaitDelivered(forced, "notifications");
        Instant first = Instant.parse(letter(id).path("redrivenAt").asText());

        assertOutcome(producesNothing(letters + ",\"dryRun\":true}"), 0, id, "already-redriven", NOTIFICATIONS);
        assertOutcome(producesNothing(letters + "}"), 0, id, "already-redriven", NOTIFICATIONS);
        String missing = forced.letter(NOTIFICATIONS).replaceAll("/\\d+$", "/999999999");
        JsonNode dry =
                producesNothing("{\"letters\":[\"" + id + "\",\"" + missing + "\"],\"force\":true,\"dryRun\":true}");
        assertOutcome(dry, 0, id, "would-redrive", NOTIFICATIONS);
        assertThat(dry.path("outcomes").get(1).path("id").asText()).isEqualTo(missing);
        assertThat(dry.path("outcomes").get(1).path("action").asText()).isEqualTo("not-found");
        String filter = "{\"filter\":{\"eventId\":\"" + forced.eventId() + "\"}";
        assertThat(actions(producesNothing(filter + ",\"dryRun\":true}"))).isEmpty();
        assertThat(actions(producesNothing(filter + ",\"force\":true,\"dryRun\":true}")))
                .containsExactlyEntriesOf(Map.of(id, "would-redrive " + NOTIFICATIONS));
        String marked = "{\"filter\":{\"eventId\":\"" + forced.eventId() + "\",\"redriven\":true}";
        assertThat(actions(producesNothing(marked + ",\"force\":true,\"dryRun\":true}")))
                .containsExactlyEntriesOf(Map.of(id, "would-redrive " + NOTIFICATIONS));
        assertThat(actions(producesNothing(marked + ",\"dryRun\":true}")))
                .as("without force a filter never selects a redriven letter")
                .isEmpty();
        // A misspelt option is refused, not ignored: ignored, "dryrun" would make this a real redrive.
        assertRefused(letters + ",\"force\":true,\"dryrun\":true}", "\"dryrun\"");
        assertRefused("{\"filter\":{\"eventID\":\"" + forced.eventId() + "\"},\"force\":true}", "\"filter.eventID\"");

        JsonNode again = redrive("{\"letters\":[\"" + id + "\",\"" + missing + "\"],\"force\":true}");
        assertOutcome(again, 0, id, "redriven", NOTIFICATIONS);
        assertThat(again.path("outcomes").get(1).path("action").asText()).isEqualTo("not-found");
        await("the second redrive")
                .atMost(Duration.ofSeconds(30))
                .until(() -> deliveries(forced, "notifications") == 2);
        assertThat(Instant.parse(letter(id).path("redrivenAt").asText())).isAfter(first);
        settle(forced, "notifications", "analytics");
        assertThat(deliveries(forced, "notifications"))
                .as("once per redrive: the dry runs and the refused one sent nothing")
                .isEqualTo(2);
        assertThat(deliveries(forced, "analytics")).isEqualTo(1);
    }

    // ---- all ----

    @Test
    @Order(5)
    void allRedrivesEveryLetterNotYetRedriven() throws Exception {
        // The dead-letter topics are shared by every test of the run: "all" is whatever is there.
        Set<String> notRedriven = ids("/admin/dead-letters?redriven=false");
        Set<String> every = ids("/admin/dead-letters");
        assertThat(notRedriven).contains(everything.letter(NOTIFICATIONS), everything.letter(PUSH));
        assertThat(every).containsAll(notRedriven).contains(byId.letter(NOTIFICATIONS));
        assertThat(notRedriven).doesNotContain(byId.letter(NOTIFICATIONS));

        JsonNode dry = producesNothing("{\"all\":true,\"dryRun\":true}");
        assertThat(actions(dry).keySet()).isEqualTo(notRedriven);
        assertThat(actions(dry).values()).allMatch(action -> action.startsWith("would-redrive "));
        assertThat(dry.path("count").asInt()).isEqualTo(notRedriven.size());
        JsonNode forcedDry = producesNothing("{\"all\":true,\"force\":true,\"dryRun\":true}");
        assertThat(actions(forcedDry).keySet())
                .as("force: the redriven ones too")
                .isEqualTo(every);
        assertThat(actions(forcedDry).values()).allMatch(action -> action.startsWith("would-redrive "));

        JsonNode all = redrive("{\"all\":true}");
        assertThat(actions(all).keySet()).isEqualTo(notRedriven);
        assertThat(actions(all).values()).allMatch(action -> action.startsWith("redriven "));
        assertThat(actions(all))
                .containsEntry(everything.letter(NOTIFICATIONS), "redriven " + NOTIFICATIONS)
                .containsEntry(everything.letter(PUSH), "redriven " + PUSH);

        awaitDelivered(everything, "notifications");
        await("the push job under its original id")
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        jobs.job("push", everything.eventId() + ".new-message").isPresent());
        assertThat(ids("/admin/dead-letters?redriven=false&eventId=" + everything.eventId()))
                .isEmpty();
        settle(everything, "notifications", "analytics");
        TestReport.line("RedriveIT all: %d letters not yet redriven, %d in all", notRedriven.size(), every.size());
        assertThat(deliveries(everything, "notifications")).isEqualTo(1);
        assertThat(deliveries(everything, "analytics")).isEqualTo(1);
        assertThat(deliveries(byId, "notifications"))
                .as("a letter redriven before is skipped")
                .isEqualTo(1);
    }

    // ---- helpers ----

    private static String pushMeta() {
        return NS.bullPrefix() + ":push:meta";
    }

    /** Produces an event of this topic on a key of its own; its letters are read by {@link #awaitLetters}. */
    private static Sent send(String topic) {
        String key = "c-" + UUID.randomUUID();
        String eventId = "redrive-" + UUID.randomUUID();
        kafka.send(topic, key, event(topic, key), eventId);
        return new Sent(topic, key, eventId, new HashMap<>());
    }

    private static String event(String topic, String key) {
        return topic.equals("message.sent")
                ? "{\"messageId\":\"m-" + UUID.randomUUID() + "\",\"conversationId\":\"" + key
                        + "\",\"senderId\":\"u-1\",\"content\":\"hi\"}"
                : "{\"conversationId\":\"" + key + "\",\"memberIds\":[\"u-1\"]}";
    }

    /** Waits for the event's dead letters: notifications, and the push job of a message.sent. */
    private static void awaitLetters(Sent sent) {
        int expected = sent.topic().equals("message.sent") ? 2 : 1;
        JsonNode page = await("dead letters of " + sent.eventId())
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> JSON.readTree(http.get("/admin/dead-letters?eventId=" + sent.eventId(), Http.admin())
                                .body()),
                        p -> p.path("total").asInt() == expected);
        for (JsonNode letter : page.path("items")) {
            assertThat(letter.path("topic").asText()).isEqualTo(sent.topic());
            assertThat(letter.path("key").asText()).isEqualTo(sent.key());
            sent.letters().put(letter.path("leg").asText(), letter.path("id").asText());
        }
        assertThat(sent.letters().keySet())
                .isEqualTo(expected == 2 ? Set.of(NOTIFICATIONS, PUSH) : Set.of(NOTIFICATIONS));
    }

    private static JsonNode redrive(String body) throws Exception {
        HttpResponse<String> response = http.post(REDRIVE, "application/json", body, Http.admin());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("count").asInt())
                .isEqualTo(answer.path("outcomes").size());
        return answer;
    }

    /**
     * A redrive that must produce nothing (a dry run, or one that finds nothing to do): the end
     * offsets of every source topic stay where they were.
     */
    private static JsonNode producesNothing(String body) throws Exception {
        Map<TopicPartition, Long> before = KafkaProbe.endOffsets(TestBrokers.TOPICS);
        JsonNode answer = redrive(body);
        assertThat(KafkaProbe.endOffsets(TestBrokers.TOPICS))
                .as("nothing produced by " + body)
                .isEqualTo(before);
        for (JsonNode outcome : answer.path("outcomes")) {
            assertThat(outcome.path("offset").isNull()).isTrue();
        }
        return answer;
    }

    /** A request refused with 400 that names what is wrong, and produces nothing. */
    private static void assertRefused(String body, String why) throws Exception {
        Map<TopicPartition, Long> before = KafkaProbe.endOffsets(TestBrokers.TOPICS);
        HttpResponse<String> response = http.post(REDRIVE, "application/json", body, Http.admin());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).contains(why);
        assertThat(KafkaProbe.endOffsets(TestBrokers.TOPICS))
                .as("nothing produced by " + body)
                .isEqualTo(before);
    }

    private static void assertOutcome(JsonNode answer, int index, String id, String action, String legs) {
        JsonNode outcome = answer.path("outcomes").get(index);
        assertThat(outcome.path("id").asText()).isEqualTo(id);
        assertThat(outcome.path("action").asText()).isEqualTo(action);
        assertThat(outcome.path("legs").asText()).isEqualTo(legs);
    }

    /** Letter id → "action legs", in answer order. */
    private static Map<String, String> actions(JsonNode answer) {
        Map<String, String> actions = new java.util.LinkedHashMap<>();
        for (JsonNode outcome : answer.path("outcomes")) {
            actions.put(
                    outcome.path("id").asText(),
                    outcome.path("action").asText() + " " + outcome.path("legs").asText());
        }
        return actions;
    }

    private static JsonNode letter(String id) throws Exception {
        HttpResponse<String> response = http.get("/admin/dead-letters/" + id, Http.admin());
        assertThat(response.statusCode()).as(id).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** The ids of every letter the list query finds, over as many pages as it takes. */
    private static Set<String> ids(String query) throws Exception {
        Set<String> ids = new HashSet<>();
        for (int page = 0; ; page++) {
            JsonNode answer = JSON.readTree(
                    http.get(query + (query.contains("?") ? "&" : "?") + "size=500&page=" + page, Http.admin())
                            .body());
            answer.path("items").forEach(item -> ids.add(item.path("id").asText()));
            if (answer.path("items").isEmpty()
                    || ids.size() >= answer.path("total").asInt()) {
                return ids;
            }
        }
    }

    private static void awaitDelivered(Sent sent, String queue) {
        await(queue + " task of " + sent.eventId())
                .atMost(Duration.ofSeconds(30))
                .until(() -> deliveries(sent, queue) > 0);
    }

    /**
     * Produces a later event on the same key and waits for its tasks on these queues: per-key order
     * puts them behind everything the redrive delivered there, so the counts are final.
     */
    private static void settle(Sent sent, String... queues) {
        Sent later = new Sent(sent.topic(), sent.key(), "later-" + UUID.randomUUID(), Map.of());
        kafka.send(later.topic(), later.key(), event(later.topic(), later.key()), later.eventId());
        List<String> waiting = new ArrayList<>(List.of(queues));
        await("a later event on the same key")
                .atMost(Duration.ofSeconds(30))
                .until(() -> waiting.stream().allMatch(queue -> deliveries(later, queue) > 0));
    }

    private static long deliveries(Sent sent, String queue) {
        String messageId = sent.eventId() + "." + queue;
        return rabbit.messages(queue).stream()
                .filter(d -> messageId.equals(d.getProperties().getMessageId()))
                .count();
    }
}
