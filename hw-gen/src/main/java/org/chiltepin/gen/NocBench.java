package org.chiltepin.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.noc.NocConfig;
import org.chiltepin.verif.golden.NocReference;
import org.chiltepin.verif.noc.MeshHarness;
import org.chiltepin.verif.noc.MeshHarness.Report;
import org.chiltepin.verif.noc.MeshHarness.Traffic;
import org.chiltepin.verif.noc.TrafficPattern;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code chiltepin bench noc}: latency against offered load up to and past saturation. */
@Command(description = {"Sweep the offered load of a k × m mesh (request network, Bernoulli injection, always-ready sinks)",
        "and report average and 99th-percentile latency, accepted throughput, the zero-load latency next to the",
        "analytic model, and the saturation throughput as a fraction of the channel-load bound (4/k for a k × k",
        "mesh under uniform traffic)."})
final class NocBench implements Benchmark<NocConfig> {
    /** The mesh is given by --k, --m, --payload and --buffer-depth. */
    @Override
    public boolean takesConfig() {
        return false;
    }

    @Option(names = "--k", paramLabel = "K", required = true, description = "Columns of the mesh (1..8).")
    int k;

    @Option(names = "--m", paramLabel = "M", description = "Rows of the mesh (default: K).")
    Integer m;

    @Option(names = "--traffic", paramLabel = "T", defaultValue = "uniform",
            description = "uniform, transpose, bit-complement, hotspot or all-to-one (default: ${DEFAULT-VALUE}).")
    String traffic;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also plot latency against offered load.")
    Path plot;

    @Option(names = "--payload", paramLabel = "L", defaultValue = "4", description = "Payload words per packet; packets are L + 1 flits (default: ${DEFAULT-VALUE}).")
    int payload;

    @Option(names = "--buffer-depth", paramLabel = "D", defaultValue = "4", description = "Router input buffer depth (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1000", description = "Warm-up cycles per load point (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--cycles", paramLabel = "N", defaultValue = "5000", description = "Measured cycles per load point (default: ${DEFAULT-VALUE}).")
    int cycles;

    @Option(names = "--loads", paramLabel = "F,F,...", split = ",",
            description = "Offered loads as fractions of the uniform bound (default: 0.02,0.1,0.2,...,1.0,1.2).")
    List<Double> loads;

    @Override
    public void check(NocConfig config) {
        if (plot != null) {
            Outputs.checkFile("--plot", plot);
        }
    }

