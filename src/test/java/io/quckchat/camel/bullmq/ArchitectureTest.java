package io.quckchat.camel.bullmq;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The component could be published on its own: it knows nothing of the router. */
class ArchitectureTest {

    private final JavaClasses main = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.quckchat");

    @Test
    void theBullMqComponentDependsOnNothingOfTheRouter() {
        noClasses()
                .that()
                .resideInAPackage("io.quckchat.camel.bullmq..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.quckchat.router..")
                .check(main);
    }

    @Test
    void theRuleSeesTheComponentsClasses() {
        // Guards against the rule above passing because it imported nothing.
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
                .that()
                .haveSimpleName("BullMqClient")
                .should()
                .resideInAPackage("io.quckchat.camel.bullmq")
                .check(main);
    }
}
