package dev.streamcanvas.engine.stream;

import dev.streamcanvas.engine.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** The fixed noise of the stream slots, drawn once: [rows, C, h, w] standard normal values. */
public final class NoiseBank {
    private NoiseBank() {
    }

    /**
     * Seeded standard-normal noise ({@link Random#nextGaussian()}, whose algorithm the JDK specifies, so the same
     * seed gives the same bank on every machine).
     */
    public static float[] seeded(long seed, int rows, int channels, int h, int w) {
        float[] v = new float[rows * channels * h * w];
        Random r = new Random(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /**
     * Loads a bank from a {@code .npy} file of shape [rows, C, h, w] (a leading 1 may be omitted when rows = 1).
     *
     * @throws IOException naming the file and the expected versus found shape, or the first non-finite value
     */
    public static float[] load(Path file, int rows, int channels, int h, int w) throws IOException {
        Npy.Array a = Npy.read(file);
        long[] expected = {rows, channels, h, w};
        long[] shape = a.shape();
        boolean ok = Arrays.equals(shape, expected)
                || (rows == 1 && Arrays.equals(shape, new long[] {channels, h, w}));
        if (!ok) {
            throw new IOException(file + ": noise shape " + Arrays.toString(shape) + " does not fit, expected "
                    + Arrays.toString(expected) + " (slots x frames, latent channels, latent height, latent width)");
        }
        float[] v = a.toFloats();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new IOException(file + ": noise value " + i + " of " + v.length + " is " + v[i]
                        + " (a noise bank must hold finite numbers)");
            }
        }
        return v;
    }
}
