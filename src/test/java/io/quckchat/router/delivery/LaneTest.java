package io.quckchat.router.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quckchat.router.deadletter.DeadLetter;
import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lane's scheduling (order, retries, outages, drops) against a scripted destination, no broker. */
class LaneTest {

    /** Outage backoff: short, and without jitter so the waits between resends have a known floor. */
    private static final RetryPolicy OUTAGE =
            new RetryPolicy(Integer.MAX_VALUE, Duration.ofMillis(10), Duration.ofMillis(20), 2, 0);
    /** Three tries, 5 then 10 ms apart. */
    private static final RetryPolicy THREE_TRIES =
            new RetryPolicy(3, Duration.ofMillis(5), Duration.ofMillis(20), 2, 0);
    /** One try: a rejection dead-letters at once, so any outage counted as a rejection would show. */
    private static final RetryPolicy ONE_TRY = new RetryPolicy(1, Duration.ofMillis(5), Duration.ofMillis(5), 1, 0);

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Orders sends and answers across lanes and threads. */
    private static final AtomicLong CLOCK = new AtomicLong();

    private final List<ScriptedLane> lanes = new ArrayList<>();
    private final Set<ChatEvent> completed = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stopLanes() {
        lanes.forEach(ScriptedLane::stop);
    }

    @Test
    void legsOfOneKeyGoOneAfterAnotherWhileOtherKeysAreInFlightTogether() throws InterruptedException {
        // fewer keys than in-flight slots: without per-key order a key's legs would go out together
        ScriptedLane lane = lane("rabbit", 16, 4);
        int keys = 6;
        int perKey = 8;
        Map<String, List<Leg>> byKey = new ConcurrentHashMap<>();
        List<Leg> all = new ArrayList<>();
        for (int offset = 0; offset < perKey; offset++) {
            for (int k = 0; k < keys; k++) {
                Leg leg = leg(lane, "rabbitmq:q", "user-" + k, offset, THREE_TRIES);
                byKey.computeIfAbsent("user-" + k, key -> new ArrayList<>()).add(leg);
                all.add(leg);
                lane.submit(leg);
            }
        }
        lane.start();

        // The first round is deterministic: one leg per key goes out, all keys together.
        eventually().until(() -> lane.held.size() == keys);
        List<Leg> answered = new ArrayList<>();
        Random random = new Random(7);
        while (answered.size() < all.size()) {
            List<Leg> round = new ArrayList<>();
            Leg next = lane.held.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(next).as("a leg sent after %d answers", answered.size()).isNotNull();
            round.add(next);
            lane.held.drainTo(round);
            Collections.shuffle(round, random); // answered out of order, from the test thread
            for (Leg leg : round) {
                answered.add(leg);
                lane.deliver(leg);
            }
        }

        eventually().until(() -> completed.size() == all.size());
        assertThat(all).allMatch(leg -> leg.outcome() == Leg.Outcome.DELIVERED);
        assertThat(lane.sentLegs()).hasSize(all.size()).doesNotHaveDuplicates();
        assertThat(answered).isNotEqualTo(lane.sentLegs());
        assertThat(lane.maxInFlight.get())
                .as("one leg per key at a time, all keys at once")
                .isEqualTo(keys);
        assertThat(lane.violations).isEmpty();
        for (List<Leg> legs : byKey.values()) {
            assertThat(lane.sentLegs().stream().filter(legs::contains)).containsExactlyElementsOf(legs);
            for (int i = 1; i < legs.size(); i++) {
                assertThat(lane.firstSent(legs.get(i)))
                        .as("%s sent after %s was answered", legs.get(i), legs.get(i - 1))
                        .isGreaterThan(lane.answeredAt.get(legs.get(i - 1)));
            }
        }
        assertThat(lane.backlog()).isZero();
    }

