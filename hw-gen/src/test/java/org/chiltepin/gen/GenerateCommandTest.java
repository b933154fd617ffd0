package org.chiltepin.gen;

import static org.chiltepin.gen.ChiltepinTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.chiltepin.gen.ChiltepinTest.Result;
import org.chiltepin.hw.QualityGates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** {@code generate}: strict configuration files, output folders that are owned, drop-in files, prefixes. */
class GenerateCommandTest {
    @TempDir
    Path dir;

    private static List<String> list(Path d) throws IOException {
        if (!Files.exists(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void assertOneLineExit2(Result r, String starts) {
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith(starts), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void aDuplicateKeyOrTextAfterTheObjectIsRejected() throws IOException {
        Path out = dir.resolve("out");
        for (String[] c : new String[][] {{"{\"rows\":2,\"rows\":4}", "Duplicate field 'rows'"},
                {"{\"rows\":2} {}", "text after the JSON object"}, {"{\"rows\":2} xx", "Unrecognized token 'xx'"}}) {
            Files.writeString(dir.resolve("c.json"), c[0]);
            Result r = run("generate", "array", "--config", dir.resolve("c.json").toString(), "--out", out.toString());
            assertOneLineExit2(r, "chiltepin: invalid configuration: --config: must be valid JSON");
            assertTrue(r.err().contains(c[1]), r.err());
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void presetsAndThePresetErrorListMicro() {
        assertTrue(run("presets").out().lines().anyMatch(l -> l.startsWith("gemm     micro      1×1")));
        Result r = run("generate", "gemm", "--preset", "nope", "--out", dir.resolve("x").toString());
        assertOneLineExit2(r, "chiltepin: invalid configuration: --preset: must be one of [");
        assertTrue(r.err().contains(", micro]"), r.err());
    }

    /** Every command's help: each option once, and each listed subcommand's summary a whole sentence. */
    @Test
    void helpListsEachOptionOnceAndWholeSummaries() {
        List<picocli.CommandLine> all = new ArrayList<>();
        collect(Cli.commandLine(), all);
        assertTrue(all.size() > 20, "commands: " + all.size());
        for (picocli.CommandLine cl : all) {
            String usage = cl.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
            // Option lines start within the first columns; description lines are indented further.
            List<String> options = usage.lines().filter(l -> l.matches("^ {2,6}(-\\w, )?--[\\w-]+.*"))
                    .map(l -> l.strip().replaceFirst("^-\\w, ", "").split("[ =\\[]")[0]).toList();
            assertEquals(options.stream().distinct().count(), options.size(), cl.getCommandSpec().qualifiedName() + ":\n" + usage);
            for (picocli.CommandLine sub : cl.getSubcommands().values()) {
                String summary = Cli.summary(sub.getCommandSpec());
                assertTrue(summary.endsWith(".") || summary.endsWith(".)"), sub.getCommandSpec().qualifiedName() + ": " + summary);
                assertTrue(usage.replaceAll("\\s+", " ").contains(summary), usage);
            }
        }
    }

    private static void collect(picocli.CommandLine cl, List<picocli.CommandLine> all) {
        all.add(cl);
        cl.getSubcommands().values().forEach(s -> collect(s, all));
    }

    @Test
    void anOutUnderAFileOrAnUnwritableFolderIsOneLineExit2() throws IOException {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        assertOneLineExit2(run("generate", "array", "--preset", "tiny", "--out", file.resolve("sub").toString()),
                "chiltepin: invalid configuration: --out: must be under a folder, but " + file + " is a file");
        assertOneLineExit2(run("generate", "array", "--preset", "tiny", "--out", file.toString()),
                "chiltepin: invalid configuration: --out: must be a folder, not a file");
        // /proc/1 is not writable, even for root.
        assertOneLineExit2(run("generate", "array", "--preset", "tiny", "--out", "/proc/1/chiltepin"),
                "chiltepin: invalid configuration: --out: must be under a writable folder, but /proc/1 is not writable");
        assertEquals(List.of("plain.txt"), list(dir));
    }

    @Test
    void aNewGenerationReplacesTheFilesOfTheEarlierOneAndKeepsNoStaleFile() throws IOException {
        Path out = dir.resolve("rtl");
        assertEquals(0, run("generate", "gemm", "--preset", "tiny", "--out", out.toString()).exit());
        // docs/gemm.md: 7 Verilog files for an output-stationary engine, ProductPair.v among them.
        assertEquals(List.of("ProcessingElement.v", "ProcessingElement_e.v", "ProcessingElement_e_s.v",
                "ProcessingElement_s.v", "ProductPair.v", "SystolicArray.v", "files.f", "gemm_engine.core", "gemm_engine.v",
                "manifest.json"), list(out));
        Result r = run("generate", "array", "--preset", "tiny", "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        List<String> expected = new ArrayList<>();
        m.get("files").forEach(f -> expected.add(f.get("path").asText()));
        expected.addAll(List.of("files.f", "systolic_array.core", "manifest.json"));
        assertEquals(expected.stream().sorted().toList(), list(out), "exactly this generation's files");
        assertFalse(Files.exists(out.resolve("gemm_engine.v")));
        assertEquals(List.of("rtl"), list(dir), "no staging folder left");
    }

    @Test
    void aForeignNonEmptyFolderIsRefusedWithoutForce() throws IOException {
        Path out = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(out.resolve("notes.txt"), "keep me");
        assertOneLineExit2(run("generate", "array", "--preset", "tiny", "--out", out.toString()),
                "chiltepin: invalid configuration: --out: holds files no chiltepin generate wrote");
        assertEquals(List.of("notes.txt"), list(out));
        assertEquals(0, run("generate", "array", "--preset", "tiny", "--out", out.toString(), "--force").exit());
        assertTrue(list(out).containsAll(List.of("notes.txt", "manifest.json", "systolic_array.v")), list(out).toString());
    }

    /** The .core against the published CAPI2 description (fusesoc.readthedocs.io, ref/capi2). */
    @Test
    @SuppressWarnings("unchecked")
    void theCoreFileHoldsToCapi2AndTheFilelistNamesEveryFile() throws IOException {
        Path out = dir.resolve("core");
        Result r = run("generate", "array", "--preset", "tiny", "--out", out.toString(), "--prefix", "t_");
        assertEquals(0, r.exit(), r.err());
        JsonNode m = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals("t_", m.get("prefix").asText());
        assertEquals("files.f", m.get("filelist").asText());
        assertEquals("t_systolic_array.core", m.get("core").asText());
        List<String> verilog = new ArrayList<>();
        m.get("files").forEach(f -> verilog.add(f.get("path").asText()));
        List<String> filelist = Files.readAllLines(out.resolve("files.f"));
        assertEquals(verilog.stream().sorted().toList(), filelist.stream().sorted().toList());
        assertEquals("t_systolic_array.v", filelist.get(filelist.size() - 1), "the top last");

        String text = Files.readString(out.resolve("t_systolic_array.core"));
        assertTrue(text.startsWith("CAPI=2:\n"), "the first line of a CAPI2 file is CAPI=2:");
        Map<String, Object> core = new Yaml().load(text);
        assertTrue(((String) core.get("name")).matches("chiltepin:array:t_systolic_array:\\d+\\.\\d+\\.\\d+"),
                "VLNV name: " + core.get("name"));
        var rtl = (Map<String, Object>) ((Map<String, Object>) core.get("filesets")).get("rtl");
        assertEquals("verilogSource", rtl.get("file_type"));
        assertEquals(filelist, rtl.get("files"));
        for (Object f : (List<Object>) rtl.get("files")) {
            assertTrue(Files.exists(out.resolve((String) f)), "core files are relative to the core: " + f);
        }
        var targets = (Map<String, Map<String, Object>>) core.get("targets");
        assertEquals(List.of("default", "lint"), List.copyOf(targets.keySet()));
        for (var t : targets.values()) {
            assertEquals(List.of("rtl"), t.get("filesets"));
            assertEquals("t_systolic_array", t.get("toplevel"));
        }
        assertEquals("verilator", targets.get("lint").get("default_tool"));
    }

    /** Two configurations of one block, prefixed, in one Verilator run; without prefixes they collide. */
    @Test
    void twoPrefixedConfigurationsLintTogether() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertEquals(0, run("generate", "array", "--preset", "tiny", "--out", a.toString(), "--prefix", "tiny_").exit());
        assertEquals(0, run("generate", "array", "--preset", "small", "--out", b.toString(), "--prefix", "small_").exit());
        Path wrapper = dir.resolve("both.v");
        Files.writeString(wrapper, wrapper(List.of(a, b)));
        List<Path> files = new ArrayList<>(List.of(wrapper));
        for (Path d : List.of(a, b)) {
            Files.readAllLines(d.resolve("files.f")).forEach(f -> files.add(d.resolve(f)));
        }
        QualityGates.ToolRun r = QualityGates.lint(files, "both");
        assertTrue(r.ok(), r.output());

        // The control: the same two configurations without prefixes cannot share a design.
        Path c = dir.resolve("c");
        Path d2 = dir.resolve("d");
        assertEquals(0, run("generate", "array", "--preset", "tiny", "--out", c.toString()).exit());
        assertEquals(0, run("generate", "array", "--preset", "small", "--out", d2.toString()).exit());
        List<Path> clash = new ArrayList<>();
        for (Path x : List.of(c, d2)) {
            Files.readAllLines(x.resolve("files.f")).forEach(f -> clash.add(x.resolve(f)));
        }
        QualityGates.ToolRun bad = QualityGates.lint(clash, "systolic_array");
        assertNotEquals(0, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("Duplicate declaration of module"), bad.output());
    }

    /** A module {@code both} that instantiates each generation's top, its ports brought out under the prefix. */
    private static String wrapper(List<Path> generations) throws IOException {
        List<String> ports = new ArrayList<>(List.of("input clk", "input reset"));
        StringBuilder body = new StringBuilder();
        for (Path g : generations) {
            JsonNode m = new ObjectMapper().readTree(g.resolve("manifest.json").toFile());
            String prefix = m.get("prefix").asText();
            List<String> conns = new ArrayList<>();
            for (JsonNode p : m.get("ports")) {
                String name = p.get("name").asText();
                if (name.equals("clk") || name.equals("reset")) {
                    conns.add("." + name + "(" + name + ")");
                    continue;
                }
                int w = p.get("width").asInt();
                ports.add(p.get("direction").asText() + (w > 1 ? " [" + (w - 1) + ":0]" : "") + " " + prefix + name);
                conns.add("." + name + "(" + prefix + name + ")");
            }
            body.append("  ").append(m.get("top").asText()).append(" u_").append(prefix).append(" (")
                    .append(String.join(", ", conns)).append(");\n");
        }
        return "`timescale 1ns/1ps\nmodule both (\n  " + String.join(",\n  ", ports) + "\n);\n" + body + "endmodule\n";
    }
}
