package dev.gangway.tunnel;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    // Only this module's compiled classes: scanning the whole class path (native jars included) is slow.
    private static final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importLocations(java.util.Set.of(com.tngtech.archunit.core.importer.Location.of(
                    RelayServer.class.getProtectionDomain().getCodeSource().getLocation())));

    @Test
    void theModuleWasImported() {
        org.assertj.core.api.Assertions.assertThat(classes.contain(RelayServer.class)).isTrue();
    }

    @Test
    void tunnelCoreDoesNotDependOnSpring() {
        noClasses().that().resideInAPackage("dev.gangway.tunnel..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                .check(classes);
    }

    @Test
    void tunnelCoreDoesNotDependOnOtherGangwayModules() {
        noClasses().that().resideInAPackage("dev.gangway.tunnel..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.gangway.portal..", "dev.gangway.agent..")
                .check(classes);
    }
}
