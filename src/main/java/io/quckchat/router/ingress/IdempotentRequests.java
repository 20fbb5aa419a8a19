package io.quckchat.router.ingress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * {@code Idempotency-Key} for the ingress's requests, on the {@link Idempotency} store: claims the
 * key before anything is published, answers a repeat with the first answer (or 409 while the first
 * still runs, 422 for another request under the same key, 503 when the store is away), and stores or
 * releases the claim once the request is answered.
 */
class IdempotentRequests {

    private static final Logger log = LoggerFactory.getLogger(IdempotentRequests.class);

    /**
     * The outcome of claiming a key: the answer when the request is answered here (a replay, a
     * conflict, the store away), or go on with the claim (null without a key).
     */
    record Claiming(IngressAnswer answer, Idempotency.Claimed claimed) {

        boolean answered() {
            return answer != null;
        }
    }

    private final Idempotency store;
    private final int retryAfterSeconds;

    IdempotentRequests(Idempotency store, int retryAfterSeconds) {
        this.store = store;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Claims the key if there is one; when the request is answered here (replay, conflict, store away) says so. */
    Claiming claim(String caller, String idempotencyKey, String fingerprint) {
        if (idempotencyKey == null) {
            return new Claiming(null, null);
        }
        Idempotency.Claim result;
        try {
            result = store.claim(caller, idempotencyKey, fingerprint);
        } catch (DataAccessException e) {
            return new Claiming(IngressAnswer.of(storeUnavailable(e)), null);
        }
        if (!(result instanceof Idempotency.Claimed claimed)) {
            return new Claiming(answer(result), null);
        }
        return new Claiming(null, claimed);
    }

    private IngressAnswer answer(Idempotency.Claim claim) {
        if (claim instanceof Idempotency.Replay replay) {
            IngressAnswer answer =
                    IngressAnswer.json(replay.status(), replay.body()).with(EventIngress.REPLAYED, "true");
            return replay.status() == 503
                    ? answer.with(EventIngress.RETRY_AFTER, Integer.toString(retryAfterSeconds))
                    : answer;
        } else if (claim instanceof Idempotency.Busy) {
            return IngressAnswer.of(new Problem(
                            409,
                            "idempotency-key-in-progress",
                            "A request with this Idempotency-Key is still running",
                            "header " + EventIngress.IDEMPOTENCY_KEY,
                            "retry once it has been answered")
                    .retryAfter(1));
        } else {
            return IngressAnswer.of(new Problem(
                    422,
                    "idempotency-key-reused",
                    "This Idempotency-Key was used for another request",
                    "header " + EventIngress.IDEMPOTENCY_KEY,
                    "the first request with this key had a different topic, key or body"));
        }
    }

    private Problem storeUnavailable(DataAccessException e) {
        log.warn("Idempotency store (Redis) unavailable: {}", e.getMessage());
        return new Problem(
                        503,
                        "idempotency-store-unavailable",
                        "The Idempotency-Key cannot be honoured now",
                        "header " + EventIngress.IDEMPOTENCY_KEY,
                        "the idempotency store (Redis) is unavailable; nothing was published")
                .retryAfter(retryAfterSeconds);
    }

    /** The request was answered: a repeat of it gets this answer. */
    void remember(Idempotency.Claimed claim, String fingerprint, int status, String answer) {
        if (claim == null) {
            return;
        }
        try {
            store.complete(claim, fingerprint, status, answer);
        } catch (DataAccessException e) {
            // Published already: answer the truth; a retry within the lock window gets 409, later a republish
            // under the same event id, which the fan-out's ledger absorbs.
            log.warn("Could not store the answer of an Idempotency-Key: {}", e.getMessage());
        }
    }

    /** The request failed on the router's side: a repeat of it runs again. */
    void release(Idempotency.Claimed claim, String fingerprint) {
        if (claim == null) {
            return;
        }
        try {
            store.fail(claim, fingerprint);
        } catch (DataAccessException e) {
            log.warn("Could not release an Idempotency-Key: {}", e.getMessage());
        }
    }
}
