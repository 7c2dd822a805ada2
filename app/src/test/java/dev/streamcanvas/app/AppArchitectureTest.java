package dev.streamcanvas.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Layering rules of the app; each was seen failing on a deliberate violation before it was committed. */
class AppArchitectureTest {
    private final JavaClasses app = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.streamcanvas.app");

    @Test
    void theCommandLineUsesNoJavaFx() {
        noClasses().that().resideInAPackage("dev.streamcanvas.app.cli..")
                .should().dependOnClassesThat().resideInAPackage("javafx..")
                .because("the headless commands run without a display or the JavaFX toolkit")
                .check(app);
    }

    @Test
    void viewModelsUseNoControlsLayoutsOrWindows() {
        noClasses().that().haveSimpleNameEndingWith("ViewModel")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene.control..", "javafx.scene.layout..",
                        "javafx.stage..", "javafx.fxml..", "javafx.scene.canvas..")
                .because("a view-model holds properties and calls services; the view owns the controls (MVVM), so"
                        + " view-model tests need no toolkit")
                .check(app);
    }
}
