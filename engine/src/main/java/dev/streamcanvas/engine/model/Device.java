package dev.streamcanvas.engine.model;

/** Where an ONNX graph runs. CUDA and TENSORRT need the {@code -Pcuda} build and an NVIDIA GPU (CUDA 12 + cuDNN 9). */
public enum Device {
    CPU,
    CUDA,
    TENSORRT
}