    @Override
    public int run(BlockRun<NocConfig> run, Path csv) throws IOException {
        int seed = run.seed();
        int rows = m == null ? k : m;
        TrafficPattern pattern;
        try {
            pattern = TrafficPattern.parse(traffic);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--traffic", "must be one of uniform, transpose, bit-complement, hotspot, all-to-one", traffic);
        }
        NocConfig cfg = new NocConfig(k, rows, 32, depth, Math.max(4, payload), "xy");
        ConfigException.requireRange("--payload", payload, 0, NocConfig.MAX_PAYLOAD_FLITS);
        ConfigException.requireRange("--cycles", cycles, 100, 10_000_000);
        ConfigException.requireRange("--warmup", warmup, 0, 10_000_000);
        if (loads == null) {
            loads = List.of(0.02, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2);
        }
        for (double f : loads) {
            if (!(f > 0 && f <= 10)) {
                throw new ConfigException("--loads", "each must be in (0, 10]", f);
            }
        }
        PrintWriter o = run.out();
        double bound = NocReference.uniformThroughputBound(k, rows);
        double textbook = 4.0 / Math.max(k, rows);
        o.printf("chiltepin bench noc: %d×%d mesh, %s traffic, %d-flit packets (1 head + %d payload), %d-flit buffers, seed %d%n",
                k, rows, pattern.cliName(), payload + 1, payload, depth, seed);
        o.printf("  uniform channel-load bound %.4f flits/node/cycle (4/k = %.4f)%n", bound, textbook);
        o.flush();
        long t0 = System.nanoTime();
        MeshHarness h = MeshHarness.compile(cfg, run.work(), run.simulation());
        o.printf("  model built in %.1f s (%s)%n", (System.nanoTime() - t0) / 1e9, Cli.verilatorVersion());

        // Zero load: isolated packets, and the per-hop slope at this packet length.
        List<MeshHarness.Isolated> iso = h.isolated(300, seed);
        SimpleRegression perHop = new SimpleRegression();
        double measuredSum = 0;
        double modelSum = 0;
        long exact = 0;
        for (MeshHarness.Isolated i : iso) {
            perHop.addData(i.hops(), i.latency() - (1 + i.payload()));
            measuredSum += i.latency();
            modelSum += i.model();
            exact += i.latency() == Math.round(i.model()) ? 1 : 0;
        }
        double avgHops = averageHops(pattern, k, rows);
        double t0Model = NocReference.zeroLoadLatency(avgHops, payload + 1, NocConfig.ROUTER_DELAY, NocConfig.NI_OVERHEAD);
        o.printf("  zero load   %d isolated packets: measured avg %.2f cycles, model avg %.2f, %d of %d exactly equal%n",
                iso.size(), measuredSum / iso.size(), modelSum / iso.size(), exact, iso.size());
        o.printf("              per hop %.3f cycles (slope of latency − serialization against hops), intercept %.2f%n",
                perHop.getSlope(), perHop.getIntercept());
        o.printf("              model for %s traffic: %.3f avg hops → T0 = (%.3f + 1)·%d + %d + %d = %.2f cycles%n",
                pattern.cliName(), avgHops, avgHops, NocConfig.ROUTER_DELAY, payload + 1, NocConfig.NI_OVERHEAD, t0Model);
        o.flush();

        BenchTable table = new BenchTable("offered_fraction", "offered", "accepted", "accepted_min_source", "accepted_of_bound", "latency_avg",
                "latency_p99", "network_latency_avg", "zero_load_model", "packets");
        List<Double> xs = new ArrayList<>();
        List<Double> avg = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> acc = new ArrayList<>();
        double patternBound = NocReference.throughputBound(k, rows, pattern.matrix(k, rows));
        double saturation = 0;
        double fullyAccepted = 0;
        for (double f : loads) {
            double load = f * bound;
            Traffic t = new Traffic(pattern, load, payload, 0.0, false, warmup, cycles, 400_000, 200, 4, 5000);
            Report r = h.run(t, seed);
            if (!r.passed()) {
                o.println("  FAIL at offered " + load + ": " + r.faults());
                o.println("FAIL");
                o.flush();
                return 1;
            }
            table.add(f, load, r.accepted(), r.acceptedMinSource(), r.accepted() / bound, r.latency(), r.latencyP99(), r.networkLatency(),
                    t0Model, r.measuredPackets());
            xs.add(load);
            avg.add(r.latency());
            p99.add(r.latencyP99());
            acc.add(r.accepted());
            saturation = Math.max(saturation, r.accepted());
            if (r.accepted() >= 0.98 * load) {
                fullyAccepted = load;
            }
            o.printf("  offered %.3f: accepted %.3f (least served source %.3f), latency avg %.1f p99 %.1f%n", load, r.accepted(),
                    r.acceptedMinSource(), r.latency(), r.latencyP99());
            o.flush();
        }
        o.println();
        table.print(o);
        if (csv != null) {
            table.writeCsv(csv);
        }
        o.printf("%n  zero-load latency   %.2f cycles measured at %.3f offered (model %.2f); %.3f cycles per hop%n",
                table.rows().isEmpty() ? Double.NaN : (Double) table.rows().get(0).get(7), xs.isEmpty() ? 0 : xs.get(0),
                t0Model, perHop.getSlope());
        o.printf("  saturation          %.4f flits/node/cycle accepted = %.1f %% of the bound %.4f%s%n", saturation,
                100 * saturation / bound, bound, k == rows ? String.format(java.util.Locale.ROOT, " (4/k = %.4f: %.1f %%)", textbook, 100 * saturation / textbook) : "");
        o.printf("  fully accepted      up to %.4f flits/node/cycle offered (accepted ≥ 98 %% of offered) = %.1f %% of the bound%n",
                fullyAccepted, 100 * fullyAccepted / bound);
        if (pattern != TrafficPattern.UNIFORM) {
            o.printf("  %-19s %.4f flits/node/cycle (channel-load bound of this pattern): %.1f %%%n",
                    pattern.cliName() + " bound", patternBound, 100 * saturation / patternBound);
        }
        if (csv != null) {
            o.printf("  csv                 %s%n", csv);
        }
        if (plot != null) {
            XYChart chart = new XYChartBuilder().width(800).height(500)
                    .title(k + "×" + rows + " mesh, " + pattern.cliName() + ", " + (payload + 1) + "-flit packets")
                    .xAxisTitle("offered load (flits/node/cycle)").yAxisTitle("latency (cycles)").build();
            chart.addSeries("average", xs, avg).setMarker(SeriesMarkers.CIRCLE);
            chart.addSeries("99th percentile", xs, p99).setMarker(SeriesMarkers.DIAMOND);
            chart.addSeries("zero-load model", List.of(0.0, xs.get(xs.size() - 1)), List.of(t0Model, t0Model))
                    .setMarker(SeriesMarkers.NONE);
            chart.getStyler().setYAxisLogarithmic(true);
            if (plot.toAbsolutePath().getParent() != null) {
                Files.createDirectories(plot.toAbsolutePath().getParent());
            }
            BitmapEncoder.saveBitmap(chart, plot.toString(), BitmapEncoder.BitmapFormat.PNG);
            o.printf("  plot                %s%n", plot);
        }
        o.flush();
        return 0;
    }

    /** Mean hop count of the pattern: exact for uniform, sampled (fixed seed) for the random mixtures. */
    static double averageHops(TrafficPattern pattern, int k, int m) {
        if (pattern == TrafficPattern.UNIFORM) {
            return NocReference.averageHopsUniform(k, m);
        }
        var rng = new org.apache.commons.math3.random.MersenneTwister(12345);
        int samples = pattern == TrafficPattern.HOTSPOT ? 4000 : 1;
        double total = 0;
        for (int s = 0; s < k * m; s++) {
            for (int i = 0; i < samples; i++) {
                total += NocReference.hops(k, s, pattern.destination(s, k, m, rng));
            }
        }
        return total / ((double) k * m * samples);
    }
}
