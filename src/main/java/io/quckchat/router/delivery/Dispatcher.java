package io.quckchat.router.delivery;

import io.quckchat.router.fanout.ChatEvent;
import io.quckchat.router.fanout.Leg;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Hands the legs of routed events to their lanes, skipping those the ledger has as done, and
 * records each leg in the ledger once it is delivered or dead-lettered.
 */
public class Dispatcher {

    private final Ledger ledger;

    public Dispatcher(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * @param events routed events of one poll, in offset order per partition
     * @param onComplete runs once per event when its last leg resolves
     */
    public void dispatch(List<ChatEvent> events, Consumer<ChatEvent> onComplete) {
        Map<String, Set<String>> done = ledger.done(events);
        for (ChatEvent event : events) {
            List<Leg> legs = event.legs();
            for (Leg leg : legs) {
                leg.onResolved(this::record);
            }
            event.seal(() -> onComplete.accept(event));
            Set<String> skip = done.getOrDefault(event.id(), Set.of());
            Set<String> redrive = event.redriveLegs();
            for (Leg leg : legs) {
                if (redrive != null) {
                    // a redrive says exactly which legs to deliver, whatever the ledger remembers
                    if (redrive.contains("*") || redrive.contains(leg.name())) {
                        leg.destination().submit(leg);
                    } else {
                        leg.resolve(Leg.Outcome.SKIPPED);
                    }
                } else if (skip.contains(leg.name())) {
                    leg.resolve(Leg.Outcome.SKIPPED);
                } else {
                    leg.destination().submit(leg);
                }
            }
        }
    }

    private void record(Leg leg) {
        if (leg.outcome() == Leg.Outcome.DELIVERED || leg.outcome() == Leg.Outcome.DEAD_LETTERED) {
            ledger.record(leg);
        }
    }
}
