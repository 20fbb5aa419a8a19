package io.quckchat.router.rabbitmq;

/** RabbitMQ returned a mandatory publish: no queue is bound for its routing key. */
public class UnroutableException extends RuntimeException {

    public UnroutableException(String message) {
        super(message);
    }
}
