package io.quckchat.router.delivery;

import io.quckchat.router.event.Leg;
import io.quckchat.router.event.LogContext;
import io.quckchat.router.event.RetryPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered, retrying delivery queue of one destination (RabbitMQ, Redis/BullMQ, the dead-letter
 * topic). Subclasses only know how to send a batch; the lane decides what to send and when:
 *
 * <ul>
 *   <li><b>Many in flight:</b> up to {@code maxInFlight} legs await their confirmation at once, so
 *       throughput is not one broker round trip per message.
 *   <li><b>Per-key order:</b> at most one leg per ordering key (a conversation on one queue) is in flight or
 *       waiting to be retried; the next leg of that key waits behind it. Other keys go on.
 *   <li><b>Transient failures</b> ({@link #unavailable}): the destination is down. The lane stops
 *       sending, backs off (capped, jittered) and resends the same legs, in order, when it comes
 *       back. Nothing is dead-lettered however long it takes. Other lanes are not affected.
 *   <li><b>Rejections</b> ({@link #rejected}): the destination refused this leg. It is retried by
 *       its {@link RetryPolicy}, then dead-lettered; its key waits meanwhile, other keys do not.
 * </ul>
 *
 * One thread per lane sends; outcomes may arrive on any thread.
 */
public abstract class Lane implements Leg.Destination {

    private static final Comparator<Leg> BY_SEQUENCE = Comparator.comparingLong(Leg::sequence);

    protected final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private final RetryPolicy outagePolicy;
    private final int maxInFlight;
    private final int maxBatch;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final PriorityQueue<Leg> ready = new PriorityQueue<>(BY_SEQUENCE);
    private final PriorityQueue<Retry> retries = new PriorityQueue<>(Comparator.comparingLong(Retry::due));
    private final Map<Leg.OrderingKey, ArrayDeque<Leg>> waiting = new HashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private int inFlight;
    /** Legs failed past their policy whose dead letter is not written yet. */
    private int awaitingDeadLetter;

    private long outageUntil;
    private int outageFailures;
    private volatile boolean available = true;
    /**
     * Set by {@link #connectionLost} until {@link #recover()} succeeds: the lane reconnects even
     * while it has nothing to send, and a late confirm of a publish made before the loss does not
     * count as the destination being back.
     */
    private boolean disconnected;

    private volatile String lastProblem;
    private volatile Thread worker;
    private volatile boolean running;
    private DeadLetterSink deadLetters;
    private volatile DeliveryObserver observer = DeliveryObserver.NONE;

    private record Retry(Leg leg, long due) {}

    protected Lane(String name, RetryPolicy outagePolicy, int maxInFlight, int maxBatch) {
        this.name = name;
        this.outagePolicy = outagePolicy;
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
    }

    @Override
    public String name() {
        return name;
    }

    public void observe(DeliveryObserver observer) {
        this.observer = observer;
    }

    protected DeliveryObserver observer() {
        return observer;
    }

    /** Where legs go that failed past their policy. Not set for the dead-letter lane itself. */
    public void deadLetterTo(DeadLetterSink deadLetters) {
        this.deadLetters = deadLetters;
    }

    /**
     * Sends a batch. Report every leg exactly once, now or later, from any thread, with {@link
     * #delivered}, {@link #rejected} or {@link #unavailable}; or throw before reporting any, which
     * counts as {@code unavailable} for the whole batch.
     */
    protected abstract void send(List<Leg> batch) throws Exception;

    /** Called on the lane thread at least once a second, e.g. to notice answers that never came. */
    protected void tick() {}

    /** How soon {@link #tick()} should run again, at most a second. */
    protected long nextTickMillis() {
        return 1000;
    }

    /** Makes the lane thread run {@link #tick()} soon. */
    protected void wakeUp() {
        lock.lock();
        try {
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Called on the lane thread before a send after the lane was unavailable; reconnect here. */
    protected void recover() throws Exception {}

    @Override
    public void submit(Leg leg) {
        lock.lock();
        try {
            leg.sequence(sequence.incrementAndGet());
            ArrayDeque<Leg> queue = waiting.get(leg.orderingKey());
            if (queue != null) {
                queue.addLast(leg);
            } else {
                waiting.put(leg.orderingKey(), new ArrayDeque<>());
                ready.add(leg);
                wake.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    public void start() {
        running = true;
        worker = new Thread(this::run, "lane-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    public void stop() {
        running = false;
        Thread thread = worker;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** False while the destination is failing transiently (for health and metrics). */
    public boolean isAvailable() {
        return available;
    }

    public String lastProblem() {
        return lastProblem;
    }

    /** Legs accepted and not yet resolved. */
    public int backlog() {
        lock.lock();
        try {
            int parked = waiting.values().stream().mapToInt(ArrayDeque::size).sum();
            return ready.size() + retries.size() + inFlight + parked + awaitingDeadLetter;
        } finally {
            lock.unlock();
        }
    }

    /** The destination confirmed the leg. */
    protected void delivered(Leg leg) {
        lock.lock();
        try {
            inFlight--;
            if (!disconnected) {
                if (!available) {
                    log.info("{} is delivering again after {} failed attempt(s)", name, outageFailures);
                }
                available = true;
                outageFailures = 0;
            }
            releaseKey(leg);
            if (inFlight == maxInFlight - 1 && !ready.isEmpty()) {
                wake.signal(); // the lane was full: it may send again
            }
        } finally {
            lock.unlock();
        }
        leg.resolve(Leg.Outcome.DELIVERED);
    }

    /**
     * The connection to the destination is gone, possibly with nothing in flight: the lane counts
     * as unavailable (health, metrics) until {@link #recover()} succeeds, which the lane thread
     * tries with the outage backoff even while no leg waits, and, if legs wait, until one of them
     * is delivered over the new connection.
     */
    protected void connectionLost(Throwable cause) {
        lock.lock();
        try {
            available = false;
            disconnected = true;
            lastProblem = describe(cause);
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The destination is down or did not answer: resend later, never dead-letter. */
    protected void unavailable(Leg leg, Throwable cause) {
        observer.failed(leg, cause, true);
        lock.lock();
        try {
            inFlight--;
            long now = System.currentTimeMillis();
            if (now >= outageUntil) {
                outageFailures++;
                Duration backoff = outagePolicy.backoff(outageFailures);
                outageUntil = now + backoff.toMillis();
                lastProblem = describe(cause);
                if (available || outageFailures == 1) {
                    try (LogContext ignored = LogContext.of(leg)) {
                        log.warn(
                                "{} unavailable while delivering {}: {}; retrying in {} ms",
                                name,
                                leg.describe(),
                                lastProblem,
                                backoff.toMillis());
                    }
                } else {
                    log.debug("{} still unavailable ({} failures): {}", name, outageFailures, lastProblem);
                }
            }
            available = false;
            ready.add(leg);
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The destination refused this leg: retry by the leg's policy, then dead-letter it. */
    protected void rejected(Leg leg, Throwable cause) {
        observer.failed(leg, cause, false);
        boolean deadLetter;
        lock.lock();
        try {
            inFlight--;
            int attempts = leg.failed(cause);
            deadLetter = attempts >= leg.policy().attempts() && deadLetters != null;
            if (!deadLetter) {
                long backoff = leg.policy().backoff(attempts).toMillis();
                try (LogContext ignored = LogContext.of(leg)) {
                    log.warn(
                            "{} rejected {} (attempt {}/{}): {}; retrying in {} ms",
                            name,
                            leg.describe(),
                            attempts,
                            leg.policy().attempts(),
                            describe(cause),
                            backoff);
                }
                retries.add(new Retry(leg, System.currentTimeMillis() + backoff));
                wake.signal();
            } else {
                awaitingDeadLetter++;
            }
        } finally {
            lock.unlock();
        }
        if (deadLetter) {
            try (LogContext ignored = LogContext.of(leg)) {
                log.error(
                        "{} rejected {} {} times, last: {}; dead-lettering it",
                        name,
                        leg.describe(),
                        leg.attempts(),
                        describe(cause));
            }
            deadLetters.deadLetter(leg, letter -> {
                lock.lock();
                try {
                    awaitingDeadLetter--;
                    releaseKey(leg);
                } finally {
                    lock.unlock();
                }
                // a dead letter dropped with its partition was never written: the leg is not done either,
                // and must not reach the ledger as done (the new owner delivers or dead-letters it)
                boolean written = letter.outcome() != Leg.Outcome.DROPPED;
                leg.resolve(written ? Leg.Outcome.DEAD_LETTERED : Leg.Outcome.DROPPED);
            });
        }
    }

    private void releaseKey(Leg leg) {
        ArrayDeque<Leg> queue = waiting.get(leg.orderingKey());
        if (queue == null) {
            return;
        }
        Leg next = queue.pollFirst();
        if (next != null) {
            ready.add(next);
            wake.signal();
        } else {
            waiting.remove(leg.orderingKey());
        }
    }

    private void run() {
        while (running) {
            tick();
            List<Leg> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            if (batch.isEmpty()) {
                reconnectIfIdleAndLost();
                continue;
            }
            try {
                if (!available) {
                    recover();
                    reconnected();
                }
                send(batch);
            } catch (Exception e) {
                for (Leg leg : batch) {
                    unavailable(leg, e);
                }
            }
        }
    }

    /** {@link #recover()} succeeded: the next confirmed delivery makes the lane available again. */
    private void reconnected() {
        lock.lock();
        try {
            disconnected = false;
        } finally {
            lock.unlock();
        }
    }

    private void reconnectIfIdleAndLost() {
        lock.lock();
        try {
            if (!disconnected || System.currentTimeMillis() < outageUntil) {
                return;
            }
        } finally {
            lock.unlock();
        }
        try {
            recover();
            lock.lock();
            try {
                log.info("{} is reachable again", name);
                available = true;
                disconnected = false;
                outageFailures = 0;
            } finally {
                lock.unlock();
            }
        } catch (Exception e) {
            lock.lock();
            try {
                outageFailures++;
                Duration backoff = outagePolicy.backoff(outageFailures);
                outageUntil = System.currentTimeMillis() + backoff.toMillis();
                lastProblem = describe(e);
                log.debug("{} still unreachable ({} attempts): {}", name, outageFailures, lastProblem);
            } finally {
                lock.unlock();
            }
        }
    }

    private List<Leg> nextBatch() throws InterruptedException {
        List<Leg> dropped = new ArrayList<>();
        try {
            return collectBatch(dropped);
        } finally {
            dropped.forEach(leg -> leg.resolve(Leg.Outcome.DROPPED));
        }
    }

    private List<Leg> collectBatch(List<Leg> dropped) throws InterruptedException {
        lock.lock();
        try {
            long now = System.currentTimeMillis();
            while (!retries.isEmpty() && retries.peek().due() <= now) {
                ready.add(retries.poll().leg());
            }
            if (now < outageUntil) {
                wake.await(outageUntil - now, TimeUnit.MILLISECONDS);
                return List.of();
            }
            List<Leg> batch = new ArrayList<>();
            while (inFlight + batch.size() < maxInFlight && batch.size() < maxBatch && !ready.isEmpty()) {
                Leg leg = ready.poll();
                if (leg.event().isAbandoned()) {
                    releaseKey(leg);
                    dropped.add(leg);
                } else {
                    batch.add(leg);
                }
            }
            inFlight += batch.size();
            if (batch.isEmpty() && dropped.isEmpty()) {
                long wait = Math.min(
                        nextTickMillis(),
                        retries.isEmpty() ? 1000 : Math.max(1, retries.peek().due() - now));
                wake.await(wait, TimeUnit.MILLISECONDS);
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private static String describe(Throwable cause) {
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
