package org.chiltepin.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.golden.LlamaInt8Weights;
import org.chiltepin.verif.llm.LlamaConfig;
import org.chiltepin.verif.llm.LlamaEngine;
import org.chiltepin.verif.runtime.BatchedDecode;
import org.chiltepin.verif.runtime.ChipLlama;
import org.chiltepin.verif.runtime.ChipMatVec;
import org.chiltepin.verif.runtime.DecodeReport;

/**
 * {@code bench llama --batch B,B,...}: batched decode with a shared prompt ({@link BatchedDecode})
 * for each B — KV pages forked against copied, tokens/s against the roofline, and with
 * {@code --engine sim} tokens/s modelled from one co-simulated token.
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
        ChipMatVec.Stats one = null;
        long peak = 0;
        if (options.engine.equals("sim")) {
            o.println("  measuring one token (position 0) on the co-simulated chip ...");
            o.flush();
            LlamaEngine e = options.engine(m.checkpoint());
            e.step(ids[0], 0);
            ChipLlama chip = (ChipLlama) e;
            if (!chip.matches()) {
                throw new IllegalStateException("the chip's token differs from the integer golden model's");
            }
            one = chip.tokens().get(0).stats();
            ChipConfig cfg = ChipConfig.preset(options.chip);
            peak = (long) cfg.gemmNodes().size() * cfg.gemm().macsPerCycle();
            o.printf("  one token: %d cycles, %d port bytes (%d of them weight loads), %d array MACs%n", one.cycles,
                    one.bytesRead + one.bytesWritten, one.loadBBytes, one.arrayMacs);
        }
        LlamaInt8Weights w = new LlamaInt8Weights(m.checkpoint());
        o.printf("  prompt %d tokens, %d generated per sequence, KV pages of %d positions (a row: %d bytes of K or V)%n",
                ids.length, generated, pageTokens, BatchedDecode.rowBytes(c));
        BenchTable table = new BenchTable("batch", "distinct", "pages_forked", "pages_copied", "kv_bytes_forked", "kv_bytes_copied",
                "kv_saved_pct", "prompt_pages_forked", "prompt_pages_copied", "roofline_tokens_per_s", "sim_tokens_per_s",
                "sim_speedup");
        Double base = null;
        for (int b : batches) {
            BatchedDecode.Result r = BatchedDecode.run(w, ids, b, generated, pageTokens);
            if (!r.rowsCheck()) {
                throw new IllegalStateException("KV model: a sequence gathered rows that are not its own");
            }
            BatchedDecode.Throughput t = BatchedDecode.throughput(c, b, ids.length, generated, DecodeReport.DEFAULT_CLOCK_MHZ,
                    ChipLlama.PORT_BYTES_PER_CYCLE, one, peak);
            if (b == batches.get(0) && t.simTokensPerSecond() != null) {
                base = t.simTokensPerSecond() / b;
            }
            long forked = r.bytes(r.forked().atEnd());
            long copied = r.bytes(r.copied().atEnd());
            table.add((long) b, r.distinct(), (long) r.forked().atEnd(), (long) r.copied().atEnd(), forked, copied,
                    100.0 * (copied - forked) / copied, (long) r.forked().afterPrompt(), (long) r.copied().afterPrompt(),
                    t.rooflineTokensPerSecond(), t.simTokensPerSecond() == null ? "" : t.simTokensPerSecond(),
                    base == null ? "" : t.simTokensPerSecond() / base);
        }
        table.print(o);
        o.printf("  tokens/s at %.0f MHz (assumed), %d B/cycle port: roofline = B x bandwidth / (weights once + each"
                + " sequence's KV) per step%s%n", DecodeReport.DEFAULT_CLOCK_MHZ, ChipLlama.PORT_BYTES_PER_CYCLE,
                one == null ? "; no chip simulated (--engine sim models the chip from one measured token)"
                        : "; sim: modelled from the measured token (weight loads shared, other port bytes and KV per sequence,"
                                + " at its attained bandwidth; array MACs x B at peak), not a batched run");
        if (csv != null) {
            table.writeCsv(csv);
            o.printf("  csv   %s%n", csv);
        }
    }
}
