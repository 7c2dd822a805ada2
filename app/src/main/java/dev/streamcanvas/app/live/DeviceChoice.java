package dev.streamcanvas.app.live;

/** Where the model runs. CUDA needs the -Pcuda build and an NVIDIA GPU; otherwise loading explains and uses CPU. */
public enum DeviceChoice {
    CPU, CUDA
}
