package dev.streamcanvas.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesThePreviousContentAndNoTemporaryFile() throws Exception {
        Path f = dir.resolve("settings.json");
        AtomicFiles.write(f, "old".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readString(f)).isEqualTo("old");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }

    @Test
    void createsMissingFoldersAndReplacesContent() throws Exception {
        Path f = dir.resolve("a/b/c.txt");
        AtomicFiles.write(f, "1".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(f, "2".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(f)).isEqualTo("2");
    }

    @Test
    void newFilesAreWorldReadableAndReplacedFilesKeepTheirPermissions() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "POSIX permissions only");
        Path f = dir.resolve("curves.png");
        AtomicFiles.write(f, new byte[] {1});
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-r--r--");
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        AtomicFiles.write(f, new byte[] {2});
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-rw----");
    }
}
