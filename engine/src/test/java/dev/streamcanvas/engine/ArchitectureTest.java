package dev.streamcanvas.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.streamcanvas.engine.v2v.BankSettings;
import org.junit.jupiter.api.Test;

/**
 * Layering rules of the engine. Each rule was seen failing on a deliberate violation before it was committed; a
 * rule that only the compiler could break (the engine depending on the app, which is not on its class path) is
 * not here.
 */
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
    void engineDoesNotPrintToTheConsole() {
        noClasses().that().resideInAPackage("dev.streamcanvas.engine..")
                .and().resideOutsideOfPackage("dev.streamcanvas.engine.onnx.proto..")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .because("library code logs through SLF4J")
                .check(engine);
    }

    @Test
    void enginePackagesHaveNoDependencyCycle() {
        slices().matching("dev.streamcanvas.engine.(*)..")
                .should().beFreeOfCycles()
                .because("the arrows between engine packages go one way (onnx <- model -> stream, assign <- train)")
                .check(engine);
    }

    @Test
    void streamTalksToModelsOnlyThroughItsOwnInterfaces() {
        noClasses().that().resideInAPackage("dev.streamcanvas.engine.stream..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.streamcanvas.engine.model..",
                        "dev.streamcanvas.engine.onnx..", "ai.onnxruntime..", "ai.djl..")
                .because("the stream pipeline sees a model only through StreamModel, Denoiser, LatentCodec and"
                        + " PromptEncoder, so a fake or a new backend can stand in")
                .check(engine);
    }

    @Test
    void streamSeesTheFeatureBankOnlyAsSettings() {
        noClasses().that().resideInAPackage("dev.streamcanvas.engine.stream..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.streamcanvas.engine.v2v..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.equivalentTo(BankSettings.class))))
                .because("StreamV2V's bank (ONNX Runtime tensors) lives behind the Denoiser, which takes only its"
                        + " BankSettings (Denoiser.temporal)")
                .check(engine);
    }

    @Test
    void assignmentIsPlainJavaWithoutTheTrainer() {
        noClasses().that().resideInAPackage("dev.streamcanvas.engine.assign..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "dev.streamcanvas.engine.train..")
                .because("Immiscible Diffusion's noise assignment is reusable without DJL or the micro trainer")
                .check(engine);
    }
}
