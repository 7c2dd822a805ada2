package dev.streamcanvas.app.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamcanvas.app.live.DeviceChoice;
import dev.streamcanvas.app.live.GenerationSettings;
import dev.streamcanvas.app.testing.FakeGenerationService;
import dev.streamcanvas.app.testing.ManualTaskRunner;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GenerateViewModelTest {
    private final ManualTaskRunner runner = new ManualTaskRunner();
    private final FakeGenerationService service = new FakeGenerationService();
    private final GenerateViewModel vm = new GenerateViewModel(runner, service, GenerationSettings.defaults());

    @Test
    void promptChangeReachesTheServiceOnceAfterTheDebounce() {
        for (String typed : new String[] {"a", "a c", "a ca", "a cat"}) {
            vm.promptProperty().set(typed);
            runner.advance(Duration.ofMillis(100)); // faster than the debounce: nothing sent yet
        }
        assertThat(service.applied).isEmpty();

        runner.advance(GenerateViewModel.TEXT_DELAY);

        assertThat(service.applied).hasSize(1);
        assertThat(service.applied.get(0).prompt()).isEqualTo("a cat");
        runner.advance(Duration.ofSeconds(5));
        assertThat(service.applied).hasSize(1);
    }

    @Test
    void sliderDragIsCoalescedAndAppliedLive() {
        for (int i = 1; i <= 10; i++) {
            vm.strengthProperty().set(i / 10.0);
        }
        vm.stepsProperty().set(3);
        runner.advance(GenerateViewModel.CONTROL_DELAY);

        assertThat(service.applied).hasSize(1);
        assertThat(service.applied.get(0).strength()).isEqualTo(1.0);
        assertThat(service.applied.get(0).steps()).isEqualTo(3);
    }

    @Test
    void temporalConsistencyToggleAndStrengthReachTheServiceAndTheEngineSettings() {
        vm.temporalProperty().set(true);
        vm.temporalStrengthProperty().set(0.35);
        runner.advance(GenerateViewModel.CONTROL_DELAY);

        assertThat(service.applied).hasSize(1);
        GenerationSettings sent = service.applied.get(0);
        assertThat(sent.temporal()).isTrue();
        assertThat(sent.temporalStrength()).isEqualTo(0.35);
        dev.streamcanvas.engine.v2v.BankSettings bank =
                dev.streamcanvas.app.live.StreamEngineServiceAccess.toEngine(sent).temporal();
        assertThat(bank.enabled()).isTrue();
        assertThat(bank.fusionStrength()).isEqualTo(0.35f);
        assertThat(bank.interval()).isEqualTo(dev.streamcanvas.engine.v2v.BankSettings.DEFAULT_INTERVAL);
    }

    @Test
    void editThatEndsWhereItStartedSendsNothing() {
        String before = vm.promptProperty().get();
        vm.promptProperty().set("something else");
        vm.promptProperty().set(before);
        runner.advance(Duration.ofSeconds(1));

        assertThat(service.applied).isEmpty();
    }

    @Test
    void modelLoadFailureKeepsTheOldModelAndShowsTheError() {
        Path good = Path.of("/models/good");
        Path bad = Path.of("/models/bad");
        service.failures.put(bad, "unet/model.onnx: expected input 'sample' [B,4,h,w], found 'x' [B,3,H,W]");
        vm.loadModel(good);
        assertThat(vm.modelProperty().get().name()).isEqualTo("good");

        vm.loadModel(bad);

        assertThat(vm.modelProperty().get().folder()).isEqualTo(good);
        assertThat(service.model().folder()).isEqualTo(good);
        assertThat(vm.modelErrorProperty().get())
                .contains("unet/model.onnx")
                .contains("expected input 'sample'")
                .contains("previous model (good) keeps running");
        assertThat(vm.loadingProperty().get()).isFalse();
    }

    @Test
    void successfulLoadClearsAnEarlierError() {
        Path bad = Path.of("/models/bad");
        service.failures.put(bad, "model_index.json is missing");
        vm.loadModel(bad);
        assertThat(vm.modelErrorProperty().get()).contains("model_index.json is missing");

        vm.loadModel(Path.of("/models/other"));

        assertThat(vm.modelErrorProperty().get()).isNull();
        assertThat(vm.modelProperty().get().name()).isEqualTo("other");
    }

    @Test
    void deviceChangeThatFailsToLoadFallsBackToThePreviousDevice() {
        Path folder = Path.of("/models/initial");
        vm.loadModel(folder);
        service.failures.put(folder, "CUDA is not available: no GPU found");

        vm.deviceProperty().set(DeviceChoice.CUDA);

        assertThat(vm.deviceProperty().get()).isEqualTo(DeviceChoice.CPU);
        assertThat(vm.modelErrorProperty().get()).contains("no GPU found");
        assertThat(vm.modelProperty().get().device()).isEqualTo("CPU");
    }

    @Test
    void startUpFallsBackToTheDefaultModelWhenTheLastOneFails() {
        Path last = Path.of("/models/deleted");
        service.failures.put(last, "/models/deleted/model_index.json: missing");

        vm.loadAtStart(last, () -> Path.of("/data/placeholder-model"));
        runner.runUi();

        assertThat(vm.modelProperty().get().name()).isEqualTo("placeholder-model");
        assertThat(vm.modelErrorProperty().get()).contains("/models/deleted").contains("did not load");
    }

    @Test
    void startUpWithoutAnyLoadableModelSaysThePreviewRuns() {
        Path fallback = Path.of("/data/placeholder-model");
        service.failures.put(fallback, "onnxruntime native library not found");

        vm.loadAtStart(null, () -> fallback);

        assertThat(vm.modelProperty().get().name()).isEqualTo("initial");
        assertThat(vm.modelErrorProperty().get()).contains("onnxruntime native library not found").contains("preview filter");
    }

    @Test
    void invalidResolutionIsNotSentButShown() {
        vm.resolutionProperty().set(new Resolution(500, 500)); // not a multiple of 8
        runner.advance(Duration.ofSeconds(1));

        assertThat(service.applied).isEmpty();
        assertThat(vm.settingsErrorProperty().get()).contains("multiple of 8").contains("500x500");
    }
}
