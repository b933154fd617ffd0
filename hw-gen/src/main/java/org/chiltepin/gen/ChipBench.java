package org.chiltepin.gen;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.chip.ChipHarness.Report;
import org.chiltepin.verif.chip.ChipHarness.Stalls;
import org.chiltepin.verif.chip.ChipWorkloads;
import org.chiltepin.verif.chip.ChipWorkloads.Workload;
import org.chiltepin.verif.golden.ChipReference;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chiltepin bench chip}: GEMM scaling over tiles and the GEMV stream against the memory roofline. */
@Command(description = {"Run (a) an S×S×S GEMM split by rows over 1, 2, 4, 8 GEMM tiles and (b) a stream of G GEMVs",
        "(1×S×S, a fresh weight matrix each, columns split over the tiles) on the Verilated chip, every result checked",
        "bit-exact against the chip golden model. Memory: the AXI model at one 8-byte beat per cycle each way, fixed",
        "latency. Reports cycles, speedup over one tile, MAC utilization, bytes on the memory port, the busiest mesh",
        "link (flits counted from the message list along the XY routes; every link's bytes go to FILE-links.csv beside",
        "--csv), and the roofline: attained MACs/cycle against min(peak, 8 B/cycle × MACs per memory byte). Tile",
        "counts above the preset's GEMM tiles run on `large`. On 2+ GEMM tiles also (c) a two-layer chain",
        "W2·(W1·X) on two tiles with the intermediate through memory (chain-mem) or tile → tile (chain-t2t)."})
final class ChipBench implements Benchmark<ChipConfig> {
    @Option(names = "--tiles", paramLabel = "N,N,...", split = ",", defaultValue = "1,2,4,8",
            description = "GEMM tile counts (default: ${DEFAULT-VALUE}).")
    List<Integer> tiles;

    @Option(names = "--size", paramLabel = "S", defaultValue = "256", description = "GEMM S×S×S, GEMV 1×S×S (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--gemvs", paramLabel = "G", defaultValue = "8", description = "GEMVs in the stream (default: ${DEFAULT-VALUE}).")
    int gemvs;

    @Option(names = "--latency", paramLabel = "C", defaultValue = "20", description = "Memory latency in cycles (default: ${DEFAULT-VALUE}).")
    int latency;

    @Option(names = "--block-cols", paramLabel = "C", defaultValue = "8",
            description = "Widest B column block of a step, 0 for half the B scratchpad (default: ${DEFAULT-VALUE}).")
    int blockCols;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also plot speedup and roofline fraction per tile count.")
    Path plot;

    @Override
    public void check(ChipConfig config) {
        if (plot != null) {
            Outputs.checkFile("--plot", plot);
        }
        ConfigException.requireRange("--size", size, 8, 1024);
        ConfigException.requireRange("--gemvs", gemvs, 1, 64);
        ConfigException.requireRange("--latency", latency, 1, 1000);
        ConfigException.requireRange("--block-cols", blockCols, 0, size);
        for (int t : tiles) {
            if (t < 1 || t > ChipConfig.preset("large").gemmNodes().size() || size % (t * 8) != 0) {
                throw new ConfigException("--tiles", "each must be in [1, 8] and divide --size / 8", t);
            }
        }
    }

    @Override
    public int run(BlockRun<ChipConfig> run, Path csv) throws Exception {
        PrintWriter o = run.out();
        Map<ChipConfig, ChipHarness> built = new HashMap<>();
        BenchTable table = new BenchTable("workload", "tiles", "cycles", "speedup", "mac_util", "mem_bytes", "max_link_bytes",
                "busiest_link", "mem_tile_out_bytes", "attained_macs_per_cycle", "roofline_bound", "of_roofline");
        BenchTable links = new BenchTable("workload", "tiles", "link", "bytes");
        Map<String, Long> oneTile = new HashMap<>();
        List<String> labels = new ArrayList<>();
        List<Double> speedups = new ArrayList<>();
        List<Double> roofs = new ArrayList<>();
        for (String w : List.of("gemm", "gemv")) {
            for (int t : tiles) {
                ChipConfig cfg = t <= run.config().gemmNodes().size() ? run.config() : ChipConfig.preset("large");
                ChipHarness h = built.computeIfAbsent(cfg, c -> {
                    o.printf("  building the Verilator model (%d GEMM tiles) ...%n", c.gemmNodes().size());
                    o.flush();
                    return ChipHarness.compile(c, run.work().resolve(c.gemmNodes().size() + "tiles"), run.simulation());
                });
                List<Integer> nodes = cfg.gemmNodes().subList(0, t);
                boolean gemv = w.equals("gemv");
                Workload wl;
                try {
                    wl = ChipWorkloads.gemms(ChipHarness.params(cfg), cfg.k(), nodes, cfg.node(ChipConfig.TileKind.CONTROL),
                            cfg.node(ChipConfig.TileKind.MEMORY), gemv ? gemvs : 1, gemv ? 1 : size, size, size, run.seed(),
                            blockCols);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("--size", e.getMessage(), size);
                }
                Report r = h.run(List.of(wl.commands()), wl.memory(), run.seed(), new Stalls(0, 0, 0, latency, latency, 0));
                if (!r.passed() || r.responses() != wl.commands().size()) {
                    o.println("  FAIL " + w + " on " + t + " tiles: " + String.join("; ", r.mismatches()));
                    o.println("FAIL");
                    o.flush();
                    return 1;
                }
                long cycles = r.lastResponse();
                oneTile.putIfAbsent(w, t == 1 ? cycles : -1L);
                double speedup = oneTile.get(w) > 0 ? (double) oneTile.get(w) / cycles : Double.NaN;
                double ofRoof = row(table, links, w, t, cycles, speedup, wl.macs(), t * cfg.gemm().macsPerCycle(), r, wl.linkFlits());
                o.printf("  %s on %d tile(s): %d cycles, %d responses and %d memory words compared%n", w, t, cycles,
                        r.responses(), r.wordsCompared());
                o.flush();
                labels.add(w + " ×" + t);
                speedups.add(speedup);
                roofs.add(ofRoof);
            }
        }
        if (run.config().gemmNodes().size() >= 2 && !chain(run, built.computeIfAbsent(run.config(), c -> {
            o.printf("  building the Verilator model (%d GEMM tiles) ...%n", c.gemmNodes().size());
            o.flush();
            return ChipHarness.compile(c, run.work().resolve(c.gemmNodes().size() + "tiles"), run.simulation());
        }), table, links)) {
            return 1;
        }
        o.println();
        table.print(o);
        if (csv != null) {
            table.writeCsv(csv);
            Path linksCsv = csv.resolveSibling(csv.getFileName().toString().replaceFirst("(\\.csv)?$", "-links.csv"));
            links.writeCsv(linksCsv);
            o.printf("  csv   %s, every link's bytes in %s%n", csv, linksCsv);
        }
        if (plot != null) {
            CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
                    .title("chip: " + size + "³ GEMM and 1×" + size + "×" + size + " GEMV stream").xAxisTitle("workload × tiles")
                    .yAxisTitle("speedup over 1 tile / fraction of roofline").build();
            chart.addSeries("speedup", labels, speedups.stream().map(d -> d.isNaN() ? 0 : d).toList());
            chart.addSeries("fraction of roofline", labels, roofs);
            if (plot.toAbsolutePath().getParent() != null) {
                Files.createDirectories(plot.toAbsolutePath().getParent());
            }
            BitmapEncoder.saveBitmap(chart, plot.toString(), BitmapEncoder.BitmapFormat.PNG);
            o.printf("  plot  %s%n", plot);
        }
        o.flush();
        return 0;
    }

