package dev.streamcanvas.app.settings;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.streamcanvas.app.live.DeviceChoice;
import dev.streamcanvas.app.live.GenerationSettings;
import dev.streamcanvas.engine.stream.GuidanceMode;
import dev.streamcanvas.app.source.SourceKind;

/**
 * The persisted settings document (settings.json). Fields missing from the file keep these defaults;
 * unknown fields are ignored so that older and newer versions can read each other's files.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class AppSettings {
    public int version = 1;
    // generation
    public String prompt;
    public String negativePrompt;
    public double strength;
    public int steps;
    public GuidanceMode guidance;
    public double gamma;
    public double delta;
    public long seed;
    public boolean similarityFilter;
    public double similarityThreshold;
    public int width;
    public int height;
    public boolean temporal;
    public double temporalStrength = GenerationSettings.DEFAULT_TEMPORAL_STRENGTH;
    // model
    public String modelFolder;
    public DeviceChoice device = DeviceChoice.CPU;
    // input
    public SourceKind source = SourceKind.CANVAS;
    public String webcam;
    public String webcamResolution;
    public boolean mirror = true;
    public String imageFile;
    public String videoFile;
    // canvas brush
    public double brushSize = 24;
    public String brushColor = "#1e3a8a";
    public double brushOpacity = 1.0;
    // window
    public boolean outputOnly;
    public double windowWidth = 1280;
    public double windowHeight = 800;

    public AppSettings() {
        setGeneration(GenerationSettings.defaults());
    }

    public void setGeneration(GenerationSettings g) {
        prompt = g.prompt();
        negativePrompt = g.negativePrompt();
        strength = g.strength();
        steps = g.steps();
        guidance = g.guidance();
        gamma = g.gamma();
        delta = g.delta();
        seed = g.seed();
        temporal = g.temporal();
        temporalStrength = g.temporalStrength();
        similarityFilter = g.similarityFilter();
        similarityThreshold = g.similarityThreshold();
        width = g.width();
        height = g.height();
    }

    /** The generation part; throws IllegalArgumentException naming the first invalid field. */
    public GenerationSettings generation() {
        return new GenerationSettings(prompt == null ? "" : prompt, negativePrompt == null ? "" : negativePrompt, strength, steps,
                guidance == null ? GuidanceMode.SELF : guidance, gamma, delta, seed, similarityFilter, similarityThreshold, width, height,
                temporal, temporalStrength);
    }
}
