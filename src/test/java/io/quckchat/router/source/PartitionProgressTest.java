package io.quckchat.router.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

    private static final RetryPolicy POLICY = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(1), 2, 0);

    /** Legs are resolved by the test itself; nothing is sent. */
    private final Leg.Destination lane = new Leg.Destination() {
        @Override
        public String name() {
            return "test";
        }

        @Override
        public void submit(Leg leg) {}
    };

    private final PartitionProgress progress = new PartitionProgress();

    @Test
    void commitsOnePastTheUnbrokenRunOfCompletedEventsAtTheHead() {
        ChatEvent e10 = delivering(10);
        ChatEvent e11 = delivering(11);
        ChatEvent e12 = delivering(12);
        ChatEvent e13 = delivering(13);
        List.of(e10, e11, e12, e13).forEach(progress::add);

        assertThat(progress.advance()).isEqualTo(-1);

        finish(e11);
        finish(e12);
        assertThat(progress.advance())
                .as("10 still delivering holds back 11 and 12")
                .isEqualTo(-1);
        assertThat(progress.inFlight()).isEqualTo(4);

        finish(e10);
        assertThat(progress.advance()).isEqualTo(13);
        assertThat(progress.inFlight()).isEqualTo(1);
        assertThat(progress.advance()).as("nothing moved since").isEqualTo(-1);

        finish(e13);
        assertThat(progress.advance()).isEqualTo(14);
        assertThat(progress.inFlight()).isZero();
        assertThat(progress.advance()).isEqualTo(-1);
    }

    @Test
    void anEventIsCompleteOnlyWhenEveryLegIsDeliveredSkippedOrDeadLettered() {
        ChatEvent event = new ChatEvent(record(5));
        Leg rabbit = new Leg(event, lane, "rabbitmq:q", event.value(), null, POLICY);
        Leg bull = new Leg(event, lane, "bullmq:push/new-message", event.value(), null, POLICY);
        Leg other = new Leg(event, lane, "rabbitmq:audit", event.value(), null, POLICY);
        event.addLeg(rabbit);
        event.addLeg(bull);
        event.addLeg(other);
        event.seal(() -> {});
        progress.add(event);

        rabbit.resolve(Leg.Outcome.SKIPPED);
        bull.resolve(Leg.Outcome.DELIVERED);
        assertThat(progress.advance()).isEqualTo(-1);

        other.resolve(Leg.Outcome.DEAD_LETTERED);
        assertThat(progress.advance()).isEqualTo(6);
    }

    @Test
    void offsetGapsAndEventsWithoutLegsCommitThrough() {
        ChatEvent noLegs = new ChatEvent(record(3));
        noLegs.seal(() -> {}); // the route sent it nowhere: complete at once
        ChatEvent afterGap = delivering(9); // offsets 4..8 were compacted away or transaction markers
        progress.add(noLegs);
        progress.add(afterGap);

        assertThat(progress.advance()).isEqualTo(4);

        finish(afterGap);
        assertThat(progress.advance()).isEqualTo(10);
    }

    @Test
    void abandonGivesUpEveryEventAndCommitsNothingMore() {
        ChatEvent done = delivering(20);
        ChatEvent delivering = delivering(21);
        ChatEvent doneLater = delivering(22);
        List.of(done, delivering, doneLater).forEach(progress::add);
        finish(done);
        finish(doneLater);

        progress.abandon();

        assertThat(List.of(done, delivering, doneLater)).allMatch(ChatEvent::isAbandoned);
        assertThat(progress.inFlight()).isZero();
        // the completed head is not committed by this consumer any more: the next owner reads from the last commit
        assertThat(progress.advance()).isEqualTo(-1);
        finish(delivering);
        assertThat(progress.advance()).isEqualTo(-1);
    }

    /** An event with one leg not yet resolved. */
    private ChatEvent delivering(long offset) {
        ChatEvent event = new ChatEvent(record(offset));
        event.addLeg(new Leg(event, lane, "rabbitmq:q", event.value(), null, POLICY));
        event.seal(() -> {});
        return event;
    }

    private static void finish(ChatEvent event) {
        event.legs().forEach(leg -> leg.resolve(Leg.Outcome.DELIVERED));
        assertThat(event.isComplete()).isTrue();
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset) {
        return new ConsumerRecord<>(
                "chat", 0, offset, "conv-1".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
    }
}
