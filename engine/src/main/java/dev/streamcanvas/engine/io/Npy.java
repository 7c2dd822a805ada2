package dev.streamcanvas.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0–3.0, C order, little- or big-endian
 * float32, float64, float16, int32 and int64), so tensors can be exchanged with Python pipelines.
 * Writes are atomic (see {@link AtomicFiles}).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** Element types this class reads and writes. */
    public enum DType {
        FLOAT16("f", 2), FLOAT32("f", 4), FLOAT64("f", 8), INT32("i", 4), INT64("i", 8);

        final String kind;
        final int size;

        DType(String kind, int size) {
            this.kind = kind;
            this.size = size;
        }

        /** The type of a header's kind letter and byte count, both as written (the count is not parsed: any digits may stand there). */
        static DType of(String kind, String size, Path file) throws NpyFormatException {
            for (DType t : values()) {
                if (t.kind.equals(kind) && Integer.toString(t.size).equals(size)) {
                    return t;
                }
            }
            throw new NpyFormatException(file + ": unsupported dtype '" + kind + size
                    + "' (expected one of f2, f4, f8, i4, i8)");
        }
    }

    /** A loaded array: its shape, element type and the values widened to double (exact for all supported types but int64 above 2^53). */
    public record Array(long[] shape, DType dtype, double[] values, long[] longValues) {
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** The values as float32 (rounding float64). */
        public float[] toFloats() {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return f;
        }

        public String shapeString() {
            return Arrays.toString(shape);
        }
    }

    /** Raised for a file that is not a readable {@code .npy}; the message names the file. */
    public static final class NpyFormatException extends IOException {
        public NpyFormatException(String message) {
            super(message);
        }
    }

    /** The most elements a file may hold (they are widened to doubles in memory: 2 GiB). */
    public static final long MAX_ELEMENTS = 1L << 28;

    public static Array read(Path file) throws IOException {
        byte[] all;
        try {
            long size = Files.size(file);
            if (size > MAX_ELEMENTS * 8 + 65536) {
                throw new NpyFormatException(file + ": the file is " + size + " bytes, more than the limit of "
                        + MAX_ELEMENTS + " elements can need");
            }
            all = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new NpyFormatException(file + ": file not found");
        }
        if (all.length < 10 || !Arrays.equals(Arrays.copyOf(all, 6), MAGIC)) {
            throw new NpyFormatException(file + ": not a .npy file (missing \\x93NUMPY magic)");
        }
        int major = all[6] & 0xff;
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int offset;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            offset = 10;
        } else if (major == 2 || major == 3) {
            if (all.length < 12) {
                throw new NpyFormatException(file + ": truncated header");
            }
            headerLen = bb.getInt(8);
            offset = 12;
        } else {
            throw new NpyFormatException(file + ": unsupported .npy version " + major);
        }
        if (headerLen < 0 || (long) offset + headerLen > all.length) { // long: a huge length must not wrap
            throw new NpyFormatException(file + ": truncated header");
        }
        String header = new String(all, offset, headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new NpyFormatException(file + ": malformed header " + header.trim());
        }
        if (f.group(1).equals("True")) {
            throw new NpyFormatException(file + ": Fortran-order arrays are not supported (save with np.ascontiguousarray)");
        }
        DType dtype = DType.of(d.group(2), d.group(3), file);
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                long dim;
                try {
                    dim = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                } catch (NumberFormatException e) {
                    throw new NpyFormatException(file + ": shape entry '" + p + "' is not an integer (header "
                            + header.trim() + ")");
                }
                if (dim < 0) {
                    throw new NpyFormatException(file + ": shape (" + s.group(1) + ") has a negative dimension");
                }
                dims.add(dim);
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        for (long dim : shape) {
            if (dim != 0 && n > MAX_ELEMENTS / dim) { // also keeps the products below from overflowing
                throw new NpyFormatException(file + ": shape " + Arrays.toString(shape) + " holds more than the limit"
                        + " of " + MAX_ELEMENTS + " elements");
            }
            n *= dim;
        }
        int dataStart = offset + headerLen;
        long expected = n * dtype.size;
        if (all.length - dataStart != expected) {
            throw new NpyFormatException(file + ": shape " + Arrays.toString(shape) + " of " + dtype
                    + " needs " + expected + " data bytes, found " + (all.length - dataStart));
        }
        ByteBuffer data = ByteBuffer.wrap(all, dataStart, (int) expected).slice().order(order);
        double[] values = new double[(int) n];
        long[] longs = dtype == DType.INT64 ? new long[(int) n] : null;
        for (int i = 0; i < n; i++) {
            switch (dtype) {
                case FLOAT16 -> values[i] = Half.toFloat(data.getShort(i * 2));
                case FLOAT32 -> values[i] = data.getFloat(i * 4);
                case FLOAT64 -> values[i] = data.getDouble(i * 8);
                case INT32 -> values[i] = data.getInt(i * 4);
                case INT64 -> {
                    longs[i] = data.getLong(i * 8);
                    values[i] = longs[i];
                }
                default -> throw new IllegalStateException();
            }
        }
        return new Array(shape, dtype, values, longs);
    }

    public static void writeFloats(Path file, float[] values, long... shape) throws IOException {
        checkSize(values.length, shape);
        ByteBuffer b = body(DType.FLOAT32, shape, values.length);
        for (float v : values) {
            b.putFloat(v);
        }
        AtomicFiles.write(file, b.array());
    }

    public static void writeLongs(Path file, long[] values, long... shape) throws IOException {
        checkSize(values.length, shape);
        ByteBuffer b = body(DType.INT64, shape, values.length);
        for (long v : values) {
            b.putLong(v);
        }
        AtomicFiles.write(file, b.array());
    }

    private static void checkSize(int n, long[] shape) {
        long p = 1;
        for (long d : shape) {
            p *= d;
        }
        if (p != n) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + p + " values, got " + n);
        }
    }

    private static ByteBuffer body(DType dtype, long[] shape, int n) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 1);
        }
        String dict = String.format(Locale.ROOT, "{'descr': '<%s%d', 'fortran_order': False, 'shape': (%s), }",
                dtype.kind, dtype.size, shape.length == 0 ? "" : dims.toString().replaceAll(" $", ""));
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + n * dtype.size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        return b;
    }
}