    @Test
    void aRejectedLegIsRetriedByItsPolicyThenDeadLetteredWhileItsKeyWaits() {
        ScriptedLane lane = lane("rabbit", 10, 10);
        ScriptedLane dlq = lane("dlq", 10, 10);
        lane.deadLetterTo(dlq);
        Leg first = leg(lane, "rabbitmq:q", "conv-1", 0, THREE_TRIES);
        Leg second = leg(lane, "rabbitmq:q", "conv-1", 1, THREE_TRIES);
        Leg otherKey = leg(lane, "rabbitmq:q", "conv-2", 0, THREE_TRIES);
        lane.script = leg -> leg == first ? Answer.REJECT : Answer.DELIVER;
        lane.answerLater = true;
        List.of(first, second, otherKey).forEach(lane::submit);
        lane.start();
        dlq.start();

        eventually().until(() -> dlq.held.size() == 1);
        Leg letterLeg = dlq.held.peek();
        // first waits for its dead letter, second behind it: both still count
        assertThat(lane.backlog()).isEqualTo(2);

        // three tries, spaced by the policy (5 ms, then 10 ms; the lane counts whole milliseconds)
        List<Long> tries = lane.sendNanos(first);
        assertThat(tries).hasSize(3);
        assertThat(tries.get(1) - tries.get(0))
                .isGreaterThanOrEqualTo(Duration.ofMillis(4).toNanos());
        assertThat(tries.get(2) - tries.get(1))
                .isGreaterThanOrEqualTo(Duration.ofMillis(9).toNanos());
        assertThat(first.attempts()).isEqualTo(3);
        assertThat(first.isResolved()).isFalse();
        assertThat(otherKey.outcome()).isEqualTo(Leg.Outcome.DELIVERED);

        assertThat(letterLeg.name()).isEqualTo("dead-letter:rabbitmq:q");
        assertThat(letterLeg.destination()).isSameAs(dlq);
        assertThat(letterLeg.event()).isSameAs(first.event());
        assertThat(letterLeg.payload()).isEqualTo(first.event().value());
        DeadLetter letter = letterLeg.spec();
        assertThat(letter.failedLeg()).isEqualTo("rabbitmq:q");
        assertThat(letter.failedBy()).isEqualTo(ScriptedLane.class.getName());
        assertThat(letter.attempts()).isEqualTo(3);
        assertThat(letter.errorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(letter.errorMessage()).isEqualTo("refused rabbitmq:q of chat-0-0");
        assertThat(letter.stackTrace()).startsWith("java.lang.IllegalStateException: refused");
        assertThat(letter.firstFailure()).isBeforeOrEqualTo(letter.lastFailure());

        // the key stays held until the dead letter is written
        eventually().during(Duration.ofMillis(100)).until(() -> !lane.sentLegs().contains(second));
        assertThat(second.isResolved()).isFalse();

        dlq.deliver(letterLeg);
        eventually().until(() -> completed.size() == 3);
        assertThat(second.outcome()).isEqualTo(Leg.Outcome.DELIVERED);
        assertThat(first.outcome()).isEqualTo(Leg.Outcome.DEAD_LETTERED);
        assertThat(lane.firstSent(second)).isGreaterThan(dlq.answeredAt.get(letterLeg));
        assertThat(lane.sendNanos(second)).hasSize(1);
        assertThat(completed).containsExactlyInAnyOrder(first.event(), second.event(), otherKey.event());
        assertThat(lane.violations).isEmpty();
    }

    @Test
    void aDeadLetterDroppedWithItsPartitionLeavesItsLegDroppedNotDone() {
        ScriptedLane lane = lane("rabbit", 10, 10);
        ScriptedLane dlq = lane("dlq", 10, 10);
        lane.deadLetterTo(dlq);
        Leg refused = leg(lane, "rabbitmq:q", "conv-1", 0, ONE_TRY);
        lane.script = leg -> Answer.REJECT;
        lane.submit(refused);
        lane.start();
        eventually().until(() -> dlq.backlog() == 1); // the dead letter waits: its lane is not started
        refused.event().abandon(); // the partition moved to another consumer meanwhile
        dlq.start();

        eventually().until(refused::isResolved);
        assertThat(refused.outcome())
                .as("never written to the dead-letter topic, so not done: the ledger must not skip it")
                .isEqualTo(Leg.Outcome.DROPPED);
        assertThat(dlq.batches).isEmpty();
        assertThat(lane.backlog()).isZero();
    }

    @Test
    void anOutageHoldsLegsBackAndResendsTheSameLegsInOrderWithoutDeadLettering() {
        ScriptedLane lane = lane("rabbit", 10, 10);
        ScriptedLane dlq = lane("dlq", 10, 10);
        lane.deadLetterTo(dlq);
        Leg a0 = leg(lane, "rabbitmq:q", "a", 0, ONE_TRY);
        Leg b0 = leg(lane, "rabbitmq:q", "b", 0, ONE_TRY);
        Leg a1 = leg(lane, "rabbitmq:q", "a", 1, ONE_TRY);
        lane.throwOnSend.set(1); // the first send fails by throwing, the next ones by unavailable()
        lane.script = leg -> Answer.UNAVAILABLE;
        lane.answerInReverse = true; // the resend must still go in submit order
        List.of(a0, b0, a1).forEach(lane::submit);
        lane.start();
        dlq.start();

        eventually().until(() -> lane.batches.size() >= 6);
        assertThat(lane.isAvailable()).isFalse();
        assertThat(lane.lastProblem()).startsWith("IOException: ");

        lane.script = leg -> Answer.HOLD; // back, but nothing confirmed yet
        eventually().until(() -> lane.held.size() == 2);
        List<List<Leg>> failedBatches = lane.batches.subList(0, lane.batches.size() - 1);
        assertThat(failedBatches).hasSizeGreaterThanOrEqualTo(6).allMatch(batch -> batch.equals(List.of(a0, b0)));
        assertThat(lane.batches.get(lane.batches.size() - 1)).containsExactly(a0, b0);
        List<Long> starts = lane.batchNanos.subList(0, 3);
        for (int i = 1; i < starts.size(); i++) {
            // the outage backoff is at least 10 ms; the lane counts whole milliseconds
            assertThat(starts.get(i) - starts.get(i - 1))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(9).toNanos());
        }
        assertThat(lane.isAvailable())
                .as("available only once a delivery is confirmed")
                .isFalse();
        assertThat(lane.sentLegs()).doesNotContain(a1);

        lane.script = leg -> Answer.DELIVER;
        lane.answerLater = true;
        lane.deliver(lane.held.poll());
        lane.deliver(lane.held.poll());
        eventually().until(() -> a1.outcome() == Leg.Outcome.DELIVERED);
        assertThat(lane.isAvailable()).isTrue();
        assertThat(List.of(a0, b0, a1)).allMatch(leg -> leg.outcome() == Leg.Outcome.DELIVERED);
        assertThat(List.of(a0, b0, a1)).allMatch(leg -> leg.attempts() == 0);
        assertThat(dlq.batches).isEmpty();
        assertThat(lane.violations).isEmpty();
    }

