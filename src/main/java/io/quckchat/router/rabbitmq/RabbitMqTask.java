package io.quckchat.router.rabbitmq;

/**
 * What a RabbitMQ leg needs besides its payload (the leg's spec).
 *
 * @param queue the full queue name, {@code <prefix>.<name>}
 * @param routingKey the queue's short name, which binds it to the exchange
 * @param messageId {@code <eventId>.<name>}, plus {@code .<index>} inside a split
 */
public record RabbitMqTask(String queue, String routingKey, String messageId) {}
