package dev.streamcanvas.app.cli;

import dev.streamcanvas.engine.model.ModelFolder;
import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import dev.streamcanvas.engine.onnx.OnnxModelFile;
import dev.streamcanvas.engine.v2v.AttentionUnetFixture;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code streamcanvas fixture --out DIR ...}: writes a fixture model folder in the model contract. */
@Command(name = "fixture", defaultValueProvider = SharedOptions.Defaults.class, mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write a small model folder in the diffusers/optimum ONNX layout (text encoder, unet, VAE "
                + "encoder/decoder, CLIP tokenizer, LCM scheduler config) with analytic (closed-form) or random weights, "
                + "in any signature variant real exports use.")
public final class FixtureCommand implements Callable<Integer> {
    @Mixin
    SharedOptions.OutputFolder outFolder;

    @Option(names = "--size", paramLabel = "WxH", description = "Image size (default: ${DEFAULT-VALUE}).",
            defaultValue = "64x64", converter = Size.Converter.class)
    Size size;

    @Option(names = "--vae-factor", paramLabel = "8|4", description = "VAE down-sampling factor (default: ${DEFAULT-VALUE}).",
            defaultValue = "8")
    int vaeFactor;

    @Option(names = "--text-dim", paramLabel = "D", description = "Text embedding width (default: ${DEFAULT-VALUE}).",
            defaultValue = "32")
    int textDim;

    @Option(names = "--seq-len", paramLabel = "L", description = "Token sequence length (default: ${DEFAULT-VALUE}).",
            defaultValue = "16")
    int seqLen;

    @Option(names = "--ids", paramLabel = "int32|int64", description = "input_ids type (default: ${DEFAULT-VALUE}).",
            defaultValue = "int32")
    String ids;

    @Option(names = "--timestep", paramLabel = "int64|float|float-scalar",
            description = "unet timestep: int64 [B], float [B] or float scalar [] (default: ${DEFAULT-VALUE}).",
            defaultValue = "int64")
    String timestep;

    @Option(names = "--vae-output", paramLabel = "sample|parameters",
            description = "VAE encoder output latent_sample [B,4,h,w] or latent_parameters [B,8,h,w] (default: ${DEFAULT-VALUE}).",
            defaultValue = "sample")
    String vaeOutput;

    @Option(names = "--timestep-cond", paramLabel = "N", description = "Add unet input timestep_cond [B,N] (0 = none, LCM uses 256; default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int timestepCond;

    @Option(names = "--fp16", description = "Float16 inputs and outputs in every graph.")
    boolean fp16;

    @Option(names = "--weights", paramLabel = "analytic|random", description = "Closed-form or seeded random weights (default: ${DEFAULT-VALUE}).",
            defaultValue = "analytic")
    String weights;

    @Option(names = "--width", paramLabel = "C", description = "Hidden width of the random graphs (default: ${DEFAULT-VALUE}).",
            defaultValue = "32")
    int channels;

    @Mixin
    SharedOptions.Seed seedOption;

    @Option(names = "--padding", paramLabel = "sd1|sd2", description = "Tokenizer pad token: sd1 = <|endoftext|>, sd2 = ! (default: ${DEFAULT-VALUE}).",
            defaultValue = "sd1")
    String padding;

    @Option(names = "--external-data", description = "Store weights of 1 KiB or more in model.onnx_data (optimum layout).")
    boolean externalData;

    @Option(names = "--attention", paramLabel = "classic|sdpa",
            description = "Replace the UNet by a small one with self- and cross-attention in the pattern torch.onnx "
                    + "writes for diffusers (classic or PyTorch 2 SDPA), for trying the StreamV2V feature bank.")
    String attention;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        FixtureSpec fs = toSpec();
        if (attention != null && !attention.equalsIgnoreCase("classic") && !attention.equalsIgnoreCase("sdpa")) {
            throw bad("--attention must be classic or sdpa, got '" + attention + "'");
        }
        if (java.nio.file.Files.exists(outFolder.out) && !java.nio.file.Files.isDirectory(outFolder.out)) {
            spec.commandLine().getErr().println("fixture: --out " + outFolder.out + " is an existing file, not a folder");
            spec.commandLine().getErr().flush();
            return 2;
        }
        FixtureGenerator.write(outFolder.out, fs);
        if (attention != null) {
            // batch, height and width stay symbolic; opset 17, the width of --width
            OnnxModelFile.write(AttentionUnetFixture.build(attention.equalsIgnoreCase("sdpa"), false, true, 1, 8, fs.seed(),
                    17, Math.max(2, fs.channels() / 2 * 2), fs.seqLen(), fs.textDim()), outFolder.out.resolve("unet/model.onnx"));
        }
        PrintWriter pw = spec.commandLine().getOut();
        ModelFolder.Report report = ModelFolder.check(outFolder.out);
        pw.println("Wrote " + fs.weights().name().toLowerCase(java.util.Locale.ROOT) + " fixture " + report.dir() + " ("
                + fs.width() + "x" + fs.height() + ", f=" + fs.vaeFactor() + ", D=" + fs.textDim() + ", L=" + fs.seqLen()
                + (fs.precision() == FixtureSpec.Precision.FP16 ? ", fp16" : ", fp32") + ")");
        if (!report.ok()) {
            pw.println("but it does not meet the contract: " + String.join("; ", report.problems()));
            pw.flush();
            return 1;
        }
        pw.flush();
        return 0;
    }

    FixtureSpec toSpec() {
        int w = size.width();
        int h = size.height();
        FixtureSpec.Ids idsType = switch (ids.toLowerCase(java.util.Locale.ROOT)) {
            case "int32" -> FixtureSpec.Ids.INT32;
            case "int64" -> FixtureSpec.Ids.INT64;
            default -> throw bad("--ids must be int32 or int64, got '" + ids + "'");
        };
        FixtureSpec.Timestep ts = switch (timestep.toLowerCase(java.util.Locale.ROOT)) {
            case "int64" -> FixtureSpec.Timestep.INT64;
            case "float" -> FixtureSpec.Timestep.FLOAT;
            case "float-scalar" -> FixtureSpec.Timestep.FLOAT_SCALAR;
            default -> throw bad("--timestep must be int64, float or float-scalar, got '" + timestep + "'");
        };
        FixtureSpec.VaeOutput vo = switch (vaeOutput.toLowerCase(java.util.Locale.ROOT)) {
            case "sample", "latent_sample" -> FixtureSpec.VaeOutput.LATENT_SAMPLE;
            case "parameters", "latent_parameters" -> FixtureSpec.VaeOutput.LATENT_PARAMETERS;
            default -> throw bad("--vae-output must be sample or parameters, got '" + vaeOutput + "'");
        };
        FixtureSpec.Weights wt = switch (weights.toLowerCase(java.util.Locale.ROOT)) {
            case "analytic" -> FixtureSpec.Weights.ANALYTIC;
            case "random" -> FixtureSpec.Weights.RANDOM;
            default -> throw bad("--weights must be analytic or random, got '" + weights + "'");
        };
        FixtureSpec.Padding pad = switch (padding.toLowerCase(java.util.Locale.ROOT)) {
            case "sd1" -> FixtureSpec.Padding.SD1;
            case "sd2" -> FixtureSpec.Padding.SD2;
            default -> throw bad("--padding must be sd1 or sd2, got '" + padding + "'");
        };
        try {
            return new FixtureSpec(w, h, vaeFactor, textDim, seqLen, idsType, ts, vo, timestepCond,
                    fp16 ? FixtureSpec.Precision.FP16 : FixtureSpec.Precision.FP32, wt, channels, seedOption.seed, pad,
                    externalData);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
