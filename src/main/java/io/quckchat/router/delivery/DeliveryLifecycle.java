package io.quckchat.router.delivery;

import java.util.List;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the lanes and the ledger before Camel starts its routes, and stops them after Camel has
 * stopped its routes (which drain their in-flight events), so nothing in flight loses its lane.
 */
public class DeliveryLifecycle implements SmartLifecycle {

    /** Lower than Camel's: started before, stopped after. */
    public static final int PHASE = -100;

    private final List<Lane> lanes;
    private final Ledger ledger;
    private volatile boolean running;

    public DeliveryLifecycle(List<Lane> lanes, Ledger ledger) {
        this.lanes = lanes;
        this.ledger = ledger;
    }

    @Override
    public void start() {
        ledger.start();
        lanes.forEach(Lane::start);
        running = true;
    }

    @Override
    public void stop() {
        lanes.forEach(Lane::stop);
        ledger.stop();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
