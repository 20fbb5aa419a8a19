package io.quckchat.router.config;

import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;

/**
 * Binds and checks {@link RouterProperties} as soon as the environment is ready, before any
 * client is built, so that a wrong setting is reported by its name (and environment variable)
 * rather than by the connection error it would cause later.
 */
public class SettingsValidator implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        RouterProperties properties;
        try {
            properties = Binder.get(event.getEnvironment())
                    .bind("quckchat", RouterProperties.class)
                    .orElseThrow(() -> new InvalidSettingException(
                            "quckchat", "no settings found: is config/application.yml on the path?"));
        } catch (BindException e) {
            String name = (e.getProperty() != null ? e.getProperty().getName() : e.getName()).toString();
            Object raw = e.getProperty() != null ? e.getProperty().getValue() : null;
            String value = raw == null ? null : event.getEnvironment().resolvePlaceholders(raw.toString());
            throw new InvalidSettingException(
                    name, "cannot be read" + (value == null ? "" : " from '" + Settings.redact(value) + "'"));
        }
        properties.validate();
    }
}
