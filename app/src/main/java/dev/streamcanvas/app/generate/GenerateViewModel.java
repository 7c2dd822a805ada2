package dev.streamcanvas.app.generate;

import dev.streamcanvas.app.concurrent.Debouncer;
import dev.streamcanvas.app.concurrent.TaskRunner;
import dev.streamcanvas.app.live.DeviceChoice;
import dev.streamcanvas.app.live.GenerationService;
import dev.streamcanvas.app.live.GenerationSettings;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.app.live.ModelInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Generate tab: every control is a property; changes reach the service live, debounced (typing longer
 * than dragging), and only when the settings really changed. Model loading runs in the background; a
 * failure shows the error and the previous model keeps running. UI thread only.
 */
public final class GenerateViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(GenerateViewModel.class);
    public static final Duration TEXT_DELAY = Duration.ofMillis(400);
    public static final Duration CONTROL_DELAY = Duration.ofMillis(120);

    private final TaskRunner runner;
    private final GenerationService service;

    private final StringProperty prompt = new SimpleStringProperty(this, "prompt");
    private final StringProperty negativePrompt = new SimpleStringProperty(this, "negativePrompt");
    private final DoubleProperty strength = new SimpleDoubleProperty(this, "strength");
    private final IntegerProperty steps = new SimpleIntegerProperty(this, "steps");
    private final ObjectProperty<GuidanceMode> guidance = new SimpleObjectProperty<>(this, "guidance");
    private final DoubleProperty gamma = new SimpleDoubleProperty(this, "gamma");
    private final DoubleProperty delta = new SimpleDoubleProperty(this, "delta");
    private final LongProperty seed = new SimpleLongProperty(this, "seed");
    private final BooleanProperty similarityFilter = new SimpleBooleanProperty(this, "similarityFilter");
    private final DoubleProperty similarityThreshold = new SimpleDoubleProperty(this, "similarityThreshold");
    private final BooleanProperty temporal = new SimpleBooleanProperty(this, "temporal");
    private final DoubleProperty temporalStrength = new SimpleDoubleProperty(this, "temporalStrength");
    private final ObjectProperty<Resolution> resolution = new SimpleObjectProperty<>(this, "resolution");
    private final ObjectProperty<DeviceChoice> device = new SimpleObjectProperty<>(this, "device", DeviceChoice.CPU);
    private final ReadOnlyObjectWrapper<ModelInfo> model = new ReadOnlyObjectWrapper<>(this, "model");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper(this, "loading");
    private final StringProperty modelError = new SimpleStringProperty(this, "modelError");
    private final StringProperty settingsError = new SimpleStringProperty(this, "settingsError");

    private final Debouncer textDebouncer;
    private final Debouncer controlDebouncer;
    private GenerationSettings lastSent;
    private boolean revertingDevice;
    private Runnable onApplied = () -> { };

    public GenerateViewModel(TaskRunner runner, GenerationService service, GenerationSettings initial) {
        this.runner = runner;
        this.service = service;
        this.textDebouncer = new Debouncer(runner, TEXT_DELAY, this::apply);
        this.controlDebouncer = new Debouncer(runner, CONTROL_DELAY, this::apply);
        setAll(initial);
        model.set(service.model());
        lastSent = initial;
        // change listeners (not invalidation listeners): they fire on every set, even when nobody reads the value
        prompt.addListener((o, a, b) -> textDebouncer.trigger());
        negativePrompt.addListener((o, a, b) -> textDebouncer.trigger());
        for (javafx.beans.value.ObservableValue<?> p : List.of(strength, steps, guidance, gamma, delta, seed, similarityFilter,
                similarityThreshold, resolution, temporal, temporalStrength)) {
            p.addListener((o, a, b) -> controlDebouncer.trigger());
        }
        device.addListener((o, before, after) -> {
            if (!revertingDevice && after != null && after != before) {
                reloadOn(after, before);
            }
        });
    }

    private void setAll(GenerationSettings s) {
        prompt.set(s.prompt());
        negativePrompt.set(s.negativePrompt());
        strength.set(s.strength());
        steps.set(s.steps());
        guidance.set(s.guidance());
        gamma.set(s.gamma());
        delta.set(s.delta());
        seed.set(s.seed());
        similarityFilter.set(s.similarityFilter());
        similarityThreshold.set(s.similarityThreshold());
        resolution.set(new Resolution(s.width(), s.height()));
        temporal.set(s.temporal());
        temporalStrength.set(s.temporalStrength());
    }

    /** Called after settings were sent to the service (the app saves them then). */
    public void setOnApplied(Runnable onApplied) {
        this.onApplied = onApplied;
    }

    /** The settings the controls show now; throws IllegalArgumentException naming a bad value. */
    public GenerationSettings settings() {
        Resolution r = resolution.get();
        return new GenerationSettings(nz(prompt.get()), nz(negativePrompt.get()), strength.get(), steps.get(), guidance.get(), gamma.get(),
                delta.get(), seed.get(), similarityFilter.get(), similarityThreshold.get(), r.width(), r.height(),
                temporal.get(), temporalStrength.get());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Sends the current settings to the service if they differ from the last ones sent. */
    public void apply() {
        GenerationSettings s;
        try {
            s = settings();
        } catch (IllegalArgumentException e) {
            settingsError.set(e.getMessage());
            return;
        }
        settingsError.set(null);
        if (s.equals(lastSent)) {
            return;
        }
        lastSent = s;
        service.applySettings(s);
        onApplied.run();
    }

    /** Sends pending edits now (e.g. before closing). */
    public void flush() {
        textDebouncer.flush();
        controlDebouncer.flush();
    }

    /** A new random seed. */
    public void newSeed() {
        seed.set(ThreadLocalRandom.current().nextLong(0, 1L << 31));
    }

    /** Loads {@code folder} on the chosen device in the background; the current model stays on failure. */
    public void loadModel(Path folder) {
        load(folder, device.get(), null);
    }

    /**
     * The start-up load: {@code preferred} (the model used last time, may be null) and, when it is missing or
     * fails, the folder {@code fallback} finds in the background (the shipped or placeholder model).
     */
    public void loadAtStart(Path preferred, java.util.concurrent.Callable<Path> fallback) {
        loading.set(true);
        DeviceChoice on = device.get();
        runner.submit(() -> {
            if (preferred != null) {
                try {
                    return service.loadModel(preferred, on).get();
                } catch (ExecutionException e) {
                    LOG.warn("the model used last time ({}) did not load: {}", preferred, e.getCause().getMessage());
                    runnerNotice("The model used last time (" + preferred + ") did not load: " + e.getCause().getMessage());
                }
            }
            try {
                return service.loadModel(fallback.call(), on).get();
            } catch (ExecutionException e) {
                Throwable c = e.getCause() != null ? e.getCause() : e;
                throw c instanceof Exception ? (Exception) c : new IllegalStateException(c.getMessage(), c);
            }
        }, info -> {
            loading.set(false);
            model.set(info);
            LOG.info("model {} loaded on {}", info.name(), info.device());
            if (preferred == null && info.folder() != null) {
                applyRecommended(info.folder());
            }
        }, e -> {
            loading.set(false);
            modelError.set("No model could be loaded (" + e.getMessage() + "); the preview filter runs instead.");
            LOG.warn("no model at start: {}", e.getMessage());
        });
    }

    /**
     * First start with the default model: takes the settings its folder recommends ({@code streamcanvas.json},
     * chosen by the model's evaluation), so the first picture looks as the model card shows. A bad file is
     * reported and ignored.
     */
    private void applyRecommended(Path folder) {
        try {
            dev.streamcanvas.engine.model.RecommendedSettings.read(folder).ifPresent(r -> {
                if (r.prompt() != null) {
                    prompt.set(r.prompt());
                }
                if (r.negativePrompt() != null) {
                    negativePrompt.set(r.negativePrompt());
                }
                if (r.strength() != null) {
                    strength.set(r.strength());
                }
                if (r.steps() != null) {
                    steps.set(r.steps());
                }
                if (r.guidance() != null) {
                    guidance.set(GuidanceMode.valueOf(r.guidance().toUpperCase(java.util.Locale.ROOT)));
                }
                if (r.gamma() != null) {
                    gamma.set(r.gamma());
                }
                LOG.info("applied the settings recommended by {}", folder);
            });
        } catch (dev.streamcanvas.engine.model.ModelLoadException e) {
            LOG.warn("ignoring the recommended settings: {}", e.getMessage());
            modelError.set("The model's recommended settings were ignored: " + e.getMessage());
        }
    }

    private void runnerNotice(String message) {
        runner.onUi(() -> modelError.set(message));
    }

    private void reloadOn(DeviceChoice now, DeviceChoice before) {
        ModelInfo m = model.get();
        if (m == null || m.folder() == null) {
            if (now != DeviceChoice.CPU && !service.devices().contains(now)) {
                modelError.set("Device " + now + " is not available in this build; running on CPU.");
                revert(before);
            }
            return;
        }
        load(m.folder(), now, before);
    }

    private void revert(DeviceChoice before) {
        revertingDevice = true;
        try {
            device.set(before);
        } finally {
            revertingDevice = false;
        }
    }

    private void load(Path folder, DeviceChoice on, DeviceChoice revertTo) {
        loading.set(true);
        modelError.set(null);
        runner.submit(() -> {
            try {
                return service.loadModel(folder, on).get();
            } catch (ExecutionException | CompletionException e) {
                Throwable c = e.getCause() != null ? e.getCause() : e;
                throw c instanceof Exception ? (Exception) c : new IllegalStateException(c.getMessage(), c);
            }
        }, info -> {
            loading.set(false);
            model.set(info);
            LOG.info("model {} loaded on {}", info.name(), info.device());
            onApplied.run();
        }, e -> {
            loading.set(false);
            ModelInfo keep = model.get();
            String kept = keep == null ? "" : " The previous model (" + keep.name() + ") keeps running.";
            modelError.set("Model not loaded: " + e.getMessage() + kept);
            LOG.warn("model {} not loaded: {}", folder, e.getMessage());
            if (revertTo != null) {
                revert(revertTo);
            }
        });
    }

    /** Shows a model that the app loaded itself (e.g. the default model at start). */
    public void setModel(ModelInfo info) {
        model.set(info);
    }

    public StringProperty promptProperty() {
        return prompt;
    }

    public StringProperty negativePromptProperty() {
        return negativePrompt;
    }

    public DoubleProperty strengthProperty() {
        return strength;
    }

    public IntegerProperty stepsProperty() {
        return steps;
    }

    public ObjectProperty<GuidanceMode> guidanceProperty() {
        return guidance;
    }

    public DoubleProperty gammaProperty() {
        return gamma;
    }

    public DoubleProperty deltaProperty() {
        return delta;
    }

    public LongProperty seedProperty() {
        return seed;
    }

    public BooleanProperty similarityFilterProperty() {
        return similarityFilter;
    }

    public DoubleProperty similarityThresholdProperty() {
        return similarityThreshold;
    }

    /** StreamV2V feature bank on/off ("temporal consistency"). */
    public BooleanProperty temporalProperty() {
        return temporal;
    }

    /** Feature-fusion strength of the bank, 0..1. */
    public DoubleProperty temporalStrengthProperty() {
        return temporalStrength;
    }

    public ObjectProperty<Resolution> resolutionProperty() {
        return resolution;
    }

    public ObjectProperty<DeviceChoice> deviceProperty() {
        return device;
    }

    public ReadOnlyObjectProperty<ModelInfo> modelProperty() {
        return model.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    public StringProperty modelErrorProperty() {
        return modelError;
    }

    public StringProperty settingsErrorProperty() {
        return settingsError;
    }

    public void dispose() {
        textDebouncer.cancel();
        controlDebouncer.cancel();
    }
}
