package dev.streamcanvas.app.source.webcam;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebcamCatalogTest {
    @Test
    void missingNativeLibraryOnLinuxNamesTheDebianPackage() {
        String os = System.getProperty("os.name");
        try {
            System.setProperty("os.name", "Linux");
            RuntimeException wrapped = new RuntimeException("Library 'OpenIMAJGrabber' was not loaded successfully",
                    new UnsatisfiedLinkError("libv4l2.so.0: cannot open shared object file"));

            assertThat(WebcamCatalog.explain(wrapped)).contains("libv4l-0").contains("apt-get install libv4l-0");
        } finally {
            System.setProperty("os.name", os);
        }
    }

    @Test
    void otherFailuresKeepTheirOwnMessage() {
        String os = System.getProperty("os.name");
        try {
            System.setProperty("os.name", "Windows 11");
            assertThat(WebcamCatalog.explain(new IllegalStateException("driver exploded"))).contains("driver exploded")
                    .doesNotContain("libv4l");
        } finally {
            System.setProperty("os.name", os);
        }
    }
}
