package org.chiltepin.gen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.chiltepin.hdl.Verilog;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.QualityGates;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chiltepin generate <block>}: Verilog (one file per module), {@code files.f}, a FuseSoC
 * core ({@link DropIn}) and manifest.json. Everything is written into a staging folder beside
 * {@code --out} and moved into place at the end, so an error or Ctrl-C leaves {@code --out} as it
 * was. A folder an earlier generation wrote (it has a chiltepin manifest.json) is taken over: the
 * files its manifest lists and this one does not are removed. A non-empty folder without one is
 * refused unless {@code --force}.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Emit the block's Verilog (one file per module), files.f, a FuseSoC core and manifest.json into DIR.",
                "An invalid configuration writes nothing and exits 2."})
final class GenerateCommand<C extends Record> implements Callable<Integer> {
    private final BlockKind<C> kind;

    @Spec
    CommandSpec spec;

    final ConfigOptions config = new ConfigOptions();

    @Option(names = "--out", paramLabel = "DIR", required = true, description = {"Output folder (created if missing).",
            "A folder of an earlier generation is replaced; any other non-empty folder needs --force."})
    Path out;

    @Option(names = "--top", paramLabel = "NAME", description = "Verilog name of the top module (default: ${DEFAULT-VALUE}).")
    String top;

    @Option(names = "--prefix", paramLabel = "NAME", defaultValue = "",
            description = "Put NAME in front of every module name (the top's too), so two configurations live in one design.")
    String prefix;

    @Option(names = "--force", description = "Write into a non-empty folder that no generation wrote (its files stay).")
    boolean force;

    @Option(names = "--lint", description = "Also run verilator --lint-only -Wall on the result; exit 1 on any warning.")
    boolean lint;

    @Option(names = "--synth", description = {"Also synthesize with yosys (generic, memories kept, 4-input LUTs; minutes for a",
            "chip) and write the LUT, flip-flop and memory counts into manifest.json (\"synth\"); exit 1 if it fails."})
    boolean synth;

    private GenerateCommand(BlockKind<C> kind) {
        this.kind = kind;
        this.top = kind.defaultTop();
    }

    /** {@code generate BLOCK}. */
    static <C extends Record> CommandLine of(BlockKind<C> kind) {
        GenerateCommand<C> c = new GenerateCommand<>(kind);
        return Cli.assemble(c, c.config);
    }

    @Override
    public Integer call() throws Exception {
        C cfg = config.resolve(kind);
        Cli.checkIdentifier("--top", top);
        if (!prefix.isEmpty()) {
            Cli.checkIdentifier("--prefix", prefix);
        }
        Outputs.checkDirectory("--out", out);
        Set<String> owned = owned(out);
        if (owned == null && !force && !Outputs.isEmpty(out)) {
            throw new ConfigException("--out", "holds files no chiltepin generate wrote (use a new or empty folder, or --force)",
                    out);
        }
        PrintWriter o = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        Path staging = Outputs.staging(out);
        Verilog.Emitted<?> emitted;
        QualityGates.Resources resources = null;
        try {
            Path s = staging.resolve("out");
            emitted = Verilog.emit(kind.top(cfg), top, s, prefix);
            List<String> files = DropIn.ordered(emitted.files(), emitted.topName());
            List<String> dropIn = DropIn.write(s, kind.name(), emitted.topName(), kind.name() + " " + kind.describe(cfg), files);
            var manifest = Manifest.build(kind, cfg, emitted, s);
            manifest.put("prefix", prefix);
            manifest.put("filelist", DropIn.FILELIST);
            manifest.put("core", DropIn.coreFile(emitted.topName()));
            if (synth) {
                resources = QualityGates.resources(emitted.files(), emitted.topName(), 7200);
                if (!resources.ok()) {
                    o.println("  yosys synthesis: FAILED\n" + resources.run().output());
                    o.flush();
                    return 1;
                }
                var counts = manifest.putObject("synth");
                counts.put("script", QualityGates.resourceScript(emitted.topName()));
                counts.put("luts", resources.luts());
                counts.put("ffs", resources.ffs());
                counts.put("memories", resources.memories());
                counts.put("cells", resources.cells());
            }
            Manifest.write(manifest, s);
            List<String> all = new ArrayList<>(files);
            all.addAll(dropIn);
            install(s, out, all, owned == null ? Set.of() : owned);
        } finally {
            Outputs.release(staging);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long lines = 0;
        List<Path> installed = new ArrayList<>();
        for (Path f : emitted.files()) {
            Path p = out.resolve(f.getFileName().toString());
            installed.add(p);
            lines += Files.readAllLines(p).size();
        }
        o.printf("generated %s %s: %d files, %d lines of Verilog, top %s, in %.1f s%n", kind.name(), kind.describe(cfg),
                emitted.files().size(), lines, emitted.topName(), seconds);
        o.printf("  %s, %s, %s%n", out.resolve(Manifest.FILE), out.resolve(DropIn.FILELIST),
                out.resolve(DropIn.coreFile(emitted.topName())));
        if (resources != null) {
            o.printf("  yosys synthesis: %d LUT4, %d FF, %d memories (%d cells) in %.0f s%n", resources.luts(), resources.ffs(),
                    resources.memories(), resources.cells(), resources.seconds());
        }
        if (lint) {
            QualityGates.ToolRun r = QualityGates.lint(installed, emitted.topName());
            o.println(r.ok() ? "  verilator --lint-only -Wall: clean" : "  verilator --lint-only -Wall: FAILED\n" + r.output());
            o.flush();
            return r.ok() ? 0 : 1;
        }
        o.flush();
        return 0;
    }

    /**
     * The files an earlier generation wrote into {@code dir} (its manifest's files, filelist, core
     * and the manifest itself), an empty set for an absent or empty folder, or null if the folder
     * holds files but no chiltepin manifest.
     */
    static Set<String> owned(Path dir) throws IOException {
        Path m = dir.resolve(Manifest.FILE);
        if (!Files.isRegularFile(m)) {
            return Outputs.isEmpty(dir) ? Set.of() : null;
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(m.toFile());
        } catch (IOException e) {
            return null;
        }
        if (json == null || !json.path("generator").path("name").asText().equals("chiltepin")) {
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        json.path("files").forEach(f -> names.add(f.path("path").asText()));
        for (String key : List.of("filelist", "core")) {
            if (json.hasNonNull(key)) {
                names.add(json.get(key).asText());
            }
        }
        names.add(Manifest.FILE);
        // Only plain names in the folder itself: a manifest cannot make us delete elsewhere.
        names.removeIf(n -> n.isEmpty() || n.contains("/") || n.contains("\\") || n.startsWith("."));
        return names;
    }

    /** Moves the staged files into {@code out}, removes what the earlier generation wrote and this one did not; the manifest last. */
    private static void install(Path staged, Path out, List<String> files, Set<String> earlier) throws IOException {
        Files.createDirectories(out);
        for (String n : earlier) {
            if (!files.contains(n) && !n.equals(Manifest.FILE)) {
                Files.deleteIfExists(out.resolve(n));
            }
        }
        for (String n : files) {
            Files.move(staged.resolve(n), out.resolve(n), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staged.resolve(Manifest.FILE), out.resolve(Manifest.FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
