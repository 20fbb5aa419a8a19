package io.quckchat.router.source;

/** Headers that the {@code chat-events} consumer sets on every exchange. */
public final class ChatEventsConstants {

    /** The event id (docs/contract.md §3): {@code ce_id}, else {@code <topic>-<partition>-<offset>}. */
    public static final String EVENT_ID = "QuckChatEventId";

    public static final String TOPIC = "QuckChatTopic";
    public static final String PARTITION = "QuckChatPartition";
    public static final String OFFSET = "QuckChatOffset";
    /** The record key as text (conversationId or userId), or absent. */
    public static final String KEY = "QuckChatKey";
    /** Record timestamp, ms since the epoch. */
    public static final String TIMESTAMP = "QuckChatTimestamp";

    private ChatEventsConstants() {}
}
