package org.chiltepin.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.golden.LlamaInt8Weights;
import org.chiltepin.verif.golden.LlamaInt8Weights.QMatrix;
import org.chiltepin.verif.llm.LlamaConfig;
import org.chiltepin.verif.runtime.BatchedDecode;
import org.chiltepin.verif.runtime.ChipLlama;
import org.chiltepin.verif.runtime.ChipMatVec;
import org.chiltepin.verif.runtime.DecodeReport;

/**
 * {@code bench llama --batch B,B,...}: batched decode with a shared prompt ({@link BatchedDecode})
 * for each B — KV pages forked against copied, tokens/s against the roofline, and with
 * {@code --engine sim} the decode steps' weight GEMMs run batched on the co-simulated chip (B
 * activation rows per GEMM, {@link org.chiltepin.verif.runtime.LockstepMatVec}).
 */
final class BatchBench {
    private BatchBench() {
    }

    static void check(List<Integer> batches, int pageTokens) {
        for (int b : batches) {
            ConfigException.requireRange("--batch", b, 1, 64);
        }
        if (pageTokens < 2 || pageTokens > 256 || Integer.bitCount(pageTokens) != 1) {
            throw new ConfigException("--page-tokens", "must be a power of two in [2, 256]", pageTokens);
        }
    }

    static void run(PrintWriter o, LlamaModelOptions options, LlamaModelOptions.Model m, String prompt, int steps,
            List<Integer> batches, int pageTokens, Path csv) throws IOException {
        LlamaConfig c = m.checkpoint().config();
        int[] ids = m.tokenizer().encode(prompt);
        int generated = Math.min(steps, c.seqLen()) - ids.length;
        if (generated < 1) {
            throw new ConfigException("--steps", "must leave at least one position after the prompt's " + ids.length + " tokens",
                    steps);
        }
        LlamaInt8Weights w = new LlamaInt8Weights(m.checkpoint());
        ChipMatVec gemv = null;
        if (options.engine.equals("sim")) {
            ChipConfig cfg = ChipConfig.preset(options.chip);
            gemv = new ChipMatVec(cfg, options.compiler(cfg));
            for (int l = 0; l < c.nLayers(); l++) {
                for (QMatrix q : List.of(w.wq[l], w.wk[l], w.wv[l], w.wo[l], w.w1[l], w.w2[l], w.w3[l])) {
                    gemv.requireFits(q, options.chip);
                }
                gemv.group(w.wq[l], w.wk[l], w.wv[l]);
                gemv.group(w.w1[l], w.w3[l]);
            }
            gemv.requireFits(w.classifier, options.chip);
        }
        o.printf("  prompt %d tokens, %d generated per sequence, KV pages of %d positions (a row: %d bytes of K or V)%n",
                ids.length, generated, pageTokens, BatchedDecode.rowBytes(c));
        BenchTable table = new BenchTable("batch", "distinct", "pages_forked", "pages_copied", "kv_bytes_forked", "kv_bytes_copied",
                "kv_saved_pct", "prompt_pages_forked", "prompt_pages_copied", "roofline_tokens_per_s", "sim_gemm_cycles_per_step",
                "sim_port_bytes_per_step", "sim_weight_load_bytes_per_step", "sim_gemm_tokens_per_s", "sim_speedup");
        Double base = null;
        for (int b : batches) {
            if (gemv != null) {
                gemv.nextToken();
                o.printf("  B = %d: %d decode step(s) in lockstep, each weight matrix's %d rows in one chip GEMM ...%n", b,
                        generated - 1, b);
                o.flush();
            }
            BatchedDecode.Result r = BatchedDecode.run(w, ids, b, generated, pageTokens, gemv == null ? null : gemv::matmul);
            if (!r.rowsCheck()) {
                throw new IllegalStateException("KV model: a sequence gathered rows that are not its own");
            }
            if (gemv != null && gemv.token().mismatches != 0) {
                throw new IllegalStateException("a chip GEMM result differs from the golden model's");
            }
            double roof = BatchedDecode.rooflineTokensPerSecond(c, b, ids.length, generated, DecodeReport.DEFAULT_CLOCK_MHZ,
                    ChipLlama.PORT_BYTES_PER_CYCLE);
            Object cycles = "";
            Object port = "";
            Object weightLoads = "";
            Object tps = "";
            Object speedup = "";
            if (gemv != null && generated > 1) {
                ChipMatVec.Stats st = gemv.token();
                int stepsRun = generated - 1;
                double perStep = (double) st.cycles / stepsRun;
                double tokens = b * DecodeReport.DEFAULT_CLOCK_MHZ * 1e6 / perStep;
                base = base == null ? tokens / b : base;
                cycles = perStep;
                port = (double) (st.bytesRead + st.bytesWritten) / stepsRun;
                weightLoads = (double) st.loadBBytes / stepsRun;
                tps = tokens;
                speedup = tokens / base;
            }
            long forked = r.bytes(r.forked().atEnd());
            long copied = r.bytes(r.copied().atEnd());
            table.add((long) b, r.distinct(), (long) r.forked().atEnd(), (long) r.copied().atEnd(), forked, copied,
                    100.0 * (copied - forked) / copied, (long) r.forked().afterPrompt(), (long) r.copied().afterPrompt(),
                    roof, cycles, port, weightLoads, tps, speedup);
        }
        table.print(o);
        o.printf("  tokens/s at %.0f MHz (assumed), %d B/cycle port: roofline = B x bandwidth / (weights once + each"
                + " sequence's KV) per step%s%n", DecodeReport.DEFAULT_CLOCK_MHZ, ChipLlama.PORT_BYTES_PER_CYCLE,
                gemv == null ? "; no chip simulated (--engine sim runs the decode steps' weight GEMMs batched on the chip)"
                        : "; sim: the decode steps' weight GEMMs, B rows per chip GEMM, co-simulated (prompt, attention,"
                                + " vector ops and KV on the golden model, not timed)");
        if (csv != null) {
            table.writeCsv(csv);
            o.printf("  csv   %s%n", csv);
        }
    }
}
