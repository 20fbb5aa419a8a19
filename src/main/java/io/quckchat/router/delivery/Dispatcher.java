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
    private final DeliveryObserver observer;

    public Dispatcher(Ledger ledger, DeliveryObserver observer) {
        this.ledger = ledger;
        this.observer = observer;
    }

    /** Starts the ledger read of these events (see {@link Ledger#read}), to route them meanwhile. */
    public Ledger.Read readLedger(List<String> eventIds) {
        return ledger.read(eventIds);
    }

    /**
     * @param events routed events of one poll, in offset order per partition
     * @param ledgerRead the ledger read started for these events by {@link #readLedger}
     * @param onComplete runs once per event when its last leg resolves
     */
    public void dispatch(List<ChatEvent> events, Ledger.Read ledgerRead, Consumer<ChatEvent> onComplete) {
        Map<String, Set<String>> done = ledgerRead.await();
        for (ChatEvent event : events) {
            observer.received(event);
            List<Leg> legs = event.legs();
            for (Leg leg : legs) {
                leg.onResolved(this::record);
            }
            event.seal(() -> {
                observer.completed(event);
                onComplete.accept(event);
            });
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
        observer.resolved(leg);
        if (leg.outcome() == Leg.Outcome.DELIVERED || leg.outcome() == Leg.Outcome.DEAD_LETTERED) {
            ledger.record(leg);
        }
    }
}
