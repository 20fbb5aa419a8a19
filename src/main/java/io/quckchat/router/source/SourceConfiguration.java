package io.quckchat.router.source;

import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.delivery.Dispatcher;
import io.quckchat.router.fanout.EventRejecter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SourceConfiguration {

    @Bean
    ChatEventSource chatEventSource(KafkaClients clients, Dispatcher dispatcher) {
        return new ChatEventSource(clients, dispatcher);
    }

    @Bean("chat-events")
    ChatEventsComponent chatEventsComponent(ChatEventSource source, EventRejecter deadLetters) {
        return new ChatEventsComponent(source, deadLetters);
    }
}
