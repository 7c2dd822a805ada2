package dev.streamcanvas.engine.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A small PNG decoder (no AWT): non-interlaced images with 8 or 16 bits per channel in grey, grey+alpha, RGB,
 * RGBA, or 8-bit palette (with tRNS transparency). Chunk CRCs are checked. Returns non-premultiplied ARGB.
 */
public final class PngDecoder implements ImageDecoder {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @Override
    public boolean accepts(String fileName) {
        return fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".png");
    }

    @Override
    public Image decode(byte[] file, String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(file);
        for (byte s : SIGNATURE) {
            if (!b.hasRemaining() || b.get() != s) {
                throw new IOException(name + ": not a PNG file (bad signature)");
            }
        }
        int width = 0;
        int height = 0;
        int depth = 0;
        int colorType = -1;
        byte[] palette = null;
        byte[] trns = null;
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        boolean end = false;
        while (!end) {
            if (b.remaining() < 12) {
                throw new IOException(name + ": truncated PNG (no IEND chunk)");
            }
            int len = b.getInt();
            if (len < 0 || len > b.remaining() - 8) {
                throw new IOException(name + ": truncated PNG chunk (length " + len + ")");
            }
            int typeStart = b.position();
            String type = new String(file, typeStart, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            b.position(typeStart + 4);
            byte[] data = new byte[len];
            b.get(data);
            int crc = b.getInt();
            CRC32 c = new CRC32();
            c.update(file, typeStart, 4 + len);
            if ((int) c.getValue() != crc) {
                throw new IOException(name + ": PNG chunk " + type + " has a bad CRC (corrupt file)");
            }
            switch (type) {
                case "IHDR" -> {
                    ByteBuffer h = ByteBuffer.wrap(data);
                    width = h.getInt();
                    height = h.getInt();
                    depth = data[8] & 0xff;
                    colorType = data[9] & 0xff;
                    if (data[12] != 0) {
                        throw new IOException(name + ": interlaced PNG is not supported");
                    }
                    if (depth != 8 && depth != 16) {
                        throw new IOException(name + ": PNG bit depth " + depth + " is not supported (8 or 16)");
                    }
                    if (width <= 0 || height <= 0 || (long) width * height > 1 << 26) {
                        throw new IOException(name + ": unreasonable PNG size " + width + "x" + height);
                    }
                }
                case "PLTE" -> palette = data;
                case "tRNS" -> trns = data;
                case "IDAT" -> idat.write(data);
                case "IEND" -> end = true;
                default -> {
                    // ancillary chunk: ignored
                }
            }
        }
        int channels = switch (colorType) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> throw new IOException(name + ": PNG colour type " + colorType + " is not supported");
        };
        if (colorType == 3 && (palette == null || depth != 8)) {
            throw new IOException(name + ": palette PNG without an 8-bit palette");
        }
        int bpp = channels * depth / 8;
        int stride = width * bpp;
        byte[] raw = new byte[(stride + 1) * height];
        Inflater inf = new Inflater();
        try {
            inf.setInput(idat.toByteArray());
            int got = 0;
            while (got < raw.length && !inf.finished()) {
                int n = inf.inflate(raw, got, raw.length - got);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
                got += n;
            }
            if (got < raw.length) {
                throw new IOException(name + ": PNG image data is truncated (" + got + " of " + raw.length + " bytes)");
            }
        } catch (DataFormatException e) {
            throw new IOException(name + ": PNG image data is corrupt (" + e.getMessage() + ")", e);
        } finally {
            inf.end();
        }
        byte[] cur = new byte[stride];
        byte[] prev = new byte[stride];
        int[] argb = new int[width * height];
        for (int y = 0; y < height; y++) {
            int filter = raw[y * (stride + 1)] & 0xff;
            System.arraycopy(raw, y * (stride + 1) + 1, cur, 0, stride);
            unfilter(filter, cur, prev, bpp, name);
            for (int x = 0; x < width; x++) {
                argb[y * width + x] = pixel(cur, x * bpp, colorType, depth, palette, trns);
            }
            byte[] t = prev;
            prev = cur;
            cur = t;
        }
        return new Image(width, height, argb);
    }

    private static void unfilter(int filter, byte[] cur, byte[] prev, int bpp, String name) throws IOException {
        for (int i = 0; i < cur.length; i++) {
            int a = i >= bpp ? cur[i - bpp] & 0xff : 0;
            int up = prev[i] & 0xff;
            int c = i >= bpp ? prev[i - bpp] & 0xff : 0;
            int add = switch (filter) {
                case 0 -> 0;
                case 1 -> a;
                case 2 -> up;
                case 3 -> (a + up) >>> 1;
                case 4 -> paeth(a, up, c);
                default -> throw new IOException(name + ": unknown PNG filter type " + filter);
            };
            cur[i] = (byte) (cur[i] + add);
        }
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static int pixel(byte[] row, int o, int colorType, int depth, byte[] palette, byte[] trns) {
        int step = depth / 8; // 16-bit: take the high byte
        int r;
        int g;
        int bl;
        int a = 255;
        switch (colorType) {
            case 0 -> {
                r = row[o] & 0xff;
                g = r;
                bl = r;
            }
            case 2 -> {
                r = row[o] & 0xff;
                g = row[o + step] & 0xff;
                bl = row[o + 2 * step] & 0xff;
            }
            case 3 -> {
                int idx = row[o] & 0xff;
                if (3 * idx + 2 >= palette.length) {
                    return 0xff000000;
                }
                r = palette[3 * idx] & 0xff;
                g = palette[3 * idx + 1] & 0xff;
                bl = palette[3 * idx + 2] & 0xff;
                if (trns != null && idx < trns.length) {
                    a = trns[idx] & 0xff;
                }
            }
            case 4 -> {
                r = row[o] & 0xff;
                g = r;
                bl = r;
                a = row[o + step] & 0xff;
            }
            default -> {
                r = row[o] & 0xff;
                g = row[o + step] & 0xff;
                bl = row[o + 2 * step] & 0xff;
                a = row[o + 3 * step] & 0xff;
            }
        }
        return a << 24 | r << 16 | g << 8 | bl;
    }
}