    @Test
    void oneLaneDownDoesNotHoldUpAnother() {
        ScriptedLane down = lane("down", 10, 10);
        ScriptedLane up = lane("up", 10, 10);
        down.script = leg -> Answer.UNAVAILABLE;
        up.script = leg -> Answer.DELIVER;
        up.answerLater = true;
        List<Leg> downLegs = new ArrayList<>();
        List<Leg> upLegs = new ArrayList<>();
        List<ChatEvent> events = new ArrayList<>();
        for (int offset = 0; offset < 10; offset++) {
            // every event goes to both lanes, like a message fanned out to RabbitMQ and BullMQ
            ChatEvent event = event("room-" + offset % 5, offset);
            Leg toDown = new Leg(event, down, "down:q", event.value(), null, ONE_TRY);
            Leg toUp = new Leg(event, up, "up:q", event.value(), null, ONE_TRY);
            event.addLeg(toDown);
            event.addLeg(toUp);
            event.seal(() -> completed.add(event));
            events.add(event);
            downLegs.add(toDown);
            upLegs.add(toUp);
        }
        downLegs.forEach(down::submit);
        upLegs.forEach(up::submit);
        down.start();
        up.start();

        eventually().until(() -> upLegs.stream().allMatch(leg -> leg.outcome() == Leg.Outcome.DELIVERED));
        assertThat(down.isAvailable()).isFalse();
        assertThat(up.isAvailable()).isTrue();
        assertThat(down.batches).isNotEmpty();
        assertThat(downLegs).noneMatch(Leg::isResolved);
        assertThat(completed).isEmpty();

        down.script = leg -> Answer.DELIVER;
        eventually().until(() -> completed.size() == events.size());
        assertThat(downLegs).allMatch(leg -> leg.outcome() == Leg.Outcome.DELIVERED);
        assertThat(down.isAvailable()).isTrue();
        assertThat(down.violations).isEmpty();
        assertThat(up.violations).isEmpty();
    }

