package io.quckchat.router.delivery;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the legs of routed events to their lanes, skipping those the ledger has as done, and
 * records each leg in the ledger once it is delivered or dead-lettered.
 */
public class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final Ledger ledger;
    private final DeliveryObserver observer;
    /** The dispatch of the latest poll; the next one runs after it. */
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

    public Dispatcher(Ledger ledger, DeliveryObserver observer) {
        this.ledger = ledger;
        this.observer = observer;
    }

    /** Starts the ledger read of these events (see {@link Ledger#read}), to route them meanwhile. */
    public Ledger.Read readLedger(List<String> eventIds) {
        return ledger.read(eventIds);
    }

    /**
     * Hands the legs of one poll's events to their lanes as soon as the ledger read answers, after
     * those of every earlier poll (so legs reach each lane in offset order); returns at once, so
     * the poll thread goes on fetching meanwhile. The answer usually arrives on Redis' I/O thread,
     * which then submits the legs itself: submitting only queues them.
     *
     * @param events routed events of one poll, in offset order per partition
     * @param ledgerRead the ledger read started for these events by {@link #readLedger}
     * @param onComplete runs once per event when its last leg resolves
     */
    public void dispatch(List<ChatEvent> events, Ledger.Read ledgerRead, Consumer<ChatEvent> onComplete) {
        synchronized (this) {
            previous = previous.thenCombine(ledgerRead.answer(), (ignored, done) -> {
                deliver(events, done, onComplete);
                return null;
            });
        }
    }

    private void deliver(List<ChatEvent> events, Map<String, Set<String>> done, Consumer<ChatEvent> onComplete) {
        for (ChatEvent event : events) {
            try {
                deliver(event, done.getOrDefault(event.id(), Set.of()), onComplete);
            } catch (RuntimeException e) {
                // a bug, not a destination problem: say which event, and go on with the others
                log.error("Cannot hand the legs of {} to their lanes", event.describe(), e);
            }
        }
    }

    private void deliver(ChatEvent event, Set<String> skip, Consumer<ChatEvent> onComplete) {
        observer.received(event);
        List<Leg> legs = event.legs();
        for (Leg leg : legs) {
            leg.onResolved(this::record);
        }
        event.seal(() -> {
            observer.completed(event);
            onComplete.accept(event);
        });
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

    private void record(Leg leg) {
        observer.resolved(leg);
        if (leg.outcome() == Leg.Outcome.DELIVERED || leg.outcome() == Leg.Outcome.DEAD_LETTERED) {
            ledger.record(leg);
        }
    }
}
