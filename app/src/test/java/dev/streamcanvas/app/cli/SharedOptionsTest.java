package dev.streamcanvas.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;

class SharedOptionsTest {
    @Test
    void everyDocumentedOptionOfEveryCommandHasAHelpText() {
        List<String> missing = new ArrayList<>();
        collect(CliOptionsTest.root(), missing);
        assertThat(missing).as("options without a description").isEmpty();
    }

    private static void collect(CommandLine cl, List<String> missing) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            for (OptionSpec o : sub.getCommandSpec().options()) {
                String text = String.join(" ", o.description());
                if (!o.hidden() && text.isBlank()) {
                    missing.add(sub.getCommandSpec().qualifiedName() + " " + o.longestName());
                }
            }
            collect(sub, missing);
        }
    }

    @Test
    void theSharedSeedOptionTakesEachCommandsOwnDefaultAndText() {
        CommandLine.ParseResult train = CliOptionsTest.root().parseArgs("train", "--data", "d", "--out", "o").subcommand();
        assertThat((Long) train.commandSpec().findOption("--seed").getValue()).isEqualTo(1234L);
        CommandLine.ParseResult eval = CliOptionsTest.root().parseArgs("evaluate", "--model", "m", "--classifier", "c",
                "--data", "d", "--out", "o").subcommand();
        assertThat((Long) eval.commandSpec().findOption("--seed").getValue()).isEqualTo(2L);
        CommandLine.ParseResult given = CliOptionsTest.root().parseArgs("train", "--data", "d", "--out", "o", "--seed", "7")
                .subcommand();
        assertThat((Long) given.commandSpec().findOption("--seed").getValue()).isEqualTo(7L);
        assertThat(String.join(" ", train.commandSpec().findOption("--seed").description())).contains("data order");
        assertThat(String.join(" ", eval.commandSpec().findOption("--seed").description())).contains("First seed");
    }

    @Test
    void theSharedOutFolderKeepsEachCommandsOwnHelpText() {
        CommandLine cl = CliOptionsTest.root();
        assertThat(String.join(" ", cl.getSubcommands().get("train").getCommandSpec().findOption("--out").description()))
                .contains("checkpoint");
        assertThat(String.join(" ", cl.getSubcommands().get("classifier").getCommandSpec().findOption("--out").description()))
                .contains("classifier.bin");
        assertThat(cl.getSubcommands().get("calib").getSubcommands().get("bench").getCommandSpec().findOption("--out")
                .required()).isTrue();
    }

    @Command(name = "nodefault", defaultValueProvider = SharedOptions.Defaults.class)
    static final class NoDefault implements Callable<Integer> {
        @Mixin
        SharedOptions.Seed seedOption;

        @Override
        public Integer call() {
            return 0;
        }
    }

    @Command(name = "streamcanvas", resourceBundle = SharedOptions.BUNDLE, subcommands = NoDefault.class)
    static final class Root {
    }

    @Test
    void aCommandWhoseSharedSeedHasNoDefaultInTheBundleFailsNamingTheKey() {
        assertThatThrownBy(() -> new CommandLine(new Root()).parseArgs("nodefault"))
                .hasStackTraceContaining("streamcanvas.nodefault.seed.default");
    }
}
