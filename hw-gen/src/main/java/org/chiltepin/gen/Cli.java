package org.chiltepin.gen;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.chiltepin.hdl.HdlException;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.verif.llm.ModelFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** Shared CLI plumbing: error handling, defaults, tool versions. */
final class Cli {
    /** Exit code for a bad configuration or command line. */
    static final int USAGE = 2;
    /** Exit code after Ctrl-C (SIGINT), as shells report it: 128 + 2. */
    static final int INTERRUPTED = 130;

    /** Set when the process is being stopped (Ctrl-C, SIGTERM): errors after that are its consequence. */
    static volatile boolean interrupted;

    /**
     * In the real CLI process only: Ctrl-C (SIGINT) is noted at once, then the JVM shuts down
     * with exit 130 (shutdown hooks remove staging folders, regress writes its partial report);
     * SIGTERM and the like are noted as they shut down.
     */
    static void watchInterrupts() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> interrupted = true));
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
                interrupted = true;
                System.exit(INTERRUPTED);
            });
        } catch (IllegalArgumentException e) {
            // no SIGINT here: the JVM's default handling stays
        }
    }

    /**
     * Whether the process is being interrupted. A tool that Ctrl-C stopped can fail a moment
     * before the JVM hears of the signal: an error gets that moment before it is reported.
     */
    static boolean interruptedAfterError() {
        for (int i = 0; i < 10 && !interrupted; i++) {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
        return interrupted;
    }

    private Cli() {
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "BLOCK",
            description = "Emit Verilog and manifest.json for a block.")
    static final class Generate {
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "BLOCK",
            description = "Co-simulate a block against its golden model and print the verdict.")
    static final class Verify {
    }

    @Command(name = "bench", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "BLOCK",
            description = "Measure a block's figure of merit; print a table and write CSV.")
    static final class Bench {
    }

    @Command(name = "fpga", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
            description = "Build the board top for an FPGA board (docs/fpga.md).")
    static final class Fpga {
    }

    @Command(name = "host", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "COMMAND",
            description = "Talk to a board (or its simulation) over the UART host protocol (docs/fpga.md).")
    static final class Host {
    }

    @Command(name = "golden", mixinStandardHelpOptions = true, synopsisSubcommandLabel = "BLOCK",
            description = "Write a block's test vectors (inputs and the golden model's outputs) as JSON.")
    static final class Golden {
    }

    @Command(name = "presets", mixinStandardHelpOptions = true, description = "List every block's named configurations.")
    static final class Presets implements Runnable {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            var o = spec.commandLine().getOut();
            for (BlockKind<?> kind : Chiltepin.BLOCKS) {
                kind.presets().forEach((name, c) -> o.printf("%-8s %-10s %s%n", kind.name(), name, describe(kind, c)));
            }
            o.flush();
        }

        @SuppressWarnings("unchecked")
        private static <C extends Record> String describe(BlockKind<C> kind, Object c) {
            return kind.describe((C) c) + "  " + ConfigLoader.toJson((C) c);
        }
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Chiltepin());
        CommandLine generate = new CommandLine(new Generate());
        CommandLine verify = new CommandLine(new Verify());
        CommandLine bench = new CommandLine(new Bench());
        CommandLine golden = new CommandLine(new Golden());
        // One generic command per verb serves every block; the block's hooks supply the rest.
        for (BlockKind<?> kind : Chiltepin.BLOCKS) {
            generate.addSubcommand(kind.name(), GenerateCommand.of(kind));
            if (kind.verifier() != null) {
                verify.addSubcommand(kind.name(), VerifyCommand.of(kind));
            }
            if (kind.benchmark() != null) {
                bench.addSubcommand(kind.name(), BenchCommand.of(kind));
            }
            if (kind.golden() != null) {
                golden.addSubcommand(kind.name(), GoldenCommand.of(kind));
            }
        }
        // Not a block: the language model's benchmark.
        bench.addSubcommand("llama", new BenchLlamaCommand());
        cl.addSubcommand("generate", generate);
        cl.addSubcommand("verify", verify);
        cl.addSubcommand("bench", bench);
        cl.addSubcommand("golden", golden);
        cl.addSubcommand("regress", new RegressCommand());
        cl.addSubcommand("mutate", new MutateCommand());
        cl.addSubcommand("presets", new Presets());
        cl.addSubcommand("names", new NamesCommand());
        CommandLine fpga = new CommandLine(new Fpga());
        fpga.addSubcommand("build", new FpgaBuildCommand());
        cl.addSubcommand("fpga", fpga);
        CommandLine host = new CommandLine(new Host());
        host.addSubcommand("gemm", new HostGemmCommand());
        cl.addSubcommand("host", host);
        cl.addSubcommand("run", RunCommand.commandLine());
        summaries(cl);
        return handlers(cl);
    }

    /**
     * A command line from {@code command}'s own annotations, then each mixin in order (null ones
     * left out), so the help lists the options in that order. A mixin's option group is added as
     * a group only: picocli's addMixin would list its options twice.
     */
    static CommandLine assemble(Object command, Object... mixins) {
        CommandSpec s = CommandSpec.forAnnotatedObject(command);
        int i = 0;
        for (Object m : mixins) {
            if (m == null) {
                continue;
            }
            CommandSpec mixin = CommandSpec.forAnnotatedObjectLenient(m);
            if (mixin.argGroups().isEmpty()) {
                s.addMixin("options" + i++, mixin);
            } else {
                mixin.argGroups().forEach(s::addArgGroup);
            }
        }
        return new CommandLine(s);
    }

    /**
     * Every command's list of subcommands shows each one's first sentence (picocli shows the
     * first line of the description, which may stop mid-sentence).
     */
    static void summaries(CommandLine cl) {
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, help -> {
            if (help.subcommands().isEmpty()) {
                return "";
            }
            Map<String, String> rows = new LinkedHashMap<>();
            help.subcommands().forEach((name, sub) -> rows.put(name, summary(sub.commandSpec())));
            return help.createTextTable(rows).toString();
        });
        cl.getSubcommands().values().forEach(Cli::summaries);
    }

    /** The first sentence of a command's description (or its header, when it has one). */
    static String summary(CommandSpec command) {
        String[] lines = command.usageMessage().header().length > 0 ? command.usageMessage().header()
                : command.usageMessage().description();
        String text = String.join(" ", lines).strip();
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }

    /**
     * The CLI's error handling on {@code cl}: a bad option or configuration is one line and exit
     * 2, an HDL error exit 3, never a stack trace for either.
     */
    static CommandLine handlers(CommandLine cl) {
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("chiltepin: error: " + ex.getMessage()
                    + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, command, parsed) -> {
            var err = command.getErr();
            if (ex instanceof ConfigException) {
                err.println("chiltepin: invalid configuration: " + ex.getMessage());
                return USAGE;
            }
            if (ex instanceof ModelFileException) {
                err.println("chiltepin: invalid model: " + ex.getMessage());
                return USAGE;
            }
            if (!(ex instanceof ConfigException) && !(ex instanceof ModelFileException) && interruptedAfterError()) {
                // Ctrl-C also stops the tools we run; their failure is not the news.
                err.println("chiltepin: interrupted");
                return INTERRUPTED;
            }
            java.nio.file.FileSystemException fs = ex instanceof java.nio.file.FileSystemException f ? f
                    : ex instanceof java.io.UncheckedIOException u && u.getCause() instanceof java.nio.file.FileSystemException f2
                    ? f2 : null;
            if (fs != null) {
                err.println("chiltepin: cannot write or read " + fs.getFile()
                        + (fs.getReason() != null ? ": " + fs.getReason() : " (" + fs.getClass().getSimpleName() + ")"));
                return USAGE;
            }
            if (ex instanceof HdlException) {
                err.println("chiltepin: hardware description error:\n" + ex.getMessage());
                return 3;
            }
            throw ex;
        });
        return cl;
    }

    /**
     * The end of a verify command's verdict: PASS and exit 0, or the failure count, the first
     * failures, the command that reproduces the run, FAIL and exit 1.
     */
    static int verdict(PrintWriter o, boolean passed, long failures, List<String> first, String reproduce) {
        if (passed) {
            o.println("PASS");
            o.flush();
            return 0;
        }
        o.printf("  failures    %d; the first:%n", failures);
        first.forEach(m -> o.println("    " + m));
        o.printf("  reproduce   %s%n", reproduce);
        o.println("FAIL");
        o.flush();
        return 1;
    }

    /** A Verilog identifier: letter or underscore, then letters, digits, underscores. */
    static void checkIdentifier(String option, String value) {
        if (value == null || !value.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ConfigException(option, "must be a Verilog identifier ([A-Za-z_][A-Za-z0-9_]*)", value);
        }
    }

    static Path defaultWorkDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("chiltepin").resolve("sim");
    }

    static String verilatorVersion() {
        try {
            Process p = new ProcessBuilder(List.of("verilator", "--version")).redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return v.isEmpty() ? "Verilator" : v.split(" rev")[0];
        } catch (Exception e) {
            return "Verilator (version unknown)";
        }
    }
}
