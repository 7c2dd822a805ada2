package dev.streamcanvas.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private final JavaClasses engine = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.streamcanvas.engine");

    @Test
    void engineNeverUsesAUiToolkit() {
        noClasses().that().resideInAPackage("dev.streamcanvas.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "java.awt..", "javax.swing..")
                .because("the engine is plain Java; only the app may touch a UI toolkit")
                .check(engine);
    }

    @Test
    void engineNeverDependsOnTheApp() {
        noClasses().that().resideInAPackage("dev.streamcanvas.engine..")
                .should().dependOnClassesThat().resideInAPackage("dev.streamcanvas.app..")
                .check(engine);
    }

    @Test
    void engineDoesNotPrintToTheConsole() {
        noClasses().that().resideInAPackage("dev.streamcanvas.engine..")
                .and().resideOutsideOfPackage("dev.streamcanvas.engine.onnx.proto..")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .because("library code logs through SLF4J")
                .check(engine);
    }
}
