package org.chiltepin.gen;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.kvcache.KvCacheConfig;
import org.chiltepin.verif.golden.KvCacheReference;
import org.chiltepin.verif.kvcache.KvCacheHarness;
import org.chiltepin.verif.kvcache.KvCacheHarness.Timing;
import org.chiltepin.verif.kvcache.KvCacheWorkloads;
import org.chiltepin.verif.kvcache.KvCacheWorkloads.Waste;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chiltepin bench kvcache}: gather and append throughput measured on the Verilated RTL
 * (every run also checked against the golden model), and memory waste of paged against
 * contiguous max-length allocation on a long-tailed workload.
 */
@Command(description = {"Measure the KV-cache controller: gather rows/cycle against sequence length and append rows/cycle",
        "on the Verilated RTL (no back-pressure; results checked against the golden model), and memory waste",
        "(allocated but unused token slots / allocated) of paged against contiguous max-length allocation",
        "on a long-tailed mix of sequence lengths. --csv FILE also writes the waste table to FILE's name + '-waste.csv'."})
final class KvCacheBench implements Benchmark<KvCacheConfig> {
    /** The seed of the workload. */
    private int seed;

    @Option(names = "--sequences", paramLabel = "N", defaultValue = "1000",
            description = "Sequences in the waste workload (default: ${DEFAULT-VALUE}).")
    int sequences;

    @Option(names = "--max-len", paramLabel = "T", defaultValue = "2048",
            description = "Context limit of the waste workload = the contiguous reservation (default: ${DEFAULT-VALUE}).")
    int maxLen;

    @Option(names = "--median", paramLabel = "T", defaultValue = "256",
            description = "Median sequence length of the waste workload, log-normal with sigma 1 (default: ${DEFAULT-VALUE}).")
    double median;

    @Override
    public void check(KvCacheConfig config) {
        if (sequences < 1 || sequences > 100000) {
            throw new ConfigException("--sequences", "must be in [1, 100000]", sequences);
        }
        if (maxLen < 1 || maxLen > 1 << 20) {
            throw new ConfigException("--max-len", "must be in [1, 1048576]", maxLen);
        }
        if (median < 1 || median > maxLen) {
            throw new ConfigException("--median", "must be in [1, --max-len]", median);
        }
    }

    @Override
    public int run(BlockRun<KvCacheConfig> run, Path csv) throws Exception {
        KvCacheConfig cfg = run.config();
        seed = run.seed();
        PrintWriter o = run.out();
        KvCacheHarness harness = KvCacheHarness.compile(cfg, run.work(), run.simulation());

        BenchTable gather = throughput(harness, cfg, o);
        o.println();
        o.println("throughput on the RTL (no back-pressure); stream = first to last row, with setup = from the command "
                + "to the last row, back-to-back = 4 gathers of the sequence in a row");
        if (cfg.axi()) {
            o.println("AXI backend: the AXI memory model never stalls and answers each burst after 1 cycle");
        }
        gather.print(o);

        BenchTable waste = waste(harness, cfg);
        o.println();
        o.printf("memory waste = allocated but unused token slots / allocated; workload: %d sequences, log-normal "
                + "lengths (median %.0f, sigma 1) capped at %d, seed %d%n", sequences, median, maxLen, seed);
        waste.print(o);
        if (csv != null) {
            gather.writeCsv(csv);
            String name = csv.getFileName().toString();
            String stem = name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
            Path wasteCsv = csv.resolveSibling(stem + "-waste.csv");
            waste.writeCsv(wasteCsv);
            o.printf("%nwrote %s and %s%n", csv, wasteCsv);
        }
        o.flush();
        return 0;
    }

    private BenchTable throughput(KvCacheHarness harness, KvCacheConfig cfg, PrintWriter o) {
        List<Integer> lengths = new ArrayList<>();
        for (int l = 1; l <= cfg.maxTokens(); l *= 2) {
            lengths.add(l);
            if (l >= 8 && l * 3 / 2 <= cfg.maxTokens()) {
                lengths.add(l * 3 / 2);
            }
        }
        int repeats = 4;
        List<KvCacheReference.Command> cmds = new ArrayList<>();
        byte[] row = new byte[cfg.lanes()];
        for (int len : lengths) {
            cmds.add(KvCacheReference.Command.alloc());
            for (int t = 0; t < len; t++) {
                row[0] = (byte) t;
                cmds.add(KvCacheReference.Command.append(0, row.clone(), row.clone()));
            }
            for (int g = 0; g < repeats; g++) {
                cmds.add(KvCacheReference.Command.gather(0, g % 2 == 1, 0, len));
            }
            cmds.add(KvCacheReference.Command.free(0));
        }
        KvCacheHarness.Report r = harness.run(KvCacheHarness.Source.of(cmds), seed, KvCacheHarness.Stalls.NONE, true);
        if (!r.passed()) {
            throw new IllegalStateException("throughput run disagrees with the golden model: " + r.mismatches());
        }
        BenchTable t = new BenchTable("seq_len", "pages", "gather_stream_rows_per_cycle", "gather_with_setup_rows_per_cycle",
                "gather_back_to_back_rows_per_cycle", "append_rows_per_cycle");
        List<Timing> tm = r.timings();
        int i = 0;
        for (int len : lengths) {
            i++; // alloc
            Timing firstAppend = tm.get(i);
            Timing lastAppend = tm.get(i + len - 1);
            i += len;
            Timing g0 = tm.get(i);
            Timing gLast = tm.get(i + repeats - 1);
            i += repeats;
            i++; // free
            double stream = (double) len / (g0.lastRow() - g0.firstRow() + 1);
            double withSetup = (double) len / (g0.lastRow() - g0.offered());
            double b2b = (double) len * repeats / (gLast.lastRow() - g0.offered());
            double append = (double) len / (lastAppend.accepted() - firstAppend.offered());
            t.add((long) len, (long) ((len + cfg.pageTokens() - 1) / cfg.pageTokens()), stream, withSetup, b2b, append);
        }
        return t;
    }

