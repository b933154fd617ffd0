package org.chiltepin.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hdl.VerilogNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chiltepin names}: for every preset of every block, the distinct anonymous {@code _zz_}
 * names and names from Java line numbers in the emitted Verilog, absolute and per 1 000 lines
 * (see {@link VerilogNames}). Exit 1 if any name comes from a Java line number.
 */
@Command(name = "names", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Count anonymous (_zz_) names and names from Java line numbers (when_File_lNNN) in the",
                "Verilog of every preset of every block, per 1000 lines. Exit 1 if a line-number name appears."})
final class NamesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--block", paramLabel = "BLOCK", description = "Only this block (default: all).")
    String block;

    /** One row of the table. */
    record Row(String block, String preset, VerilogNames.Count count) {
    }

    @Override
    public Integer call() throws IOException {
        if (block != null && Chiltepin.BLOCKS.stream().noneMatch(k -> k.name().equals(block))) {
            throw new org.chiltepin.hw.ConfigException("--block", "must be one of "
                    + Chiltepin.BLOCKS.stream().map(BlockKind::name).toList(), block);
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf("%-8s %-12s %6s %7s %6s %8s %6s %8s%n", "block", "preset", "files", "lines", "_zz_", "/1000", "line#", "/1000");
        int lineNames = 0;
        for (BlockKind<?> kind : Chiltepin.BLOCKS) {
            if (block == null || kind.name().equals(block)) {
                for (Row r : rows(kind)) {
                    VerilogNames.Count c = r.count();
                    o.printf("%-8s %-12s %6d %7d %6d %8.1f %6d %8.1f%n", r.block(), r.preset(), c.files(), c.lines(),
                            c.anonymous(), c.anonymousPer1000(), c.lineNumber(), c.lineNumberPer1000());
                    o.flush();
                    lineNames += c.lineNumber();
                }
            }
        }
        return lineNames == 0 ? 0 : 1;
    }

    /** Emits every preset of {@code kind} into a scratch directory and counts its names. */
    static <C extends Record> List<Row> rows(BlockKind<C> kind) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (var e : kind.presets().entrySet()) {
            Path dir = Files.createTempDirectory("chiltepin-names-");
            try {
                var emitted = Verilog.emit(kind.top(e.getValue()), kind.defaultTop(), dir);
                rows.add(new Row(kind.name(), e.getKey(), VerilogNames.of(emitted.files())));
            } finally {
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        return rows;
    }
}