    @Test
    void legsOfAbandonedEventsAreDroppedWithoutBeingSent() {
        ScriptedLane lane = lane("rabbit", 10, 10);
        Leg a0 = leg(lane, "rabbitmq:q", "a", 0, THREE_TRIES);
        Leg a1 = leg(lane, "rabbitmq:q", "a", 1, THREE_TRIES);
        Leg b0 = leg(lane, "rabbitmq:q", "b", 0, THREE_TRIES);
        Leg a2 = leg(lane, "rabbitmq:q", "a", 2, THREE_TRIES);
        List.of(a0, a1, b0, a2).forEach(lane::submit);
        b0.event().abandon(); // ready to go when abandoned
        lane.start();

        eventually().until(() -> lane.held.size() == 1);
        eventually().until(() -> b0.outcome() == Leg.Outcome.DROPPED);
        // a0 is refused after its event was abandoned: its retry is dropped, and so is a1 waiting behind it
        a0.event().abandon();
        a1.event().abandon();
        lane.reject(lane.held.poll());

        eventually().until(() -> lane.held.size() == 1);
        assertThat(lane.held.peek()).isSameAs(a2);
        assertThat(a0.outcome()).isEqualTo(Leg.Outcome.DROPPED);
        assertThat(a1.outcome()).isEqualTo(Leg.Outcome.DROPPED);
        assertThat(lane.sentLegs()).containsExactly(a0, a2);

        lane.deliver(lane.held.poll());
        eventually().until(() -> completed.size() == 4);
        assertThat(a2.outcome()).isEqualTo(Leg.Outcome.DELIVERED);
        assertThat(completed).containsExactlyInAnyOrder(a0.event(), a1.event(), b0.event(), a2.event());
        assertThat(lane.backlog()).isZero();
    }

    // --- fixtures

    /** Polls often: the lane answers within milliseconds, and the default 100 ms poll would dominate. */
    private static ConditionFactory eventually() {
        return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
    }

    private ScriptedLane lane(String name, int maxInFlight, int maxBatch) {
        ScriptedLane lane = new ScriptedLane(name, maxInFlight, maxBatch);
        lanes.add(lane);
        return lane;
    }

    /** A sealed event with one leg, counted in {@link #completed} once the leg resolves. */
    private Leg leg(Lane lane, String name, String key, long offset, RetryPolicy policy) {
        ChatEvent event = event(key, offset);
        Leg leg = new Leg(event, lane, name, event.value(), null, policy);
        event.addLeg(leg);
        event.seal(() -> completed.add(event));
        return leg;
    }

    private static ChatEvent event(String key, long offset) {
        return new ChatEvent(new ConsumerRecord<>(
                "chat",
                0,
                offset,
                key.getBytes(StandardCharsets.UTF_8),
                ("{\"key\":\"" + key + "\",\"n\":" + offset + "}").getBytes(StandardCharsets.UTF_8)));
    }

    enum Answer {
        DELIVER,
        REJECT,
        UNAVAILABLE,
        /** Kept in {@link ScriptedLane#held} for the test to answer. */
        HOLD
    }

    /** A destination that records what it is sent and answers each leg as scripted. */
    static final class ScriptedLane extends Lane implements DeadLetterSink {

        private record Send(Leg leg, long tick, long nanos) {}

        volatile Function<Leg, Answer> script = leg -> Answer.HOLD;
        /** Answer from another thread, as broker confirms do, instead of inside send(). */
        volatile boolean answerLater;
        /** Answer a batch's legs last first, as confirms may come back in any order. */
        volatile boolean answerInReverse;
        /** How many of the next sends throw instead of answering. */
        final AtomicInteger throwOnSend = new AtomicInteger();

