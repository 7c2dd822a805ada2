package dev.streamcanvas.app.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the tEXt chunks of a PNG by walking its chunk list (independent of ImageIO). */
public final class PngChunks {
    private PngChunks() {
    }

    public static Map<String, String> text(Path png) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream raw = Files.newInputStream(png); DataInputStream in = new DataInputStream(raw)) {
            byte[] sig = in.readNBytes(8);
            byte[] expected = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
            if (!java.util.Arrays.equals(sig, expected)) {
                throw new IOException(png + " is not a PNG");
            }
            while (true) {
                int len = in.readInt();
                String type = new String(in.readNBytes(4), StandardCharsets.US_ASCII);
                byte[] data = in.readNBytes(len);
                in.readInt(); // crc
                if (type.equals("tEXt")) {
                    int zero = 0;
                    while (data[zero] != 0) {
                        zero++;
                    }
                    out.put(new String(data, 0, zero, StandardCharsets.ISO_8859_1),
                            new String(data, zero + 1, data.length - zero - 1, StandardCharsets.ISO_8859_1));
                }
                if (type.equals("IEND")) {
                    return out;
                }
            }
        }
    }
}
