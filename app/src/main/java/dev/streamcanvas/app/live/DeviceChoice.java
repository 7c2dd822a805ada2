package dev.streamcanvas.app.live;

/**
 * Where the model runs. CUDA and TENSORRT need the -Pcuda build and an NVIDIA GPU; without them the engine
 * says so and runs on the CPU. The names match the engine's {@code Device}.
 */
public enum DeviceChoice {
    CPU, CUDA, TENSORRT
}
