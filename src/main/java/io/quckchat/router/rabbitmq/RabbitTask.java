package io.quckchat.router.rabbitmq;

/** What a RabbitMQ leg needs besides its payload. */
record RabbitTask(String queue, String routingKey, String messageId) {}
