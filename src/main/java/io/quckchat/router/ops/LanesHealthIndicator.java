package io.quckchat.router.ops;

import io.quckchat.router.delivery.Lane;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Whether each delivery lane can currently deliver: DOWN while a destination is failing
 * transiently (its legs wait and are retried), with the last problem and the backlog.
 */
public class LanesHealthIndicator extends AbstractHealthIndicator {

    private final List<Lane> lanes;

    public LanesHealthIndicator(List<Lane> lanes) {
        this.lanes = lanes;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean up = true;
        for (Lane lane : lanes) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("available", lane.isAvailable());
            detail.put("backlog", lane.backlog());
            if (!lane.isAvailable() && lane.lastProblem() != null) {
                detail.put("problem", lane.lastProblem());
            }
            builder.withDetail(lane.name(), detail);
            up &= lane.isAvailable();
        }
        if (up) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
