package dev.streamcanvas.app.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version from the jar manifest (falls back to "dev" in a source checkout). */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = StreamCanvasCommand.class.getPackage().getImplementationVersion();
        return new String[] {"streamcanvas " + (v == null ? "dev" : v)};
    }
}