        final BlockingQueue<Leg> held = new LinkedBlockingQueue<>();
        final List<List<Leg>> batches = new CopyOnWriteArrayList<>();
        final List<Long> batchNanos = new CopyOnWriteArrayList<>();
        final Map<Leg, Long> answeredAt = new ConcurrentHashMap<>();
        final AtomicInteger maxInFlight = new AtomicInteger();
        /** Legs of one ordering key seen in flight together. */
        final List<String> violations = new CopyOnWriteArrayList<>();

        private final List<Send> sends = new CopyOnWriteArrayList<>();
        private final Set<Leg> inFlight = ConcurrentHashMap.newKeySet();
        private final ExecutorService answerer = Executors.newSingleThreadExecutor();

        ScriptedLane(String name, int maxInFlight, int maxBatch) {
            super(name, OUTAGE, maxInFlight, maxBatch);
        }

        /** As the dead-letter lane does: the dead letter goes out as a leg of this lane. */
        @Override
        public void deadLetter(Leg failed, java.util.function.Consumer<Leg> whenDone) {
            submit(DeadLetter.of(failed, this, whenDone));
        }

        @Override
        public void notHandedOver(Leg failed, Class<?> failedBy, java.util.function.Consumer<Leg> whenDone) {
            submit(DeadLetter.of(failed, DeadLetter.STAGE_DISPATCH, failedBy, this, whenDone));
        }

        @Override
        protected void send(List<Leg> batch) throws IOException {
            Function<Leg, Answer> current = script; // once per batch: the test may switch it meanwhile
            batches.add(List.copyOf(batch));
            batchNanos.add(System.nanoTime());
            if (throwOnSend.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("connection refused");
            }
            for (Leg leg : batch) {
                for (Leg other : inFlight) {
                    if (other.orderingKey().equals(leg.orderingKey())) {
                        violations.add(leg + " sent while " + other + " was in flight");
                    }
                }
                inFlight.add(leg);
                maxInFlight.accumulateAndGet(inFlight.size(), Math::max);
                sends.add(new Send(leg, CLOCK.incrementAndGet(), System.nanoTime()));
            }
            List<Leg> answerOrder = new ArrayList<>(batch);
            if (answerInReverse) {
                Collections.reverse(answerOrder);
            }
            for (Leg leg : answerOrder) {
                Answer answer = current.apply(leg);
                if (answerLater) {
                    answerer.execute(() -> answer(leg, answer));
                } else {
                    answer(leg, answer);
                }
            }
        }

        private void answer(Leg leg, Answer answer) {
            switch (answer) {
                case DELIVER -> deliver(leg);
                case REJECT -> reject(leg);
                case UNAVAILABLE -> {
                    inFlight.remove(leg);
                    unavailable(leg, new IOException("destination down"));
                }
                case HOLD -> held.add(leg);
            }
        }

        void deliver(Leg leg) {
            answeredAt.put(leg, CLOCK.incrementAndGet());
            inFlight.remove(leg); // before delivered(): the lane may send the key's next leg at once
            delivered(leg);
        }

        void reject(Leg leg) {
            answeredAt.put(leg, CLOCK.incrementAndGet());
            inFlight.remove(leg);
            rejected(
                    leg,
                    new IllegalStateException(
                            "refused " + leg.name() + " of " + leg.event().id()));
        }

        /** Every leg sent, in order, resends included. */
        List<Leg> sentLegs() {
            return sends.stream().map(Send::leg).toList();
        }

        long firstSent(Leg leg) {
            return sends.stream()
                    .filter(send -> send.leg() == leg)
                    .findFirst()
                    .orElseThrow()
                    .tick();
        }

        List<Long> sendNanos(Leg leg) {
            return sends.stream()
                    .filter(send -> send.leg() == leg)
                    .map(Send::nanos)
                    .toList();
        }

        @Override
        public void stop() {
            super.stop();
            answerer.shutdownNow();
        }
    }
}