    /**
     * One table row (and the workload's link rows, busiest first); returns the fraction of the
     * roofline. Link bytes are flits × 8 along the XY routes; "mem.*" are the memory tile's local links.
     */
    private static double row(BenchTable table, BenchTable links, String w, int t, long cycles, double speedup, long macs,
            int peak, Report r, Map<String, Long> linkFlits) {
        long memBytes = r.bytesRead() + r.bytesWritten();
        double attained = (double) macs / cycles;
        double bound = Math.min(peak, ChipConfig.FLIT_WIDTH / 8.0 * macs / memBytes);
        List<Map.Entry<String, Long>> mesh = linkFlits.entrySet().stream().filter(e -> !e.getKey().startsWith("mem."))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey())).toList();
        long maxLink = mesh.isEmpty() ? 0 : mesh.get(0).getValue() * 8;
        long eject = linkFlits.getOrDefault("mem.inject", 0L) * 8;
        table.add(w, (long) t, cycles, speedup, attained / peak, memBytes, maxLink, mesh.isEmpty() ? "-" : mesh.get(0).getKey(),
                eject, attained, bound, attained / bound);
        for (Map.Entry<String, Long> e : mesh) {
            links.add(w, (long) t, e.getKey(), e.getValue() * 8);
        }
        for (String local : List.of("mem.inject", "mem.eject")) {
            links.add(w, (long) t, local, linkFlits.getOrDefault(local, 0L) * 8);
        }
        return attained / bound;
    }

    /** (c) the two-layer chain on the first two GEMM tiles, intermediate through memory, then tile → tile. */
    private boolean chain(BlockRun<ChipConfig> run, ChipHarness h, BenchTable table, BenchTable links) {
        PrintWriter o = run.out();
        ChipConfig cfg = run.config();
        int d = Math.min(size / 2, ChipReference.TILE_BUFFER_WORDS / 2) / cfg.gemm().rows() * cfg.gemm().rows();
        long memCycles = 0;
        for (boolean viaTile : new boolean[] {false, true}) {
            String w = viaTile ? "chain-t2t" : "chain-mem";
            ChipWorkloads.Chain c;
            try {
                c = ChipWorkloads.chain(ChipHarness.params(cfg), cfg.k(), cfg.gemmNodes().get(0), cfg.gemmNodes().get(1),
                        cfg.node(ChipConfig.TileKind.CONTROL), cfg.node(ChipConfig.TileKind.MEMORY), d, gemvs * 2, run.seed(),
                        viaTile);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--size", e.getMessage(), size);
            }
            Report r = h.run(c.phases(), c.memory(), run.seed(), new Stalls(0, 0, 0, latency, latency, 0));
            long commands = c.phases().stream().mapToLong(List::size).sum();
            if (!r.passed() || r.responses() != commands) {
                o.println("  FAIL " + w + ": " + String.join("; ", r.mismatches()));
                o.println("FAIL");
                o.flush();
                return false;
            }
            long cycles = r.lastResponse();
            memCycles = viaTile ? memCycles : cycles;
            row(table, links, w, 2, cycles, (double) memCycles / cycles, c.macs(), 2 * cfg.gemm().macsPerCycle(), r, c.linkFlits());
            o.printf("  %s (%d×%d layers, %d blocks of %d tokens): %d cycles, %d responses and %d memory words compared%n", w, d,
                    d, gemvs * 2, cfg.gemm().cols(), cycles, r.responses(), r.wordsCompared());
            o.flush();
        }
        return true;
    }

}
