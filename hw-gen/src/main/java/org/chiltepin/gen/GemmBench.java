package org.chiltepin.gen;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.MersenneTwister;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.verif.gemm.GemmHarness;
import org.chiltepin.verif.gemm.GemmProgram;
import org.chiltepin.verif.golden.GemmFloatReference;
import org.chiltepin.verif.golden.GemmReference;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chiltepin bench gemm}: runs whole tiled GEMMs on the Verilated engine with no stalls and
 * reads the engine's own performance counters: cycles, MAC utilization, and for GEMVs the input
 * port's bytes per cycle. Results are checked against the golden model as they run.
 */
@Command(description = {"MAC utilization = useful MACs / (rows × cols × cycles) of whole GEMMs, tiled with double",
        "buffering by the host-side tiler; cycles come from the engine's counters (CLEAR_COUNTERS ... FENCE).",
        "Every result is compared with the golden model; a mismatch fails the benchmark."})
final class GemmBench implements Benchmark<GemmConfig> {
    static final String DEFAULT_SHAPES = "1x64x64,1x256x256,16x64x172,64x64x64,128x128x128,256x256x256";

    @Option(names = "--shapes", paramLabel = "MxKxN,...", defaultValue = DEFAULT_SHAPES,
            description = "GEMM shapes (default: ${DEFAULT-VALUE}).")
    String shapes;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw utilization per shape.")
    Path plot;

    @Override
    public void check(GemmConfig config) {
        parseShapes(shapes);
        if (plot != null) {
            Outputs.checkFile("--plot", plot);
        }
    }

    record Shape(int m, int k, int n) {
        @Override
        public String toString() {
            return m + "x" + k + "x" + n;
        }
    }

    static List<Shape> parseShapes(String text) {
        List<Shape> list = new ArrayList<>();
        for (String s : text.split(",")) {
            String[] d = s.trim().split("x");
            try {
                if (d.length != 3) {
                    throw new NumberFormatException();
                }
                Shape shape = new Shape(Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]));
                if (shape.m() < 1 || shape.k() < 1 || shape.n() < 1 || shape.m() > 4096 || shape.k() > 4096 || shape.n() > 4096) {
                    throw new NumberFormatException();
                }
                list.add(shape);
            } catch (NumberFormatException e) {
                throw new ConfigException("--shapes", "must be a comma-separated list of MxKxN with 1 <= M, K, N <= 4096", s.trim());
            }
        }
        return list;
    }

    @Override
    public int run(BlockRun<GemmConfig> run, Path csv) throws Exception {
        GemmConfig cfg = run.config();
        int seed = run.seed();
        List<Shape> list = parseShapes(shapes);
        PrintWriter o = run.out();
        GemmHarness harness = GemmHarness.compile(cfg, run.work(), run.simulation());
        var params = GemmHarness.params(cfg);
        BenchTable table = new BenchTable("shape", "macs", "cycles", "ideal_cycles", "mac_utilization",
                "mac_active_fraction", "operand_bytes_per_cycle", "input_port_utilization", "stall_input", "stall_hazard",
                "quant_max_abs_lsb", "quant_rms_lsb", "verdict");
        boolean allPass = true;
        MersenneTwister rng = new MersenneTwister(seed);
        for (Shape s : list) {
            int[][] a = GemmProgram.randomInt8(rng, s.m(), s.k());
            int[][] b = GemmProgram.randomInt8(rng, s.k(), s.n());
            int[] mult = new int[s.n()];
            int[] shift = new int[s.n()];
            for (int j = 0; j < s.n(); j++) {
                mult[j] = 1 + rng.nextInt(32767);
                shift[j] = 20 + rng.nextInt(8);
            }
            GemmProgram prog = new GemmProgram(params);
            prog.clearCounters();
            var blocks = prog.gemm(a, b, mult, shift, false);
            long operandBytes = 0;
            for (var c : prog.commands()) {
                if (c.opcode() == GemmReference.LOAD_A) {
                    operandBytes += (long) c.count() * cfg.rows();
                } else if (c.opcode() == GemmReference.LOAD_B) {
                    operandBytes += (long) c.count() * cfg.cols();
                }
            }
            prog.fence();
            int firstCounter = prog.commands().size();
            for (int i = 0; i < 6; i++) {
                prog.readCounter(i);
            }
            GemmHarness.Report r = harness.run(prog, seed, GemmHarness.Stalls.NONE);
            // Quantization error of the int8 results (verified bit for bit above) against real arithmetic.
            GemmReference golden = new GemmReference(params);
            golden.run(prog.commands(), prog.data());
            int[][] c = GemmProgram.assemble(blocks, golden.beats(), s.m(), s.n(), cfg.cols());
            GemmFloatReference.Error q = GemmFloatReference.error(c,
                    GemmFloatReference.realOutputs(a, b, mult, shift, false));
            Map<Integer, Long> readings = r.counterReadings();
            long[] counter = new long[6];
            for (int i = 0; i < 6; i++) {
                counter[i] = readings.getOrDefault(prog.commands().get(firstCounter + i).tag(), -1L);
            }
            long macs = (long) s.m() * s.k() * s.n();
            if (!r.passed() || counter[0] <= 0) {
                allPass = false;
                r.mismatches().forEach(m -> o.println("  " + s + ": " + m));
                o.printf("  %s: FAIL%n", s);
                table.add(s.toString(), macs, -1L, -1L, Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1L, -1L,
                        q.maxAbs(), q.rms(), "FAIL");
                continue;
            }
            long cycles = counter[0];
            long ideal = (macs + cfg.macsPerCycle() - 1) / cfg.macsPerCycle();
            double util = (double) macs / ((double) cfg.macsPerCycle() * cycles);
            double bytesPerCycle = (double) operandBytes / cycles;
            table.add(s.toString(), macs, cycles, ideal, util, (double) counter[2] / cycles, bytesPerCycle,
                    bytesPerCycle / cfg.dataBytes(), counter[3], counter[5], q.maxAbs(), q.rms(), "PASS");
            o.printf("  %s: %d cycles, utilization %.1f %%%n", s, cycles, 100 * util);
            o.flush();
        }
        o.println();
        table.print(o);
        if (csv != null) {
            table.writeCsv(csv);
            o.printf("wrote %s%n", csv);
        }
        if (plot != null) {
            CategoryChart chart = new CategoryChartBuilder().width(800).height(450)
                    .title("Chiltepin GEMM engine " + cfg.rows() + "x" + cfg.cols() + ": MAC utilization")
                    .xAxisTitle("M x K x N").yAxisTitle("utilization (%)").build();
            chart.getStyler().setLegendVisible(false);
            chart.addSeries("utilization", table.rows().stream().map(row -> (String) row.get(0)).toList(),
                    table.rows().stream().map(row -> 100 * (Double) row.get(4)).toList());
            BitmapEncoder.saveBitmap(chart, plot.toString(), BitmapEncoder.BitmapFormat.PNG);
            o.printf("wrote %s%n", plot);
        }
        o.flush();
        return allPass ? 0 : 1;
    }
}
