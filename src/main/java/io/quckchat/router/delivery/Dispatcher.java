package io.quckchat.router.delivery;

import io.quckchat.router.event.ChatEvent;
import io.quckchat.router.event.Leg;
import io.quckchat.router.event.LogContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the legs of routed events to their lanes, skipping those the ledger has as done, and
 * records each leg in the ledger once it is delivered or dead-lettered. A leg that cannot be handed
 * over (its lane throws: a bug, not a broker's answer) is dead-lettered with stage {@code
 * DISPATCH}, so that its event still completes and its partition keeps committing.
 */
public class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final Ledger ledger;
    private final DeliveryObserver observer;
    private final DeadLetterSink deadLetters;
    /** The first event the dispatcher failed on, said by {@link #failure()}; null while none. */
    private volatile String failure;
    /** The dispatch of the latest poll; the next one runs after it. */
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

    public Dispatcher(Ledger ledger, DeliveryObserver observer, DeadLetterSink deadLetters) {
        this.ledger = ledger;
        this.observer = observer;
        this.deadLetters = deadLetters;
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
            } catch (Throwable e) { // an Error too: uncaught, it would end every later poll's dispatch unseen
                failed(event, e);
            }
        }
    }

    /**
     * What got past the per-leg catch (an {@link Error}: a broken invariant, the JVM out of memory)
     * is not an answer to dead-letter: the event does not complete, so its partition commits no
     * further and nothing is lost, and readiness says why until the router is restarted. The next
     * events and polls are still dispatched: the chain of polls must not end with this one.
     */
    private void failed(ChatEvent event, Throwable error) {
        String problem = "the dispatcher failed on " + event.describe() + ": " + error
                + "; its partition commits no further until the router is restarted";
        try (LogContext ignored = LogContext.of(event)) {
            log.error(
                    "The dispatcher failed on {}; its partition commits no further until the router is restarted",
                    event.describe(),
                    error);
        }
        if (failure == null) {
            failure = problem;
        }
    }

    /** Why the dispatcher is broken (the first failure since start), or null. */
    public String failure() {
        return failure;
    }

    private void deliver(ChatEvent event, Set<String> skip, Consumer<ChatEvent> onComplete) {
        try {
            observer.received(event);
        } catch (RuntimeException e) {
            log.error("Metrics failed on {}; delivering it anyway", event.describe(), e);
        }
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
            try {
                handOver(leg, redrive, skip);
            } catch (RuntimeException e) {
                notHandedOver(leg, e);
            }
        }
    }

    private static void handOver(Leg leg, Set<String> redrive, Set<String> skip) {
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

    /** A bug, not a destination problem: say which leg and where, and dead-letter it so that its event completes. */
    private void notHandedOver(Leg leg, RuntimeException cause) {
        try (LogContext ignored = LogContext.of(leg)) {
            log.error(
                    "Cannot hand {} to {}; dead-lettering it (stage DISPATCH)",
                    leg.describe(),
                    leg.destination().name(),
                    cause);
        }
        if (leg.isResolved()) {
            return; // it failed after its outcome was set: nothing is left to deliver
        }
        leg.failed(cause);
        observer.failed(leg, cause, false);
        deadLetters.notHandedOver(
                leg,
                Dispatcher.class,
                letter -> leg.resolve(
                        letter.outcome() == Leg.Outcome.DROPPED ? Leg.Outcome.DROPPED : Leg.Outcome.DEAD_LETTERED));
    }

    private void record(Leg leg) {
        observer.resolved(leg);
        if (leg.outcome() == Leg.Outcome.DELIVERED || leg.outcome() == Leg.Outcome.DEAD_LETTERED) {
            ledger.record(leg);
        }
    }
}
