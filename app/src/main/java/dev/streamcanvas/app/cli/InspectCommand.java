package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.model.ModelFolder;
import dev.streamcanvas.engine.onnx.TensorInfo;
import dev.streamcanvas.engine.onnx.OnnxFormatException;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.onnx.OnnxSummary;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streamcanvas inspect PATH}: the signature, size and opset of one ONNX file, or of every graph of a
 * model folder plus the contract verdict. Exit codes: 0 fine, 1 the folder does not meet the contract,
 * 2 the file cannot be read.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show the inputs/outputs (name, type, shape), parameter count and size, and opset of an ONNX "
                + "model file, or of every graph in a diffusers/optimum model folder, and whether the folder meets "
                + "the model contract (and exactly why not).",
            "Exit code: 0 OK, 1 the folder does not meet the contract, 2 the file cannot be read."})
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL_DIR_OR_FILE", description = "A model folder or one .onnx file.")
    Path path;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (Files.isDirectory(path)) {
            ModelFolder.Report report = ModelFolder.check(path);
            out.println("Model folder " + report.dir());
            for (ModelFolder.Component c : report.components().values()) {
                out.println();
                printGraph(out, c.name() + "/" + c.file().getFileName(), c.summary());
            }
            out.println();
            if (report.ok()) {
                out.println("Contract: OK" + report.contract().map(InspectCommand::describe).orElse(""));
                out.flush();
                return 0;
            }
            out.println("Contract: FAILED");
            for (String p : report.problems()) {
                out.println("  - " + p);
            }
            out.flush();
            return 1;
        }
        try {
            OnnxSummary s = OnnxSummary.of(OnnxModelFile.read(path), path);
            printGraph(out, path.toString(), s);
            out.flush();
            return 0;
        } catch (OnnxFormatException e) {
            err.println("Cannot inspect " + e.getMessage());
            err.flush();
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("Cannot inspect " + path + ": " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private static String describe(ModelFolder.Contract c) {
        return " (L=" + dim(c.seqLen()) + ", D=" + dim(c.textDim()) + ", input_ids " + c.idsType().label()
                + ", timestep " + c.timestepType().label() + (c.timestepScalar() ? " []" : " [B]")
                + (c.timestepCondDim() != 0 ? ", timestep_cond [B, " + dim(c.timestepCondDim()) + "]" : "")
                + ", unet " + c.unetFloat().label() + ", VAE " + c.vaeOutput() + ", f=" + dim(c.vaeFactor())
                + ", image " + dim(c.imageWidth()) + "x" + dim(c.imageHeight()) + ")";
    }

    private static String dim(long v) {
        return v < 0 ? "?" : Long.toString(v);
    }

    static void printGraph(PrintWriter out, String title, OnnxSummary s) {
        out.println("== " + title + " ==");
        String opsets = s.opsets().entrySet().stream()
                .map(e -> (e.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + " " + e.getValue())
                .collect(Collectors.joining(", "));
        out.println("  opset " + opsets + " (IR " + s.irVersion() + ")"
                + (s.producer().isEmpty() ? "" : ", producer " + s.producer()));
        out.println("  parameters " + String.format("%,d", s.parameterCount()) + " (" + bytes(s.initializerBytes())
                + ") in " + s.initializerCount() + " initializers"
                + (s.externalDataFiles().isEmpty() ? "" : "; external data: " + String.join(", ", s.externalDataFiles())));
        out.println("  " + s.nodeCount() + " nodes: " + s.opCounts().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        List<TensorInfo> all = new java.util.ArrayList<>(s.inputs());
        all.addAll(s.outputs());
        int nameWidth = Math.max(4, all.stream().mapToInt(t -> t.name().length()).max().orElse(4));
        int typeWidth = Math.max(4, all.stream().mapToInt(t -> t.type().label().length()).max().orElse(4));
        String row = "    %-7s  %-" + nameWidth + "s  %-" + typeWidth + "s  %s";
        out.println(String.format(row, "", "NAME", "TYPE", "SHAPE"));
        for (TensorInfo t : s.inputs()) {
            out.println(String.format(row, "input", t.name(), t.type().label(), t.shapeString()));
        }
        for (TensorInfo t : s.outputs()) {
            out.println(String.format(row, "output", t.name(), t.type().label(), t.shapeString()));
        }
    }

    static String bytes(long b) {
        String[] units = {"B", "KiB", "MiB", "GiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? b + " B" : String.format("%.1f %s", v, units[u]);
    }
}
