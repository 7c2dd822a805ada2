package dev.streamcanvas.app.input;

import dev.streamcanvas.app.concurrent.TaskRunner;
import dev.streamcanvas.app.source.FrameSink;
import dev.streamcanvas.app.source.FrameSource;
import dev.streamcanvas.app.source.SourceKind;
import dev.streamcanvas.app.source.webcam.WebcamInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses and switches the input. Switching stops the old source and starts the new one in a background
 * task (the UI thread never waits on a device); the newest request wins. A source that fails (no camera,
 * busy, unplugged, unreadable file) leads to a message and a switch to the canvas; a lost camera is
 * watched for and taken back when it returns. All methods run on the UI thread.
 */
public final class InputViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(InputViewModel.class);
    static final Duration RECOVERY_PERIOD = Duration.ofSeconds(2);

    private final TaskRunner runner;
    private final SourceFactory factory;
    private final FrameSink sink;

    private final ReadOnlyObjectWrapper<SourceKind> active = new ReadOnlyObjectWrapper<>(this, "active");
    private final ReadOnlyObjectWrapper<SourceKind> requested = new ReadOnlyObjectWrapper<>(this, "requested");
    private final ReadOnlyStringWrapper description = new ReadOnlyStringWrapper(this, "description", "");
    private final StringProperty message = new SimpleStringProperty(this, "message");
    private final ObservableList<WebcamInfo> webcams = FXCollections.observableArrayList();
    private final StringProperty webcam = new SimpleStringProperty(this, "webcam");
    private final StringProperty webcamResolution = new SimpleStringProperty(this, "webcamResolution");
    private final BooleanProperty mirror = new SimpleBooleanProperty(this, "mirror", true);
    private final ObjectProperty<Path> imageFile = new SimpleObjectProperty<>(this, "imageFile");
    private final ObjectProperty<Path> videoFile = new SimpleObjectProperty<>(this, "videoFile");

    private final Object switchLock = new Object();
    private final AtomicLong ticket = new AtomicLong();
    private volatile FrameSource current;
    private SourceRequest running; // what the current source was started with (UI thread)
    private volatile int width;
    private volatile int height;
    private String recovering; // camera name watched for after it was lost, or null
    private TaskRunner.Cancellable recoveryProbe;

    public InputViewModel(TaskRunner runner, SourceFactory factory, FrameSink sink, int width, int height) {
        this.runner = runner;
        this.factory = factory;
        this.sink = sink;
        this.width = width;
        this.height = height;
    }

    /** The source that is running (null before the first switch completes). */
    public ReadOnlyObjectProperty<SourceKind> activeProperty() {
        return active.getReadOnlyProperty();
    }

    /** The source last asked for (the toggle buttons follow it). */
    public ReadOnlyObjectProperty<SourceKind> requestedProperty() {
        return requested.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty descriptionProperty() {
        return description.getReadOnlyProperty();
    }

    /** The latest notice about the input for the user (null when none). */
    public StringProperty messageProperty() {
        return message;
    }

    public ObservableList<WebcamInfo> webcams() {
        return webcams;
    }

    public StringProperty webcamProperty() {
        return webcam;
    }

    public StringProperty webcamResolutionProperty() {
        return webcamResolution;
    }

    public BooleanProperty mirrorProperty() {
        return mirror;
    }

    public ObjectProperty<Path> imageFileProperty() {
        return imageFile;
    }

    public ObjectProperty<Path> videoFileProperty() {
        return videoFile;
    }

    public SourceKind active() {
        return active.get();
    }

    /** Switches to {@code kind} with the current webcam/file choices. */
    public void select(SourceKind kind) {
        stopRecovery();
        switchTo(kind);
    }

    public void useImage(Path file) {
        imageFile.set(file);
        select(SourceKind.IMAGE);
    }

    public void useVideo(Path file) {
        videoFile.set(file);
        select(SourceKind.VIDEO);
    }

    /** Restarts the webcam with the current camera/resolution/mirror choices when it is the active input. */
    public void restartWebcamIfActive() {
        if (requested.get() == SourceKind.WEBCAM && !request(SourceKind.WEBCAM).equals(running)) {
            select(SourceKind.WEBCAM);
        }
    }

    private SourceRequest request(SourceKind kind) {
        Path file = kind == SourceKind.IMAGE ? imageFile.get() : kind == SourceKind.VIDEO ? videoFile.get() : null;
        return new SourceRequest(kind, file, webcam.get(), webcamResolution.get(), mirror.get());
    }

    private void switchTo(SourceKind kind) {
        SourceRequest req = request(kind);
        long my = ticket.incrementAndGet();
        requested.set(kind);
        runner.submit(() -> {
            synchronized (switchLock) {
                if (my != ticket.get()) {
                    return null; // a newer request follows
                }
                FrameSource old = current;
                current = null;
                if (old != null) {
                    old.stop();
                }
                FrameSource s = factory.create(req);
                current = s;
                s.start(sink, this::sourceFailed, width, height);
                return s;
            }
        }, s -> {
            if (s == null || my != ticket.get()) {
                return;
            }
            if (s.kind() == SourceKind.WEBCAM && s.deviceName() != null) {
                webcam.set(s.deviceName());
            }
            running = request(s.kind());
            active.set(s.kind());
            description.set(s.describe());
        }, e -> {
            if (my != ticket.get()) {
                return;
            }
            LOG.info("input {} not started: {}", kind, e.getMessage());
            fallBack(kind, e.getMessage());
        });
    }

    /** Capture thread: a running source failed. */
    private void sourceFailed(FrameSource source, String why, Throwable cause) {
        LOG.warn("{} failed: {}", source.describe(), why, cause);
        runner.onUi(() -> {
            if (source != current) {
                return; // already replaced
            }
            SourceKind kind = source.kind();
            if (kind == SourceKind.WEBCAM && source.deviceName() != null) {
                startRecovery(source.deviceName());
            }
            fallBack(kind, why);
        });
    }

    private void fallBack(SourceKind failed, String why) {
        if (failed == SourceKind.CANVAS) {
            message.set(why);
            return;
        }
        message.set(why + " Switched to the canvas.");
        switchTo(SourceKind.CANVAS);
    }

    private void startRecovery(String name) {
        stopRecovery();
        recovering = name;
        recoveryProbe = runner.schedule(RECOVERY_PERIOD, this::probe);
    }

    private void probe() {
        String name = recovering;
        if (name == null) {
            return;
        }
        runner.submit(factory::listWebcams, cams -> {
            if (!name.equals(recovering)) {
                return;
            }
            boolean back = cams.stream().anyMatch(c -> c.name().equals(name));
            if (back && requested.get() == SourceKind.CANVAS) {
                recovering = null;
                recoveryProbe = null;
                webcams.setAll(cams);
                message.set("Camera \"" + name + "\" is back.");
                webcam.set(name);
                switchTo(SourceKind.WEBCAM);
            } else {
                recoveryProbe = runner.schedule(RECOVERY_PERIOD, this::probe);
            }
        }, e -> recoveryProbe = runner.schedule(RECOVERY_PERIOD, this::probe));
    }

    private void stopRecovery() {
        recovering = null;
        if (recoveryProbe != null) {
            recoveryProbe.cancel();
            recoveryProbe = null;
        }
    }

    /** Lists the cameras in the background; a failure (e.g. missing libv4l-0) becomes the message. */
    public void refreshWebcams() {
        runner.submit(factory::listWebcams, (List<WebcamInfo> cams) -> {
            webcams.setAll(cams);
            if (cams.isEmpty()) {
                message.set("No camera found.");
            } else if (webcam.get() == null || cams.stream().noneMatch(c -> c.name().equals(webcam.get()))) {
                webcam.set(cams.get(0).name());
            }
        }, e -> {
            webcams.clear();
            message.set(e.getMessage());
        });
    }

    /** Frames produced from now on have this size. */
    public void setSize(int width, int height) {
        this.width = width;
        this.height = height;
        FrameSource s = current;
        if (s != null) {
            s.setSize(width, height);
        }
    }

    /** Stops the current input and waits for it (call from a background thread when closing). */
    public void shutdown() {
        ticket.incrementAndGet();
        synchronized (switchLock) {
            FrameSource s = current;
            current = null;
            if (s != null) {
                s.stop();
            }
        }
    }

    /** Cancels the camera watch (UI thread, when closing). */
    public void dispose() {
        stopRecovery();
    }
}
