package dev.streamcanvas.engine.train;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Test data: a tiny PNG encoder (filter 0 or 1 per row) and a synthetic "coloured shapes" captioned set. */
final class TestImages {
    private TestImages() {
    }

    /** Encodes RGBA (colorType 6) or RGB (2) 8-bit pixels given as ARGB ints. */
    static byte[] png(int w, int h, int[] argb, boolean alpha) throws IOException {
        int bpp = alpha ? 4 : 3;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int y = 0; y < h; y++) {
            int filter = y % 2; // alternate None and Sub filters
            raw.write(filter);
            int[] prev = new int[bpp];
            for (int x = 0; x < w; x++) {
                int p = argb[y * w + x];
                int[] c = alpha ? new int[] {(p >> 16) & 255, (p >> 8) & 255, p & 255, p >>> 24}
                        : new int[] {(p >> 16) & 255, (p >> 8) & 255, p & 255};
                for (int k = 0; k < bpp; k++) {
                    raw.write(filter == 1 ? (c[k] - prev[k]) & 255 : c[k]);
                }
                prev = c;
            }
        }
        Deflater d = new Deflater();
        d.setInput(raw.toByteArray());
        d.finish();
        byte[] buf = new byte[raw.size() + 1024];
        int len = d.deflate(buf);
        d.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream ih = new DataOutputStream(ihdr);
        ih.writeInt(w);
        ih.writeInt(h);
        ih.write(new byte[] {8, (byte) (alpha ? 6 : 2), 0, 0, 0});
        chunk(out, "IHDR", ihdr.toByteArray());
        chunk(out, "IDAT", java.util.Arrays.copyOf(buf, len));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream o = new DataOutputStream(out);
        o.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.ISO_8859_1);
        o.write(t);
        o.write(data);
        CRC32 c = new CRC32();
        c.update(t);
        c.update(data);
        o.writeInt((int) c.getValue());
    }

    /** n images [3, s, s] in [-1, 1] of a coloured disc or square on white, captioned "red disc" etc. */
    static ImageFolder shapes(int n, int s, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        String[] colours = {"red", "green", "blue"};
        float[][] rgb = {{1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}};
        List<float[]> imgs = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(3);
            boolean disc = r.nextBoolean();
            double cx = s * (0.3 + 0.4 * r.nextDouble());
            double cy = s * (0.3 + 0.4 * r.nextDouble());
            double rad = s * (0.15 + 0.1 * r.nextDouble());
            float[] img = new float[3 * s * s];
            java.util.Arrays.fill(img, 1f);
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    double dx = x + 0.5 - cx;
                    double dy = y + 0.5 - cy;
                    boolean in = disc ? dx * dx + dy * dy < rad * rad : Math.abs(dx) < rad && Math.abs(dy) < rad;
                    if (in) {
                        for (int k = 0; k < 3; k++) {
                            img[(k * s + y) * s + x] = rgb[c][k];
                        }
                    }
                }
            }
            imgs.add(img);
            caps.add(colours[c] + (disc ? " disc" : " square"));
        }
        return ImageFolder.of(s, imgs, caps);
    }
}
