package dev.streamcanvas.engine.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The engine's PNG codec (no AWT). Writes 8-bit greyscale (class masks) and 8-bit RGB (images, overlays).
 * Reads non-interlaced PNGs in every bit depth the standard allows: grey at 1, 2, 4, 8, 16 bits (sub-byte grey
 * scaled to 0..255), grey+alpha, RGB and RGBA at 8 or 16 bits (16-bit keeps the high byte), palette at 1, 2, 4, 8
 * bits (with tRNS transparency); chunk CRCs are checked. Two views of a decoded file:
 * {@link #decode} gives 1 or 3 channel samples (a palette image gives its palette index, as class masks are
 * stored; alpha is dropped), {@link #decodeArgb} gives non-premultiplied ARGB pixels (palette colours, alpha kept).
 */
public final class Png {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** The largest image this codec (and the app) decodes: 64 megapixels. */
    public static final long MAX_PIXELS = 64L * 1024 * 1024;
    private static final long MAX_DEFLATE_RATIO = 1032;

    private Png() {
    }

    /** A decoded image: {@code channels} is 1 (grey or palette index) or 3 (RGB); samples row-major. */
    public record Image(int width, int height, int channels, byte[] samples) {
    }

    /** A decoded image as non-premultiplied ARGB pixels, row-major. */
    public record Argb(int width, int height, int[] argb) {
    }

    /** The file as stored: 8-bit samples of {@code channels} per pixel (1 grey/index, 2 grey+alpha, 3, 4). */
    private record Raw(int width, int height, int colorType, int channels, byte[] px, byte[] palette, byte[] trns) {
    }

    /** Writes an 8-bit greyscale PNG atomically. */
    public static void writeGray(Path file, int width, int height, byte[] gray) throws IOException {
        AtomicFiles.write(file, encode(width, height, 1, gray));
    }

    /** Writes an 8-bit RGB PNG atomically ({@code rgb} holds 3 bytes per pixel). */
    public static void writeRgb(Path file, int width, int height, byte[] rgb) throws IOException {
        AtomicFiles.write(file, encode(width, height, 3, rgb));
    }

    /** Encodes with the "Paeth or sub, whichever is smaller" row filter heuristic. */
    public static byte[] encode(int width, int height, int channels, byte[] samples) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        int stride = width * channels;
        if (samples.length != stride * height) {
            throw new IllegalArgumentException("image " + width + "x" + height + "x" + channels + " needs "
                    + stride * height + " bytes, got " + samples.length);
        }
        byte[] raw = new byte[(stride + 1) * height];
        byte[] cand = new byte[stride];
        for (int y = 0; y < height; y++) {
            long bestCost = Long.MAX_VALUE;
            for (int type = 0; type <= 4; type++) {
                long cost = 0;
                for (int i = 0; i < stride; i++) {
                    int x = samples[y * stride + i] & 0xff;
                    byte r = (byte) (x - predict(type, samples, stride, channels, y, i));
                    cand[i] = r;
                    cost += Math.abs((int) r);
                }
                if (cost < bestCost) {
                    bestCost = cost;
                    raw[y * (stride + 1)] = (byte) type;
                    System.arraycopy(cand, 0, raw, y * (stride + 1) + 1, stride);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
        out.writeBytes(SIGNATURE);
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) (channels == 1 ? 0 : 2))
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater(6);
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream z = new ByteArrayOutputStream(raw.length / 4 + 64);
            byte[] buf = new byte[65536];
            while (!deflater.finished()) {
                int n = deflater.deflate(buf);
                z.write(buf, 0, n);
            }
            chunk(out, "IDAT", z.toByteArray());
        } finally {
            deflater.end();
        }
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** Appends one chunk: length, type, data, CRC-32 of type and data. */
    static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /**
     * The PNG row filter's prediction of byte {@code i} of row {@code y} from its left, upper and upper-left
     * neighbours in the unfiltered image {@code img} ({@code bpp} bytes per pixel); filter types 0..4.
     */
    private static int predict(int type, byte[] img, int stride, int bpp, int y, int i) {
        int a = i >= bpp ? img[y * stride + i - bpp] & 0xff : 0;
        int b = y > 0 ? img[(y - 1) * stride + i] & 0xff : 0;
        int c = y > 0 && i >= bpp ? img[(y - 1) * stride + i - bpp] & 0xff : 0;
        return switch (type) {
            case 0 -> 0;
            case 1 -> a;
            case 2 -> b;
            case 3 -> (a + b) >>> 1;
            default -> paeth(a, b, c);
        };
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /** Reads a PNG file; the message of a failure names the file. */
    public static Image read(Path file) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": file not found", e);
        }
        try {
            return decode(all);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes PNG bytes to grey/palette-index or RGB samples; throws {@link IllegalArgumentException} for an
     * unsupported or broken file.
     */
    public static Image decode(byte[] all) {
        Raw r = decodeRaw(all);
        int n = r.width() * r.height();
        byte[] px = r.px();
        switch (r.channels()) {
            case 1 -> {
                return new Image(r.width(), r.height(), 1, px);
            }
            case 3 -> {
                return new Image(r.width(), r.height(), 3, px);
            }
            case 2 -> {
                byte[] g = new byte[n];
                for (int i = 0; i < n; i++) {
                    g[i] = px[2 * i];
                }
                return new Image(r.width(), r.height(), 1, g);
            }
            default -> {
                byte[] rgb = new byte[3 * n];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(px, 4 * i, rgb, 3 * i, 3);
                }
                return new Image(r.width(), r.height(), 3, rgb);
            }
        }
    }

    /**
     * Decodes PNG bytes to ARGB (palette colours with tRNS alpha; an index past the palette is opaque black);
     * throws {@link IllegalArgumentException} for an unsupported or broken file.
     */
    public static Argb decodeArgb(byte[] all) {
        Raw r = decodeRaw(all);
        int n = r.width() * r.height();
        byte[] px = r.px();
        int[] argb = new int[n];
        for (int i = 0; i < n; i++) {
            int red;
            int g;
            int b;
            int a = 255;
            switch (r.colorType()) {
                case 0 -> {
                    red = px[i] & 0xff;
                    g = red;
                    b = red;
                }
                case 3 -> {
                    int idx = px[i] & 0xff;
                    byte[] pal = r.palette();
                    if (3 * idx + 2 >= pal.length) {
                        argb[i] = 0xff000000;
                        continue;
                    }
                    red = pal[3 * idx] & 0xff;
                    g = pal[3 * idx + 1] & 0xff;
                    b = pal[3 * idx + 2] & 0xff;
                    if (r.trns() != null && idx < r.trns().length) {
                        a = r.trns()[idx] & 0xff;
                    }
                }
                case 4 -> {
                    red = px[2 * i] & 0xff;
                    g = red;
                    b = red;
                    a = px[2 * i + 1] & 0xff;
                }
                case 2 -> {
                    red = px[3 * i] & 0xff;
                    g = px[3 * i + 1] & 0xff;
                    b = px[3 * i + 2] & 0xff;
                }
                default -> {
                    red = px[4 * i] & 0xff;
                    g = px[4 * i + 1] & 0xff;
                    b = px[4 * i + 2] & 0xff;
                    a = px[4 * i + 3] & 0xff;
                }
            }
            argb[i] = a << 24 | red << 16 | g << 8 | b;
        }
        return new Argb(r.width(), r.height(), argb);
    }

    /**
     * Refuses a declared size before anything is allocated for it (a small file can declare a huge image: a
     * decompression bomb); the message names the size and the limit.
     */
    public static void checkDeclaredSize(long width, long height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("bad image size " + width + "x" + height + " (width and height must be"
                    + " positive)");
        }
        if (width * height > MAX_PIXELS) {
            throw new IllegalArgumentException("the image declares " + width + "x" + height + " = " + width * height
                    + " pixels, more than the limit of " + MAX_PIXELS + " (64 megapixels)");
        }
    }

    /** Inflates exactly {@code n} bytes into {@code dst}, or fails saying how far the data went. */
    private static int inflateFully(Inflater inf, byte[] dst, int n, long done, long total) throws DataFormatException {
        int off = 0;
        while (off < n) {
            int k = inf.inflate(dst, off, n - off);
            if (k == 0 && (inf.finished() || inf.needsInput() || inf.needsDictionary())) {
                throw new IllegalArgumentException("image data is truncated (" + (done + off) + " of " + total
                        + " bytes)");
            }
            off += k;
        }
        return n;
    }

    /** Reverses the PNG row filter {@code type} in place on {@code cur}, given the unfiltered previous row. */
    private static void unfilter(int type, byte[] cur, byte[] prev, int bpp, boolean hasPrev) {
        for (int i = 0; i < cur.length; i++) {
            int a = i >= bpp ? cur[i - bpp] & 0xff : 0;
            int b = hasPrev ? prev[i] & 0xff : 0;
            int c = hasPrev && i >= bpp ? prev[i - bpp] & 0xff : 0;
            int p = switch (type) {
                case 0 -> 0;
                case 1 -> a;
                case 2 -> b;
                case 3 -> (a + b) >>> 1;
                default -> paeth(a, b, c);
            };
            cur[i] = (byte) ((cur[i] & 0xff) + p);
        }
    }

    /**
     * Unpacks {@code width} samples of {@code depth} (1, 2 or 4) bits, high bits first, into bytes; grey samples
     * are scaled to 0..255 (a 2-bit 3 becomes 255), palette indices are kept.
     */
    private static void unpack(byte[] row, byte[] dst, int at, int width, int depth, boolean grey) {
        int mask = (1 << depth) - 1;
        int scale = 255 / mask;
        for (int x = 0; x < width; x++) {
            int bit = x * depth;
            int v = (row[bit >> 3] & 0xff) >> (8 - depth - (bit & 7)) & mask;
            dst[at + x] = (byte) (grey ? v * scale : v);
        }
    }

    private static Raw decodeRaw(byte[] all) {
        if (all.length < 8 || !java.util.Arrays.equals(java.util.Arrays.copyOf(all, 8), SIGNATURE)) {
            throw new IllegalArgumentException("not a PNG file (bad signature)");
        }
        ByteBuffer bb = ByteBuffer.wrap(all);
        bb.position(8);
        int width = -1;
        int height = -1;
        int depth = 8;
        int colorType = -1;
        byte[] palette = null;
        byte[] trns = null;
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        while (bb.remaining() >= 12) {
            int len = bb.getInt();
            byte[] t = new byte[4];
            bb.get(t);
            String type = new String(t, StandardCharsets.US_ASCII);
            if (len < 0 || len > bb.remaining() - 4) {
                throw new IllegalArgumentException("truncated chunk " + type);
            }
            byte[] data = new byte[len];
            bb.get(data);
            int crcStored = bb.getInt();
            CRC32 crc = new CRC32();
            crc.update(t);
            crc.update(data);
            if ((int) crc.getValue() != crcStored) {
                throw new IllegalArgumentException("CRC mismatch in chunk " + type + " (corrupt file)");
            }
            switch (type) {
                case "IHDR" -> {
                    if (len < 13) {
                        throw new IllegalArgumentException("IHDR chunk too short (" + len + " bytes, expected 13)");
                    }
                    ByteBuffer h = ByteBuffer.wrap(data);
                    width = h.getInt();
                    height = h.getInt();
                    depth = data[8] & 0xff;
                    colorType = data[9] & 0xff;
                    int interlace = data[12] & 0xff;
                    if (colorType != 0 && colorType != 2 && colorType != 3 && colorType != 4 && colorType != 6) {
                        throw new IllegalArgumentException("colour type " + colorType + " is not supported");
                    }
                    int[] allowed = switch (colorType) {
                        case 0 -> new int[] {1, 2, 4, 8, 16};
                        case 3 -> new int[] {1, 2, 4, 8};
                        default -> new int[] {8, 16};
                    };
                    int declared = depth;
                    if (java.util.Arrays.stream(allowed).noneMatch(d -> d == declared)) {
                        throw new IllegalArgumentException("bit depth " + depth + " is not allowed for colour type "
                                + colorType + " (the PNG standard allows " + java.util.Arrays.toString(allowed) + ")");
                    }
                    if (interlace != 0) {
                        throw new IllegalArgumentException("interlaced PNGs are not supported");
                    }
                    checkDeclaredSize(width, height);
                }
                case "PLTE" -> palette = data;
                case "tRNS" -> trns = data;
                case "IDAT" -> idat.writeBytes(data);
                default -> {
                    // ancillary chunks are ignored
                }
            }
            if (type.equals("IEND")) {
                break;
            }
        }
        if (width < 0) {
            throw new IllegalArgumentException("missing IHDR chunk");
        }
        if (colorType == 3 && palette == null) {
            throw new IllegalArgumentException("palette image without a PLTE chunk");
        }
        int channels = switch (colorType) {
            case 0, 3 -> 1;
            case 4 -> 2;
            case 2 -> 3;
            default -> 4;
        };
        int bpp = Math.max(1, channels * depth / 8); // the filters' byte distance: 1 for sub-byte samples
        int stride = (int) (((long) width * channels * depth + 7) / 8);
        long rawBytes = (stride + 1L) * height;
        if (rawBytes > (long) idat.size() * MAX_DEFLATE_RATIO + 1024) {
            // deflate cannot expand more than about 1032:1, so the data cannot hold the declared image
            throw new IllegalArgumentException("image data is truncated: " + width + "x" + height + " needs "
                    + rawBytes + " bytes after decompression, but " + idat.size() + " compressed bytes cannot hold them");
        }
        // rows are inflated and unfiltered one at a time: only the 8-bit result is held in full
        int outStride = width * channels;
        byte[] px = new byte[outStride * height];
        byte[] prev = new byte[stride];
        byte[] cur = new byte[stride];
        byte[] filter = new byte[1];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(idat.toByteArray());
            long done = 0;
            for (int y = 0; y < height; y++) {
                done += inflateFully(inflater, filter, 1, done, rawBytes);
                done += inflateFully(inflater, cur, stride, done, rawBytes);
                int type = filter[0] & 0xff;
                if (type > 4) {
                    throw new IllegalArgumentException("bad row filter " + type + " in row " + y);
                }
                unfilter(type, cur, prev, bpp, y > 0);
                if (depth == 16) { // keep the high (first, big-endian) byte of each sample
                    for (int i = 0; i < outStride; i++) {
                        px[y * outStride + i] = cur[2 * i];
                    }
                } else if (depth < 8) { // one sample (grey or index) per pixel, packed from the high bits
                    unpack(cur, px, y * outStride, width, depth, colorType == 0);
                } else {
                    System.arraycopy(cur, 0, px, y * outStride, stride);
                }
                byte[] t = prev;
                prev = cur;
                cur = t;
            }
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("corrupt image data: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        return new Raw(width, height, colorType, channels, px, palette, trns);
    }
}