    private BenchTable waste(KvCacheHarness harness, KvCacheConfig cfg) {
        BenchTable t = new BenchTable("workload", "allocation", "page_tokens", "sequences", "tokens", "slots_allocated",
                "waste_pct");
        int[] finished = KvCacheWorkloads.longTailed(seed, sequences, median, 1.0, maxLen);
        int[] inFlight = KvCacheWorkloads.inFlight(seed + 1, finished);
        for (var w : List.of(new Object[] {"finished", finished}, new Object[] {"in-flight", inFlight})) {
            String name = (String) w[0];
            int[] lengths = (int[]) w[1];
            Waste c = KvCacheWorkloads.contiguous(lengths, maxLen);
            t.add(name, "contiguous " + maxLen, (long) maxLen, (long) c.sequences(), c.tokens(), c.slots(), 100 * c.fraction());
            for (int p : new int[] {8, 16, 32, 64}) {
                Waste pw = KvCacheWorkloads.paged(lengths, p, maxLen);
                t.add(name, "paged (golden model)", (long) p, (long) pw.sequences(), pw.tokens(), pw.slots(),
                        100 * pw.fraction());
            }
        }
        // The same shape of workload, scaled to the preset, through the RTL: pages held as the
        // controller reports them (the harness checks every response against the golden model).
        int[] small = rtlWorkload(cfg);
        List<KvCacheReference.Command> cmds = new ArrayList<>();
        for (int s = 0; s < small.length; s++) {
            cmds.add(KvCacheReference.Command.alloc());
        }
        byte[] row = new byte[cfg.lanes()];
        int longest = 0;
        for (int l : small) {
            longest = Math.max(longest, l);
        }
        for (int tok = 0; tok < longest; tok++) {
            for (int s = 0; s < small.length; s++) {
                if (tok < small[s]) {
                    cmds.add(KvCacheReference.Command.append(s, row, row));
                }
            }
        }
        for (int s = 0; s < small.length; s++) {
            cmds.add(KvCacheReference.Command.query(s));
        }
        KvCacheHarness.Report r = harness.run(KvCacheHarness.Source.of(cmds), seed, KvCacheHarness.Stalls.NONE, true);
        if (!r.passed()) {
            throw new IllegalStateException("waste run disagrees with the golden model: " + r.mismatches());
        }
        long tokens = 0;
        long slots = 0;
        for (Timing tm : r.timings()) {
            if (tm.command().op() == KvCacheReference.OP_QUERY) {
                tokens += tm.response().length();
                slots += (long) tm.response().pages() * cfg.pageTokens();
            }
        }
        Waste c = KvCacheWorkloads.contiguous(small, cfg.maxTokens());
        t.add("rtl-" + small.length, "contiguous " + cfg.maxTokens(), (long) cfg.maxTokens(), (long) small.length,
                c.tokens(), c.slots(), 100 * c.fraction());
        t.add("rtl-" + small.length, "paged (RTL)", (long) cfg.pageTokens(), (long) small.length, tokens, slots,
                100 * (double) (slots - tokens) / slots);
        return t;
    }

    /** Long-tailed lengths scaled to the preset (median maxTokens / 8), as many as fit the pool. */
    private int[] rtlWorkload(KvCacheConfig cfg) {
        int[] l = KvCacheWorkloads.longTailed(seed, cfg.maxSeqs(), cfg.maxTokens() / 8.0, 1.0, cfg.maxTokens());
        int pages = 0;
        int n = 0;
        while (n < l.length && pages + (l[n] + cfg.pageTokens() - 1) / cfg.pageTokens() <= cfg.numPages()) {
            pages += (l[n] + cfg.pageTokens() - 1) / cfg.pageTokens();
            n++;
        }
        return java.util.Arrays.copyOf(l, Math.max(1, n));
    }
}
