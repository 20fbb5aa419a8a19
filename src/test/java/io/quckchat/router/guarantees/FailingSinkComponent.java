package io.quckchat.router.guarantees;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.RetryPolicy;
import io.quckchat.router.fanout.SinkEndpoint;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code failing-sink:<name>}, test only (found by Camel on the test class path): a sink whose lane
 * throws when handed a leg of an event whose id starts with {@code boom-}, as a bug in a lane would
 * (an {@link Error} for {@code fatal-}), and takes every other leg as delivered at once. {@link DispatchFailureIT} injects its failure
 * with it.
 */
public class FailingSinkComponent extends DefaultComponent {

    /** What the failing lane throws for boom- events. */
    static final String MESSAGE = "injected: failing-sink cannot take legs of boom- events";
    /** The {@link Error} it throws for fatal- events, as a broken invariant or the JVM out of memory would. */
    static final String FATAL = "injected: failing-sink breaks on fatal- events";

    private static final RetryPolicy POLICY = new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), 2, 0);

    private static final Leg.Destination LANE = new Leg.Destination() {
        @Override
        public String name() {
            return "failing";
        }

        @Override
        public void submit(Leg leg) {
            if (leg.event().id().startsWith("boom-")) {
                throw new IllegalStateException(MESSAGE);
            }
            if (leg.event().id().startsWith("fatal-")) {
                throw new AssertionError(FATAL);
            }
            leg.resolve(Leg.Outcome.DELIVERED);
        }
    };

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        return new SinkEndpoint(uri, this) {
            @Override
            protected Leg leg(Exchange exchange, ChatEvent event, Integer index, byte[] payload, RetryPolicy policy) {
                return new Leg(event, LANE, "failing:" + remaining, payload, null, policy);
            }

            @Override
            protected RetryPolicy defaultPolicy() {
                return POLICY;
            }
        };
    }
}
