package io.quckchat.router.ops;

import io.quckchat.router.source.ChatEventSource;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The {@code fanout} health component, in the liveness group: DOWN only when the fan-out cannot go
 * on without a restart (the dispatcher failed on an event, or the poll loop ended although no one
 * stopped it), so that Kubernetes restarts the router. Brokers away and a blocked poll thread are
 * readiness matters: they pass.
 */
public class FanOutHealthIndicator extends AbstractHealthIndicator {

    private final ChatEventSource source;

    public FanOutHealthIndicator(ChatEventSource source) {
        super("Fan-out health check failed");
        this.source = source;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        String broken = source.broken();
        if (broken == null) {
            builder.up();
        } else {
            builder.down().withDetail("error", broken);
        }
    }
}
