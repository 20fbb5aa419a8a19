package io.quckchat.router.config;

import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.util.Comparator;
import java.util.Locale;
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
        check(properties);
    }

    /** The records' constraints first, then the checks across values; the first problem is thrown. */
    static void check(RouterProperties properties) {
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            factory.getValidator().validate(properties).stream()
                    .map(violation -> new InvalidSettingException(
                            "quckchat." + settingName(violation.getPropertyPath()), violation.getMessage()))
                    .min(Comparator.comparing(InvalidSettingException::setting))
                    .ifPresent(problem -> {
                        throw problem;
                    });
        }
        properties.validate();
    }

    /** {@code bullBoard.path} as the setting is written: {@code bull-board.path}. */
    static String settingName(Path path) {
        StringBuilder name = new StringBuilder();
        for (Path.Node node : path) {
            if (node.getName() == null) {
                continue;
            }
            if (node.getIndex() != null) {
                name.append('[').append(node.getIndex()).append(']');
            }
            if (node.getKey() != null) {
                name.append('.').append(node.getKey());
            }
            name.append(name.isEmpty() ? "" : ".")
                    .append(node.getName()
                            .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                            .toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }
}
