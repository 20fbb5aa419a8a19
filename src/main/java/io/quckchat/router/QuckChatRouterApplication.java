package io.quckchat.router;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** QuckChat Router: fans chat events out from Kafka to RabbitMQ task queues and BullMQ job queues. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class QuckChatRouterApplication {

    public static void main(String[] args) {
        SpringApplication.run(QuckChatRouterApplication.class, args);
    }
}
