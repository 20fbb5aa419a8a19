package io.quckchat.router.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.EventHeaders;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Which legs the dispatcher hands to their lanes and which it records, against a known ledger answer. */
class DispatcherTest {

    private static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(1), 2, 0);
    private static final String RABBIT = "rabbitmq:notifications";
    private static final String BULL = "bullmq:push/new-message";

    private final List<String> recorded = new CopyOnWriteArrayList<>();
    /** Never started: its writer thread would talk to Redis. Records are kept here instead. */
    private final Ledger ledger = new Ledger(null, "test-ledger", Duration.ofHours(1), Duration.ofSeconds(1)) {
        @Override
        public void record(Leg leg) {
            recorded.add(leg.event().id() + "/" + leg.name() + "=" + leg.outcome());
        }
    };

    private final List<String> observed = new CopyOnWriteArrayList<>();
    /** Dead letters of legs the dispatcher could not hand over: "event/leg by class: error". */
    private final List<String> notHandedOver = new CopyOnWriteArrayList<>();

    private final Map<Leg, Consumer<Leg>> deadLetterWritten = new ConcurrentHashMap<>();
    private final DeadLetterSink deadLetters = new DeadLetterSink() {
        @Override
        public void deadLetter(Leg failed, Consumer<Leg> whenDone) {
            throw new AssertionError("only lanes dead-letter legs their destination refused");
        }

        @Override
        public void notHandedOver(Leg failed, Class<?> failedBy, Consumer<Leg> whenDone) {
            notHandedOver.add(failed.event().id() + "/" + failed.name() + " by " + failedBy.getSimpleName() + ": "
                    + failed.lastError().getMessage());
            deadLetterWritten.put(failed, whenDone);
        }
    };

    private final Dispatcher dispatcher = new Dispatcher(
            ledger,
            new DeliveryObserver() {
                @Override
                public void received(ChatEvent event) {
                    observed.add("received " + event.id());
                }

                @Override
                public void completed(ChatEvent event) {
                    observed.add("completed " + event.id());
                }
            },
            deadLetters);

    private final RecordingDestination rabbit = new RecordingDestination("rabbit");
    private final RecordingDestination bull = new RecordingDestination("bull");
    private final List<ChatEvent> completed = new CopyOnWriteArrayList<>();
    /** By event id and leg name: an event drops its legs once it completes. */
    private final Map<String, Leg> legs = new ConcurrentHashMap<>();

    @Test
    void legsTheLedgerHasAsDoneAreSkippedAndNotSubmitted() {
        ChatEvent replayed = event("evt-1", 0, null);
        ChatEvent fresh = event("evt-2", 1, null);

        dispatcher.dispatch(
                List.of(replayed, fresh),
                answered(Map.of("evt-1", Set.of(RABBIT), "evt-9", Set.of(BULL))),
                completed::add);

        assertThat(leg(replayed, RABBIT).outcome()).isEqualTo(Leg.Outcome.SKIPPED);
        assertThat(rabbit.submitted).containsExactly(leg(fresh, RABBIT));
        assertThat(bull.submitted).containsExactly(leg(replayed, BULL), leg(fresh, BULL));
        assertThat(recorded).as("a skipped leg is already in the ledger").isEmpty();
        assertThat(completed).isEmpty();

        leg(replayed, BULL).resolve(Leg.Outcome.DELIVERED);
        assertThat(completed).containsExactly(replayed);

        leg(fresh, RABBIT).resolve(Leg.Outcome.DEAD_LETTERED);
        leg(fresh, BULL).resolve(Leg.Outcome.DELIVERED);
        assertThat(completed).containsExactly(replayed, fresh);
        assertThat(recorded)
                .containsExactly(
                        "evt-1/" + BULL + "=DELIVERED",
                        "evt-2/" + RABBIT + "=DEAD_LETTERED",
                        "evt-2/" + BULL + "=DELIVERED");
        assertThat(observed).containsExactly("received evt-1", "received evt-2", "completed evt-1", "completed evt-2");
    }

    @Test
    void aRedriveDeliversExactlyTheNamedLegsWhateverTheLedgerSays() {
        ChatEvent one = event("evt-1", 0, RABBIT);
        ChatEvent all = event("evt-2", 1, "*");
        ChatEvent both = event("evt-3", 2, BULL + "," + RABBIT);
        Set<String> done = Set.of(RABBIT, BULL);

        dispatcher.dispatch(
                List.of(one, all, both), answered(Map.of("evt-1", done, "evt-2", done, "evt-3", done)), completed::add);

        assertThat(rabbit.submitted).containsExactly(leg(one, RABBIT), leg(all, RABBIT), leg(both, RABBIT));
        assertThat(bull.submitted).containsExactly(leg(all, BULL), leg(both, BULL));
        assertThat(leg(one, BULL).outcome()).isEqualTo(Leg.Outcome.SKIPPED);

        rabbit.submitted.forEach(leg -> leg.resolve(Leg.Outcome.DELIVERED));
        bull.submitted.forEach(leg -> leg.resolve(Leg.Outcome.DEAD_LETTERED));
        assertThat(completed).containsExactlyInAnyOrder(one, all, both);
        assertThat(recorded)
                .containsExactlyInAnyOrder(
                        "evt-1/" + RABBIT + "=DELIVERED",
                        "evt-2/" + RABBIT + "=DELIVERED",
                        "evt-3/" + RABBIT + "=DELIVERED",
                        "evt-2/" + BULL + "=DEAD_LETTERED",
                        "evt-3/" + BULL + "=DEAD_LETTERED");
    }

    @Test
    void aRedriveSkipsLegsItDoesNotNameEvenIfTheLedgerHasNothing() {
        ChatEvent redriven = event("evt-1", 0, BULL);

        dispatcher.dispatch(List.of(redriven), answered(Map.of()), completed::add);

        assertThat(rabbit.submitted).isEmpty();
        assertThat(bull.submitted).containsExactly(leg(redriven, BULL));
        assertThat(leg(redriven, RABBIT).outcome()).isEqualTo(Leg.Outcome.SKIPPED);
    }

    @Test
    void aHandWrittenRedriveHeaderWithSpacesAndRepeatsNamesItsLegs() {
        ChatEvent redriven = event("evt-1", 0, RABBIT + "," + RABBIT + ", " + BULL);

        dispatcher.dispatch(List.of(redriven), answered(Map.of()), completed::add);

        assertThat(rabbit.submitted).containsExactly(leg(redriven, RABBIT));
        assertThat(bull.submitted).containsExactly(leg(redriven, BULL));
    }

    @Test
    void droppedLegsAreNotRecorded() {
        ChatEvent event = event("evt-1", 0, null);

        dispatcher.dispatch(List.of(event), answered(Map.of()), completed::add);
        // the partition moved away: the new owner must deliver these legs again
        leg(event, RABBIT).resolve(Leg.Outcome.DROPPED);
        leg(event, BULL).resolve(Leg.Outcome.DELIVERED);

        assertThat(completed).containsExactly(event);
        assertThat(recorded).containsExactly("evt-1/" + BULL + "=DELIVERED");
    }

    @Test
    void aPollIsHandedOnOnlyAfterTheEarlierPollsLedgerAnswer() {
        ChatEvent first = event("evt-1", 0, null);
        ChatEvent second = event("evt-2", 1, null);
        CompletableFuture<Map<String, Set<String>>> slowAnswer = new CompletableFuture<>();

        dispatcher.dispatch(List.of(first), ledger.given(slowAnswer), completed::add);
        dispatcher.dispatch(List.of(second), answered(Map.of()), completed::add);
        assertThat(rabbit.submitted).isEmpty();

        slowAnswer.complete(Map.of());
        assertThat(rabbit.submitted).containsExactly(leg(first, RABBIT), leg(second, RABBIT));
        assertThat(bull.submitted).containsExactly(leg(first, BULL), leg(second, BULL));
    }

    @Test
    void aLegItsLaneThrowsOnIsDeadLetteredAtStageDispatchAndTheOthersGoOn() {
        ChatEvent broken = event("evt-1", 0, null);
        ChatEvent next = event("evt-2", 1, null);
        rabbit.throwFor = "evt-1";

        dispatcher.dispatch(List.of(broken, next), answered(Map.of()), completed::add);

        assertThat(notHandedOver).containsExactly("evt-1/" + RABBIT + " by Dispatcher: injected bug in rabbit");
        assertThat(bull.submitted).as("the event's other leg").containsExactly(leg(broken, BULL), leg(next, BULL));
        assertThat(rabbit.submitted).as("the next event's leg").containsExactly(leg(next, RABBIT));

        leg(broken, BULL).resolve(Leg.Outcome.DELIVERED);
        assertThat(completed).as("not before its dead letter is written").isEmpty();
        Leg letter = new Leg(broken, rabbit, "dead-letter:" + RABBIT, broken.value(), null, POLICY);
        letter.resolve(Leg.Outcome.DELIVERED);
        deadLetterWritten.get(leg(broken, RABBIT)).accept(letter);

        assertThat(completed).containsExactly(broken);
        assertThat(leg(broken, RABBIT).outcome()).isEqualTo(Leg.Outcome.DEAD_LETTERED);
        assertThat(recorded).contains("evt-1/" + RABBIT + "=DEAD_LETTERED", "evt-1/" + BULL + "=DELIVERED");
    }

    private Ledger.Read answered(Map<String, Set<String>> done) {
        return ledger.given(CompletableFuture.completedFuture(done));
    }

    /** A routed event with a RabbitMQ and a BullMQ leg; {@code redrive} is its redrive header, or null. */
    private ChatEvent event(String id, long offset, String redrive) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                "chat", 0, offset, "conv-1".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.CE_ID, id.getBytes(StandardCharsets.UTF_8));
        if (redrive != null) {
            record.headers().add(EventHeaders.REDRIVE_LEGS, redrive.getBytes(StandardCharsets.UTF_8));
        }
        ChatEvent event = new ChatEvent(record);
        for (Leg leg : List.of(
                new Leg(event, rabbit, RABBIT, event.value(), null, POLICY),
                new Leg(event, bull, BULL, event.value(), null, POLICY))) {
            event.addLeg(leg);
            legs.put(id + "/" + leg.name(), leg);
        }
        return event;
    }

    private Leg leg(ChatEvent event, String name) {
        return legs.get(event.id() + "/" + name);
    }

    /** Records what it is handed; the test resolves the legs. */
    private static final class RecordingDestination implements Leg.Destination {
        private final String name;
        final List<Leg> submitted = new CopyOnWriteArrayList<>();
        /** The event id whose legs this destination throws on, as a bug would. */
        volatile String throwFor;

        RecordingDestination(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void submit(Leg leg) {
            if (leg.event().id().equals(throwFor)) {
                throw new IllegalStateException("injected bug in " + name);
            }
            submitted.add(leg);
        }
    }
}
