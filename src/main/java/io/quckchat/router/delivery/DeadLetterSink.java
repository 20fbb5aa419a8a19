package io.quckchat.router.delivery;

import io.quckchat.router.event.Leg;
import java.util.function.Consumer;

/** Where a lane sends a leg that failed past its retry policy: the dead-letter lane. */
public interface DeadLetterSink {

    /**
     * Writes the dead letter of {@code failed}; {@code whenDone} gets the dead letter's own leg once
     * it is written, or dropped (its partition moved to another consumer).
     */
    void deadLetter(Leg failed, Consumer<Leg> whenDone);

    /**
     * Writes the dead letter of {@code failed}, which could not be handed to its lane ({@link
     * Leg#lastError()} says why); {@code failedBy} is what tried. {@code whenDone} as above.
     */
    void notHandedOver(Leg failed, Class<?> failedBy, Consumer<Leg> whenDone);
}
