package io.quckchat.router.source;

import io.quckchat.router.event.ChatEvent;
import java.util.ArrayDeque;

/**
 * The events of one partition that were read and are not yet committed, in offset order. The
 * committable offset is one past the last event of the unbroken run of completed events at the
 * head: an event that is still delivering holds back every later offset, whatever their state.
 * Only the poll thread touches it.
 */
final class PartitionProgress {

    private final ArrayDeque<ChatEvent> events = new ArrayDeque<>();
    private long committed = -1;
    /** {@link ChatEvent#size()} of the events held. */
    private long bytes;

    void add(ChatEvent event) {
        events.addLast(event);
        bytes += event.size();
    }

    /** The next offset to commit if it moved since the last call, else -1. */
    long advance() {
        long next = -1;
        while (!events.isEmpty() && events.peekFirst().isComplete()) {
            ChatEvent done = events.pollFirst();
            bytes -= done.size();
            next = done.offset() + 1;
        }
        if (next > committed) {
            committed = next;
            return next;
        }
        return -1;
    }

    int inFlight() {
        return events.size();
    }

    /** Bytes of the events held ({@link ChatEvent#size()}). */
    long inFlightBytes() {
        return bytes;
    }

    /** Gives the unfinished events up: their unsent legs are dropped, the next owner redelivers them. */
    void abandon() {
        events.forEach(ChatEvent::abandon);
        events.clear();
        bytes = 0;
    }
}
