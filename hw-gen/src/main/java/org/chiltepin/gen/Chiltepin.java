package org.chiltepin.gen;

import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code chiltepin}: generate Chiltepin's blocks as Verilog and verify them against the golden
 * models. Exit codes: 0 success / PASS, 1 FAIL (or a failed check), 2 invalid command line,
 * configuration or output path, 3 hardware description error, 130 interrupted (Ctrl-C).
 */
@Command(name = "chiltepin", mixinStandardHelpOptions = true, versionProvider = Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "Chiltepin: a Java-hosted generator for a small LLM-inference accelerator.",
        footer = {"", "Exit codes: 0 success, 1 check failed, 2 invalid command line, configuration or output path,",
                "3 HDL error, 130 interrupted (Ctrl-C)."})
public final class Chiltepin implements Runnable {
    /** Every block the CLI can generate. */
    static final List<BlockKind<?>> BLOCKS = List.of(ArrayKind.INSTANCE, GemmKind.INSTANCE, NocKind.INSTANCE, KvCacheKind.INSTANCE, ChipKind.INSTANCE, VectorKind.INSTANCE);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        Cli.watchInterrupts();
        System.exit(Cli.commandLine().execute(args));
    }
}
