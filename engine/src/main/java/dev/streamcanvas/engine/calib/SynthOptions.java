package dev.streamcanvas.engine.calib;

import java.util.Arrays;

/**
 * Settings of a synthetic KITTI-like sequence.
 *
 * @param seed          scene, speed and noise seed
 * @param frames        number of frames (each at its own place along the street)
 * @param timeOffsetMs  true time offset t_lidar - t_camera
 * @param speeds        ego speed per frame (m/s); null: about a third stopped, the rest spread over 5-20 m/s
 * @param noise         segmentation / LIDAR / flow noise ({@link Noise#NONE} for clean data)
 * @param imageScale    1 for KITTI's 1242x375 camera; smaller for quick tests
 * @param beams         LIDAR beams spread over +2 to -24.8 degrees elevation (HDL-64E: 64)
 * @param azimuthStepDeg horizontal angle between LIDAR firings (HDL-64E at 10 Hz: about 0.17)
 * @param initRotDeg    rotation error of the initial guess written to calib.txt (random axis)
 * @param initTransCm   translation error of the initial guess (random direction)
 */
public record SynthOptions(long seed, int frames, double timeOffsetMs, double[] speeds, Noise noise,
        double imageScale, int beams, double azimuthStepDeg, double initRotDeg, double initTransCm) {

    public SynthOptions {
        if (frames < 1) {
            throw new IllegalArgumentException("frames must be at least 1, got " + frames);
        }
        if (!Double.isFinite(timeOffsetMs) || Math.abs(timeOffsetMs) > 1000) {
            throw new IllegalArgumentException("time offset must be within +-1000 ms, got " + timeOffsetMs);
        }
        if (speeds != null) {
            if (speeds.length != frames) {
                throw new IllegalArgumentException(speeds.length + " speeds given for " + frames + " frames");
            }
            for (double s : speeds) {
                if (!(s >= 0 && s <= 60)) {
                    throw new IllegalArgumentException("speeds must lie in [0, 60] m/s, got " + s);
                }
            }
            speeds = speeds.clone();
        }
        if (noise == null) {
            noise = Noise.NONE;
        }
        if (!(imageScale > 0.05 && imageScale <= 2)) {
            throw new IllegalArgumentException("image scale must lie in (0.05, 2], got " + imageScale);
        }
        if (beams < 2 || beams > 256) {
            throw new IllegalArgumentException("beams must lie in [2, 256], got " + beams);
        }
        if (!(azimuthStepDeg > 0.01 && azimuthStepDeg < 5)) {
            throw new IllegalArgumentException("azimuth step must lie in (0.01, 5) degrees, got " + azimuthStepDeg);
        }
        if (!(initRotDeg >= 0 && initRotDeg <= 30) || !(initTransCm >= 0 && initTransCm <= 200)) {
            throw new IllegalArgumentException("initial error must lie in [0, 30] degrees and [0, 200] cm");
        }
    }

    @Override
    public double[] speeds() {
        return speeds == null ? null : speeds.clone();
    }

    /** Full-size KITTI-like defaults: 12 frames, 64 beams, 0.17 degree firings, initial guess 5 degrees / 20 cm off. */
    public static SynthOptions defaults(long seed, double timeOffsetMs) {
        return new SynthOptions(seed, 12, timeOffsetMs, null, Noise.NONE, 1.0, 64, 0.17, 5, 20);
    }

    public SynthOptions withNoise(Noise n) {
        return new SynthOptions(seed, frames, timeOffsetMs, speeds, n, imageScale, beams, azimuthStepDeg, initRotDeg,
                initTransCm);
    }

    public SynthOptions withFrames(int k, double[] speedList) {
        return new SynthOptions(seed, k, timeOffsetMs, speedList, noise, imageScale, beams, azimuthStepDeg,
                initRotDeg, initTransCm);
    }

    public SynthOptions withSize(double scale, int beamCount, double azStep) {
        return new SynthOptions(seed, frames, timeOffsetMs, speeds, noise, scale, beamCount, azStep, initRotDeg,
                initTransCm);
    }

    /** The speed of each frame: as given, or the default profile drawn from the seed. */
    public double[] speedProfile() {
        if (speeds != null) {
            return speeds.clone();
        }
        double[] s = new double[frames];
        int stopped = frames < 3 ? 0 : Math.max(1, Math.round(frames / 3f));
        int moving = frames - stopped;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed * 7919 + 17);
        for (int i = 0; i < moving; i++) {
            double base = moving == 1 ? 12 : 5 + 15.0 * i / (moving - 1);
            s[stopped + i] = Math.min(20, Math.max(5, base + rnd.nextDouble(-1, 1)));
        }
        // shuffle the moving frames so speed does not grow along the street
        for (int i = frames - 1; i > stopped; i--) {
            int j = stopped + rnd.nextInt(i - stopped + 1);
            double t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }

    /**
     * Noise of the synthetic sensors.
     *
     * @param maskWarpPx    amplitude of a smooth random displacement of the class mask (boundary errors), pixels
     * @param maskEdgeFlip  probability that a pixel on a class boundary takes its neighbour's class
     * @param labelBleed    probability that a LIDAR point next to a class change along its ring takes the other class
     * @param labelFlip     probability that a point gets a random other class
     * @param rangeSigmaM   Gaussian range noise, metres
     * @param flowRelSigma  smooth relative error of the pixel velocities (0.05 = 5 %)
     */
    public record Noise(double maskWarpPx, double maskEdgeFlip, double labelBleed, double labelFlip,
            double rangeSigmaM, double flowRelSigma) {
        public static final Noise NONE = new Noise(0, 0, 0, 0, 0, 0);

        public Noise {
            double[] all = {maskWarpPx, maskEdgeFlip, labelBleed, labelFlip, rangeSigmaM, flowRelSigma};
            for (double v : all) {
                if (!(v >= 0) || !Double.isFinite(v)) {
                    throw new IllegalArgumentException("noise levels must be finite and >= 0, got " + Arrays.toString(all));
                }
            }
            if (maskEdgeFlip > 1 || labelBleed > 1 || labelFlip > 1) {
                throw new IllegalArgumentException("noise probabilities must be <= 1, got " + Arrays.toString(all));
            }
        }

        /** What a good segmenter and an HDL-64 give: 2 px boundary wobble, edge bleeding, 2 cm range noise, 5 % flow error. */
        public static Noise realistic() {
            return new Noise(2.0, 0.25, 0.3, 0.01, 0.02, 0.05);
        }

        public boolean isNone() {
            return equals(NONE);
        }
    }
}
