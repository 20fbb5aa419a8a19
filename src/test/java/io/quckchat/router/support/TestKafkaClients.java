package io.quckchat.router.support;

import io.quckchat.router.config.KafkaClients;
import io.quckchat.router.config.RouterProperties;
import io.quckchat.router.config.SecretFiles;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

/** The router's Kafka client settings without a router: bound as at start-up from config/application.yml. */
public final class TestKafkaClients {

    private TestKafkaClients() {}

    /** The clients the router would make with these environment variables (and no others). */
    public static KafkaClients of(Map<String, Object> variables) {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new FileSystemResource("config/application.yml"));
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new PropertiesPropertySource("application.yml", yaml.getObject()));
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new HashMap<>(variables)));
        new SecretFiles().postProcessEnvironment(environment, null);
        RouterProperties properties =
                Binder.get(environment).bind("quckchat", RouterProperties.class).get();
        properties.validate();
        return new KafkaClients(properties, environment);
    }
}
