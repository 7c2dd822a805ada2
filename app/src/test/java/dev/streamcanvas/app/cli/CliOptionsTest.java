package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.streamcanvas.engine.onnx.FixtureGenerator;
import dev.streamcanvas.engine.onnx.FixtureSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Every option that {@code --help} documents, on every command, given on a command line and parsed by picocli as
 * {@code Main} sets it up. A value that picocli cannot bind to its field (e.g. an array field taken as a repeated
 * option: "argument type mismatch") fails here instead of in a user's hands.
 */
class CliOptionsTest {
    @TempDir
    static Path tmp;

    /** Values for options whose text a type alone does not determine (by "command option", then option name). */
    private static final Map<String, String> VALUES = Map.ofEntries(Map.entry("train --size", "64"),
            Map.entry("distill --size", "64"), Map.entry("classifier --size", "64"), Map.entry("distill --guidance", "3"),
            Map.entry("--size", "64x64"), Map.entry("--t-index", "20,45"), Map.entry("--sizes", "64,128"),
            Map.entry("--dims", "3072,4096"), Map.entry("--init-error", "5,20"), Map.entry("--speeds", "5,10"),
            Map.entry("--classes", "car,road"), Map.entry("--noise", "none"), Map.entry("--quantize", "fp16"),
            Map.entry("--data", "smooth"), Map.entry("--ids", "int64"), Map.entry("--timestep", "float"),
            Map.entry("--vae-output", "parameters"), Map.entry("--weights", "random"), Map.entry("--padding", "sd2"),
            Map.entry("--assign", "exact"), Map.entry("--compare", "fp16"), Map.entry("--init", "calib"),
            Map.entry("--ablations", "all"), Map.entry("--overlay-frame", "000003"), Map.entry("--device", "cpu"),
            Map.entry("--guidance", "full"));

    static CommandLine root() {
        return new CommandLine(new StreamCanvasCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** One case per (command path, documented option). */
    static Stream<Object[]> options() {
        List<Object[]> cases = new ArrayList<>();
        collect(root(), List.of(), cases);
        return cases.stream();
    }

    private static void collect(CommandLine cl, List<String> path, List<Object[]> into) {
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (!o.usageHelp() && !o.versionHelp() && !o.hidden()) {
                    into.add(new Object[] {String.join(" ", p), o.longestName()});
                }
            }
            collect(e.getValue(), p, into);
            // inspect documents only its MODEL_DIR_OR_FILE parameter
        }
    }

    @Test
    void everyCommandHasDocumentedOptionsUnderTest() {
        List<String> commands = options().map(c -> (String) c[0]).distinct().toList();
        assertThat(commands).contains("fixture", "render", "bench", "assign", "train", "calib synth",
                "calib solve", "calib bench");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("options")
    void optionParsesAsAUserWouldGiveIt(String command, String option) throws Exception {
        CommandLine cl = root();
        CommandLine sub = cl;
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        for (String name : command.split(" ")) {
            sub = sub.getSubcommands().get(name);
        }
        CommandSpec spec = sub.getCommandSpec();
        OptionSpec target = spec.findOption(option);
        args.add(target.longestName());
        args.addAll(valueOf(command, target));
        for (OptionSpec o : spec.options()) {
            if (o.required() && o != target && o.group() == null) {
                args.add(o.longestName());
                args.addAll(valueOf(command, o));
            }
        }
        for (ArgGroupSpec g : spec.argGroups()) { // a required group gets one member unless the target is in it
            if (g.multiplicity().min() > 0 && !g.options().contains(target)) {
                OptionSpec first = g.options().iterator().next();
                args.add(first.longestName());
                args.addAll(valueOf(command, first));
            }
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            args.add(tmp.resolve("model").toString());
        }
        String[] argv = args.toArray(String[]::new);

        assertThatCode(() -> cl.parseArgs(argv)).as(String.join(" ", argv)).doesNotThrowAnyException();
        CommandLine.ParseResult pr = cl.parseArgs(argv);
        while (pr.hasSubcommand()) {
            pr = pr.subcommand();
        }
        assertThat(pr.hasMatchedOption(option)).as(String.join(" ", argv)).isTrue();
    }

    /** A valid value for option {@code o} of {@code command}, as the user types it (none for a flag). */
    private static List<String> valueOf(String command, OptionSpec o) {
        if (o.arity().max() == 0) {
            return List.of();
        }
        String v = VALUES.getOrDefault(command + " " + o.longestName(), VALUES.get(o.longestName()));
        if (v != null) {
            return List.of(v);
        }
        Class<?> t = o.type();
        if (t == Path.class) {
            return List.of(tmp.resolve("x").toString());
        }
        if (t == boolean.class || t == Boolean.class) {
            return List.of("true");
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            return List.of("3");
        }
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            return List.of("0.5");
        }
        if (t.isEnum()) {
            return List.of(t.getEnumConstants()[0].toString().toLowerCase(Locale.ROOT));
        }
        if (Collection.class.isAssignableFrom(t) || t.isArray()) {
            return List.of("3");
        }
        return List.of("text");
    }

    @Test
    void renderAtAGivenSizeWritesFramesOfThatSize() throws Exception {
        Path model = tmp.resolve("fixture64");
        FixtureGenerator.write(model, FixtureSpec.defaults()); // 64 x 64, symbolic unet size
        Path out = tmp.resolve("render64");
        StringWriter err = new StringWriter();
        CommandLine cl = root();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int code = cl.execute("render", "--model", model.toString(), "--txt2img", "--size", "64x64", "--frames", "1",
                "--out", out.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(javax.imageio.ImageIO.read(out.resolve("frame_00000.png").toFile()).getWidth()).isEqualTo(64);
    }

    @Test
    void benchAtAGivenSizeReportsThatSize() throws Exception {
        Path model = tmp.resolve("fixture16");
        FixtureGenerator.write(model, FixtureSpec.defaults().withSize(16, 16).withText(8, 10));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = root();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(out, true));
        int code = cl.execute("bench", "--model", model.toString(), "--size", "16x16", "--frames", "1", "--warmup",
                "0", "--steps", "1");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("16x16");
    }
}
