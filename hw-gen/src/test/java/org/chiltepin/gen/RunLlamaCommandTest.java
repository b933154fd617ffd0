package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.chiltepin.verif.llm.BundledModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLlamaCommandTest {
    @TempDir
    Path dir;

    @Test
    void floatEngineStreamsRunCsStoryAndReportsTokens() {
        ChiltepinTest.Result r = ChiltepinTest.run("run", "llama", "--engine", "float", "--prompt", "Once upon a time", "--steps", "64");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Once upon a time, there was a little girl named Lily. She loved to play outside in the park."
                + " One day, she saw a big, red ball. She wanted to play with it, but it was too high.\nLily\n"), r.out());
        assertTrue(r.out().contains("  tokens      64 positions: 5 of the prompt (BOS included), 60 generated\n"), r.out());
        assertTrue(r.out().contains("tokens/s (float engine"), r.out());
        assertTrue(r.err().contains("dim 64, hidden 172, 5 layers"), r.err());
    }

    @Test
    void goldenEngineRunsTheIntegerModel() {
        ChiltepinTest.Result r = ChiltepinTest.run("run", "llama", "--engine", "golden", "--prompt", "Once upon a time", "--steps", "8");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Once upon a time"), r.out());
        assertTrue(r.out().contains("tokens/s (golden engine"), r.out());
    }

    @Test
    void badOptionsAndFilesAreOneLineErrors() throws IOException {
        Path model = dir.resolve("m.bin");
        Path tok = dir.resolve("t.bin");
        byte[] bytes = BundledModel.resource(BundledModel.CHECKPOINT);
        Files.write(model, Arrays.copyOf(bytes, 5000));
        Files.write(tok, BundledModel.resource(BundledModel.TOKENIZER));
        // stories260K with a 1024-position context (seq_len 1024, RoPE tables 512 × 32 bytes longer): more than
        // the default chip's KV tile holds (512 positions)
        Path longer = dir.resolve("long.bin");
        byte[] stretched = Arrays.copyOf(bytes, bytes.length + 512 * 32);
        java.nio.ByteBuffer.wrap(stretched).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(24, 1024);
        Files.write(longer, stretched);
        String[][] cases = {
            {"--steps", "-1"},
            {"--engine", "chip"},
            {"--engine", "sim", "--chip", "huge"},
            {"--engine", "sim", "--chip", "minimal"},
            {"--engine", "sim", "--steps", "600", "--model", longer.toString(), "--tokenizer", tok.toString()},
            {"--model", model.toString()},
            {"--tokenizer", tok.toString()},
            {"--model", model.toString(), "--tokenizer", tok.toString()},
            {"--model", dir.resolve("none.bin").toString(), "--tokenizer", tok.toString()},
        };
        String[] expected = {
            "chiltepin: invalid configuration: --steps: must be >= 0, got -1",
            "chiltepin: invalid configuration: --engine: must be one of golden, float, sim, got chip",
            "chiltepin: invalid configuration: preset: must be one of " + org.chiltepin.hw.chip.ChipConfig.presets().keySet()
                    + ", got huge",
            "chiltepin run llama: stories260K (bundled): dim 64, hidden 172, 5 layers, 8 heads, 4 kv heads, vocab 512,"
                    + " seq 512, shared classifier; engine sim\n"
                    + "chiltepin: invalid configuration: --chip: external memory must hold the int8 weights placed so far and"
                    + " a 32x64 matrix with its activations and results (4176 words), it has 4096, got minimal",
            "chiltepin run llama: " + longer + ": dim 64, hidden 172, 5 layers, 8 heads, 4 kv heads, vocab 512,"
                    + " seq 1024, shared classifier; engine sim\n"
                    + "chiltepin: invalid configuration: --steps: must be at most 512: chip 'default' holds the K/V rows of"
                    + " that many positions of this model in its KV tile (docs/llm.md §6.4), got 600",
            "chiltepin: invalid configuration: --model: needs --tokenizer FILE as well (its vocabulary must match the model's), got " + model,
            "chiltepin: invalid configuration: --tokenizer: needs --model (the bundled model has its own tokenizer), got " + tok,
            "chiltepin: invalid model: " + model + ": truncated: the header (dim 64, hidden 172, 5 layers, 8 heads, 4 kv heads,"
                    + " vocab 512, seq 512, shared classifier) needs 1056540 bytes, the file has 5000",
            "chiltepin: invalid model: " + dir.resolve("none.bin") + ": no such file",
        };
        assertErrors(new String[] {"run", "llama"}, cases, expected);
    }

    /** Each case (the arguments after {@code command}) fails with exit 2, exactly its expected line, nothing on stdout. */
    private static void assertErrors(String[] command, String[][] cases, String[] expected) {
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[command.length + cases[i].length];
            System.arraycopy(command, 0, args, 0, command.length);
            System.arraycopy(cases[i], 0, args, command.length, cases[i].length);
            ChiltepinTest.Result r = ChiltepinTest.run(args);
            assertEquals(2, r.exit(), String.join(" ", args));
            assertEquals(expected[i] + "\n", r.err(), String.join(" ", args));
            assertEquals("", r.out());
        }
    }

    @Test
    void benchComparesTheEngineWithTheFloatReferenceAndWritesCsv() throws IOException {
        Path csv = dir.resolve("llama.csv");
        ChiltepinTest.Result r = ChiltepinTest.run("bench", "llama", "--steps", "12", "--csv", csv.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("  prompt 0 \"\": teacher-forced top-1 "), r.out());
        assertTrue(r.out().contains("  teacher-forced top-1   "), r.out());
        var lines = Files.readAllLines(csv);
        assertEquals("prompt,pos,token,float,golden,agree,float_margin", lines.get(0));
        assertEquals(13, lines.size());
        // the float engine against itself agrees everywhere, on every prompt
        ChiltepinTest.Result self = ChiltepinTest.run("bench", "llama", "--engine", "float", "--steps", "12", "--prompt", "",
                "--prompt", "The dog");
        assertTrue(self.out().contains("  prompt 1 \"The dog\": teacher-forced top-1 12/12 = 100.0 %; free-running: 12 leading"),
                self.out());
        assertTrue(self.out().contains("teacher-forced top-1   24/24 = 100.00 %"), self.out());
        assertTrue(self.out().contains("disagreements          none"), self.out());
    }

    @Test
    void goldenRunWritesThePerTokenCsvAndPlot() throws IOException {
        Path csv = dir.resolve("out/run.csv");
        Path png = dir.resolve("out/run.png");
        ChiltepinTest.Result r = ChiltepinTest.run("run", "llama", "--engine", "golden", "--steps", "2", "--csv", csv.toString(), "--plot", png.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("µJ/token estimated (floor: useful MACs + weights and KV read once;"), r.out());
        var lines = Files.readAllLines(csv);
        assertEquals(String.join(",", org.chiltepin.verif.runtime.DecodeReport.COLUMNS), lines.get(0));
        assertEquals(3, lines.size());
        // stories260K, pos 0: 259328 weight bytes; KV 2·5 layers·(32 + 2·4) bytes·2 rows (pos 0 read, pos 0 written);
        // MACs 259328 + 2·5·8·8·1 = 259968; energy 259968·0.3 pJ + (259328 + 800)·162.5 pJ = 42348800 pJ... exactly:
        String[] row0 = lines.get(1).split(",", -1);
        assertEquals("0", row0[0]);
        assertEquals("1", row0[1]); // BOS
        assertEquals(row0[2], row0[3]);
        assertEquals("analytical", row0[4]);
        assertEquals("", row0[5]); // no cycles without a simulated chip
        assertEquals("259328", row0[12]);
        assertEquals("800", row0[13]);
        assertEquals("259968", row0[18]);
        assertEquals("260128", row0[21]);
        assertEquals(259968 * 0.3 + 260128 * 162.5, Double.parseDouble(row0[22]), 1e-6);
        assertEquals("1", lines.get(2).split(",")[0]);
        assertTrue(Files.size(png) > 1000);
        try (var s = Files.list(csv.getParent())) {
            assertEquals(2, s.count(), "no staging files left beside the outputs");
        }
    }

    @Test
    void badReportPathsAreOneLineErrorsBeforeAnyWork() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        String[][] cases = {
            {"--csv", dir.toString()},
            {"--plot", file.resolve("p.png").toString()},
            {"--clock-mhz", "0"},
        };
        String[] expected = {
            "chiltepin: invalid configuration: --csv: must be a file, not a folder, got " + dir,
            "chiltepin: invalid configuration: --plot: must be under a folder, but " + file + " is a file, got " + file.resolve("p.png"),
            "chiltepin: invalid configuration: --clock-mhz: must be in (0, 100000], got 0.0",
        };
        assertErrors(new String[] {"run", "llama", "--engine", "golden", "--steps", "1"}, cases, expected);
    }

    @Test
    void batchedDecodeReportsForkedAgainstCopiedPages() throws IOException {
        Path csv = dir.resolve("batch.csv");
        // 5-token prompt, 4 positions per page, 7 positions: 2 generated per sequence
        ChiltepinTest.Result r = ChiltepinTest.run("bench", "llama", "--batch", "1,2", "--prompt", "Once upon a time", "--steps",
                "7", "--page-tokens", "4", "--csv", csv.toString());
        assertEquals(0, r.exit(), r.err());
        var lines = Files.readAllLines(csv);
        assertEquals("batch,distinct,pages_forked,pages_copied,kv_bytes_forked,kv_bytes_copied,kv_saved_pct,prompt_pages_forked,"
                + "prompt_pages_copied,roofline_tokens_per_s,sim_gemm_cycles_per_step,sim_port_bytes_per_step,"
                + "sim_weight_load_bytes_per_step,sim_gemm_tokens_per_s,sim_speedup", lines.get(0));
        // B = 2: the prompt's 5 rows fill page 0 and one row of page 1, both shared after FORK; position 5 copies page 1
        // for sequence 0 (sequence 1 then holds it alone), position 6 fits: 3 pages forked, 2 · 2 = 4 copied
        assertTrue(lines.get(2).startsWith("2,2,3,4,4800,6400,25.0000,2,4,"), lines.get(2));
        assertErrors(new String[] {"bench", "llama"}, new String[][] {{"--batch", "0"}, {"--batch", "2", "--page-tokens", "3"}},
                new String[] {"chiltepin: invalid configuration: --batch: must be in [1, 64], got 0",
                    "chiltepin: invalid configuration: --page-tokens: must be a power of two in [2, 256], got 3"});
    }

    @Test
    void aCharacterSplitAcrossTokensIsWrittenWhole() {
        var out = new java.io.StringWriter();
        var s = new RunLlamaCommand.Utf8Stream(new java.io.PrintWriter(out));
        byte[] snowman = "☃".getBytes(StandardCharsets.UTF_8);
        s.write(new byte[] {'a', snowman[0]});
        assertEquals("a", out.toString());
        s.write(new byte[] {snowman[1], snowman[2], 'b'});
        assertEquals("a☃b", out.toString());
    }
}
