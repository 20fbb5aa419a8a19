package io.quckchat.router;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Configuration;

/**
 * The router's layering (docs/architecture.md): the event model at the bottom; the fan-out (reading
 * events, the sink endpoint base) and the delivery engine (lanes, dispatcher, ledger) on it; the
 * Kafka source and the destinations (RabbitMQ, BullMQ jobs, dead letters) on those; the edges
 * (ingress, operations, dashboard, route tooling, security) on everything. No package cycles, and
 * one configuration class per package.
 */
class ArchitectureTest {

    private static final String ROUTER = "io.quckchat.router";

    private final JavaClasses main = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROUTER);

    @Test
    void thePackagesFormNoCycle() {
        slices().matching(ROUTER + ".(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Config")
                .definedBy(ROUTER + ".config..")
                .layer("Event")
                .definedBy(ROUTER + ".event..")
                .layer("Fanout")
                .definedBy(ROUTER + ".fanout..")
                .layer("Delivery")
                .definedBy(ROUTER + ".delivery..")
                .layer("Source")
                .definedBy(ROUTER + ".source..")
                .layer("Destinations")
                .definedBy(ROUTER + ".rabbitmq..", ROUTER + ".jobs..", ROUTER + ".deadletter..")
                .layer("Edges")
                .definedBy(
                        ROUTER + ".ingress..",
                        ROUTER + ".ops..",
                        ROUTER + ".dashboard..",
                        ROUTER + ".routes..",
                        ROUTER + ".security..")
                .whereLayer("Config")
                .mayNotAccessAnyLayer()
                .whereLayer("Event")
                .mayNotAccessAnyLayer()
                .whereLayer("Fanout")
                .mayOnlyAccessLayers("Event", "Config")
                .whereLayer("Delivery")
                .mayOnlyAccessLayers("Event", "Config")
                .whereLayer("Source")
                .mayOnlyAccessLayers("Event", "Fanout", "Delivery", "Config")
                .whereLayer("Destinations")
                .mayOnlyAccessLayers("Event", "Fanout", "Delivery", "Config")
                .check(main);
    }

    @Test
    void eachPackageHasOneConfigurationClass() {
        Map<String, List<String>> byPackage = main.stream()
                .filter(c -> c.isAnnotatedWith(Configuration.class) && c.isTopLevelClass())
                .filter(c -> !c.getPackageName().equals(ROUTER)) // the application class itself
                .collect(Collectors.groupingBy(
                        JavaClass::getPackageName, Collectors.mapping(JavaClass::getSimpleName, Collectors.toList())));
        assertThat(byPackage)
                .isNotEmpty()
                .allSatisfy((pkg, names) -> assertThat(names).as(pkg).hasSize(1));
    }

    @Test
    void theRulesSeeTheRoutersClasses() {
        // Guards against the rules above passing because they imported nothing.
        classes()
                .that()
                .haveSimpleName("Lane")
                .should()
                .resideInAPackage(ROUTER + ".delivery")
                .check(main);
        classes()
                .that()
                .haveSimpleName("ChatEvent")
                .should()
                .resideInAPackage(ROUTER + ".event")
                .check(main);
    }
}
