package io.quckchat.camel.bullmq;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.DefaultComponent;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The {@code bullmq} component: {@code bullmq:<queue>?jobName=...} adds the message body as a job to
 * a BullMQ queue in Redis, for stock BullMQ 5.x / 6.x workers. See docs/bullmq-component.md.
 *
 * <p>It needs a {@link BullMqClient}: set one, or let the component find one in the registry, or
 * else build one from the registry's single {@link RedisConnectionFactory}.
 */
@org.apache.camel.spi.annotations.Component("bullmq")
public class BullMqComponent extends DefaultComponent {

    @Metadata(
            description = "The client that adds the jobs (its Redis connection and default key prefix). If not"
                    + " set, the registry's BullMqClient, else one on the registry's RedisConnectionFactory.",
            autowired = true)
    private BullMqClient client;

    @Metadata(description = "Default options of every endpoint of this component.")
    private BullMqConfiguration configuration = new BullMqConfiguration();

    @Metadata(
            label = "advanced",
            description = "Jackson mapper that turns bodies which are not JSON text into job data. If not set,"
                    + " the registry's single ObjectMapper, else a plain one.")
    private ObjectMapper objectMapper;

    private final Map<String, BullMqClient> clientsByPrefix = new ConcurrentHashMap<>();

    public BullMqComponent() {}

    public BullMqComponent(BullMqClient client) {
        this.client = client;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        try {
            QueueKeys.validateQueue(remaining);
        } catch (BullMqException e) {
            throw new IllegalArgumentException(
                    "bullmq needs a queue name: bullmq:<queue>, got " + uri + ": " + e.getMessage());
        }
        BullMqConfiguration endpointConfiguration = configuration.copy();
        BullMqEndpoint endpoint = new BullMqEndpoint(uri, this, remaining, endpointConfiguration);
        setProperties(endpointConfiguration, parameters);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        if (client == null) {
            client = getCamelContext().getRegistry().findSingleByType(BullMqClient.class);
        }
        if (client == null) {
            Set<RedisConnectionFactory> factories =
                    getCamelContext().getRegistry().findByType(RedisConnectionFactory.class);
            if (factories.size() != 1) {
                throw new IllegalStateException("The bullmq component needs a BullMqClient or exactly one"
                        + " RedisConnectionFactory in the registry; found " + factories.size() + " factories");
            }
            client = new BullMqClient(factories.iterator().next(), null);
        }
        if (objectMapper == null) {
            objectMapper = getCamelContext().getRegistry().findSingleByType(ObjectMapper.class);
        }
        if (objectMapper == null) {
            objectMapper = new ObjectMapper().findAndRegisterModules();
        }
    }

    /** The client for a key prefix: the component's own one for null/blank or its prefix. */
    BullMqClient client(String prefix) {
        if (prefix == null || prefix.isBlank() || prefix.equals(client.prefix())) {
            return client;
        }
        return clientsByPrefix.computeIfAbsent(prefix, client::withPrefix);
    }

    public BullMqClient getClient() {
        return client;
    }

    public void setClient(BullMqClient client) {
        this.client = client;
    }

    public BullMqConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(BullMqConfiguration configuration) {
        this.configuration = configuration;
    }

    public ObjectMapper getObjectMapper() {
        return objectMapper;
    }

    public void setObjectMapper(ObjectMapper objectMapper) {
        this.objectMapper = objectMapper;
    }
}
