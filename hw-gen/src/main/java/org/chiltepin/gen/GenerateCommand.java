package org.chiltepin.gen;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hw.QualityGates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code chiltepin generate <block>}: Verilog (one file per module) and manifest.json. */
@Command(mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Emit the block's Verilog (one file per module) and manifest.json into DIR.",
                "An invalid configuration writes nothing and exits 2."})
final class GenerateCommand<C extends Record> implements Callable<Integer> {
    private final BlockKind<C> kind;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory (created if missing).")
    Path out;

    @Option(names = "--top", paramLabel = "NAME", description = "Verilog name of the top module (default: ${DEFAULT-VALUE}).")
    String top;

    @Option(names = "--lint", description = "Also run verilator --lint-only -Wall on the result; exit 1 on any warning.")
    boolean lint;

    GenerateCommand(BlockKind<C> kind) {
        this.kind = kind;
        this.top = kind.defaultTop();
    }

    @Override
    public Integer call() throws Exception {
        C cfg = config.resolve(kind);
        Cli.checkIdentifier("--top", top);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new org.chiltepin.hw.ConfigException("--out", "must be a directory", out);
        }
        PrintWriter o = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        var emitted = Verilog.emit(kind.top(cfg), top, out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Manifest.write(Manifest.build(kind, cfg, emitted, out), out);
        long lines = 0;
        for (Path f : emitted.files()) {
            lines += Files.readAllLines(f).size();
        }
        o.printf("generated %s %s: %d files, %d lines of Verilog, top %s, in %.1f s%n", kind.name(), kind.describe(cfg),
                emitted.files().size(), lines, emitted.topName(), seconds);
        o.printf("  %s%n", out.resolve(Manifest.FILE));
        if (lint) {
            QualityGates.ToolRun r = QualityGates.lint(emitted.files(), emitted.topName());
            o.println(r.ok() ? "  verilator --lint-only -Wall: clean" : "  verilator --lint-only -Wall: FAILED\n" + r.output());
            o.flush();
            return r.ok() ? 0 : 1;
        }
        o.flush();
        return 0;
    }
}
