package org.chiltepin.gen;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.chiltepin.hw.vector.VectorConfig;
import org.chiltepin.verif.golden.VectorFloatReference;
import org.chiltepin.verif.golden.VectorMachine;
import org.chiltepin.verif.golden.VectorMachine.Command;
import org.chiltepin.verif.golden.VectorReference;
import org.chiltepin.verif.vector.VectorHarness;
import org.chiltepin.verif.vector.VectorProgram;
import picocli.CommandLine.Option;

/**
 * {@code chiltepin bench vector}: per operation, elements per cycle on the Verilated RTL (command
 * accepted to response, no back-pressure, results checked against the golden model) and the
 * accuracy of the golden model — bit-exact with the RTL — against the double reference.
 */
@picocli.CommandLine.Command(description = {"Measure the vector unit: per operation, elements/cycle on the Verilated RTL",
        "(vectors of words/4 elements, command accepted to response, no back-pressure, checked against the",
        "golden model) and accuracy against the double-precision reference (max and RMS error in output LSBs,",
        "max relative error) over random inputs. --all-presets measures the throughput of every preset (lanes 4, 8, 16)."})
final class VectorBench implements Benchmark<VectorConfig> {
    private static final String[] NAMES = {"?", "load", "store", "add", "mul", "scale", "exp", "silu", "norm", "max", "sum",
        "rms", "quant", "rope"};

    @Option(names = "--all-presets", description = "Measure throughput on every preset (one Verilator build each).")
    boolean allPresets;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "100000",
            description = "Random inputs per operation for the accuracy figures (default: ${DEFAULT-VALUE}).")
    int samples;

    @Override
    public void check(VectorConfig config) {
        if (samples < 100 || samples > 10_000_000) {
            throw new org.chiltepin.hw.ConfigException("--samples", "must be in [100, 10000000]", samples);
        }
    }

    /** Accuracy of one operation: errors in output LSBs and relative to the reference. */
    record Accuracy(double maxErr, double rmsErr, double maxRel) {
    }

    @Override
    public int run(BlockRun<VectorConfig> run, Path csv) throws Exception {
        PrintWriter o = run.out();
        List<VectorConfig> configs = allPresets ? List.copyOf(VectorConfig.presets().values()) : List.of(run.config());
        Accuracy[] acc = accuracy(run.seed());
        BenchTable table = new BenchTable("op", "lanes", "elements", "cycles", "elements_per_cycle", "max_err_lsb",
                "rms_err_lsb", "max_rel_err");
        for (VectorConfig c : configs) {
            Path work = allPresets ? run.work().resolve("lanes" + c.lanes()) : run.work();
            o.printf("  building the %d-lane unit with Verilator...%n", c.lanes());
            o.flush();
            VectorHarness h = VectorHarness.compile(c, work, run.simulation());
            for (int op = VectorMachine.LOAD; op <= VectorMachine.ROPE; op++) {
                VectorHarness.Report r = h.run(program(c, op, run.seed()), run.seed(), VectorHarness.Stalls.NONE);
                if (!r.passed()) {
                    o.println("FAIL: " + NAMES[op] + " on " + c.lanes() + " lanes: " + r.mismatches());
                    return 1;
                }
                long elements = 0;
                long cycles = 0;
                for (VectorHarness.Timing t : r.timings()) {
                    if (t.op() == op && t.status() == VectorMachine.OK && (op != VectorMachine.LOAD || t.len() == c.words() / 4)) {
                        elements += t.len();
                        cycles += t.cycles();
                    }
                }
                Accuracy a = acc[op];
                table.add(NAMES[op], (long) c.lanes(), elements, cycles, (double) elements / cycles, a.maxErr(), a.rmsErr(),
                        a.maxRel());
            }
            Accuracy s = acc[0];
            table.add("softmax", (long) c.lanes(), 0L, 0L, 0.0, s.maxErr(), s.rmsErr(), s.maxRel());
        }
        o.println();
        o.printf("throughput: 4 commands of words/4 elements per op, command accepted to response, no back-pressure;%n"
                + "accuracy: the golden model (bit-exact with the RTL) against doubles, %d random inputs per op, seed %d;%n"
                + "softmax = MAX, EXP, SUM, NORM over 64 scores (Q15 probabilities; its throughput is that of its commands)%n",
                samples, run.seed());
        table.print(o);
        if (csv != null) {
            table.writeCsv(csv);
            o.println("wrote " + csv);
        }
        return 0;
    }

    /** LOAD two vectors of words/4 elements, then 4 commands of {@code op} on them. */
    static VectorProgram program(VectorConfig c, int op, int seed) {
        int n = c.words() / 4;
        Random rng = new Random(seed);
        VectorProgram p = new VectorProgram(c.lanes(), c.words());
        for (int v = 0; v < 2; v++) {
            long[] data = new long[n];
            for (int i = 0; i < n; i++) {
                data[i] = rng.nextInt(1 << 16) - (1 << 15);
            }
            p.add(new Command(VectorMachine.LOAD, 0, 0, v * n, 0, 0, n, 0, 0), data);
        }
        for (int k = 0; k < 4; k++) {
            int dst = VectorMachine.reduction(op) ? 3 * n : 2 * n;
            int b = op == VectorMachine.QUANT ? 3 * n + 2 : n; // QUANT writes its scale word there; the others read B or b0
            p.add(new Command(op, 0, k + 1, dst, 0, b, n, 3, 8), op == VectorMachine.LOAD ? new long[n] : null);
        }
        return p;
    }

    /** Index 0: softmax; otherwise by opcode. */
    Accuracy[] accuracy(int seed) {
        Random r = new Random(seed);
        Accuracy[] a = new Accuracy[VectorMachine.ROPE + 1];
        Accuracy exact = new Accuracy(0, 0, 0);
        a[VectorMachine.LOAD] = exact;
        a[VectorMachine.STORE] = exact;
        a[VectorMachine.MAX] = exact;
        a[VectorMachine.SUM] = exact; // an exact int64 sum, rounded once by the command's shift
        int mult = 23456;
        a[VectorMachine.ADD] = measure(r, rng -> {
            long x = rng.nextInt() >> 8;
            long y = rng.nextInt() >> 8;
            return new long[] {VectorReference.add(x, y, mult, 16, 32), Double.doubleToLongBits(VectorFloatReference.add(x, y, mult, 16)), 1};
        });
        a[VectorMachine.MUL] = measure(r, rng -> {
            long x = rng.nextInt(1 << 16) - (1 << 15);
            long y = rng.nextInt(1 << 16) - (1 << 15);
            return new long[] {VectorReference.mul(x, y, 12, 32), Double.doubleToLongBits(VectorFloatReference.mul(x, y, 12)), 1};
        });
        a[VectorMachine.SCALE] = measure(r, rng -> {
            long x = rng.nextInt();
            return new long[] {VectorReference.scale(x, mult, 20, 32), Double.doubleToLongBits(VectorFloatReference.scale(x, mult, 20)), 1};
        });
        a[VectorMachine.EXP] = measure(r, rng -> {
            long d = -(long) rng.nextInt(12 << 16); // scores in Q16, up to 12 below the maximum
            double ref = Math.exp(d / 65536.0) * 32768;
            return new long[] {VectorReference.exp(d, 0, VectorReference.LOG2E_Q14, 14, 32), Double.doubleToLongBits(ref), 1};
        });
        a[VectorMachine.SILU] = measure(r, rng -> {
            long x = rng.nextInt(16 << 16) - (8 << 16); // x in [−8, 8) in Q16
            return new long[] {VectorReference.silu(x, 16, 32), Double.doubleToLongBits(VectorFloatReference.silu(x, 16)), 1};
        });
        a[VectorMachine.NORM] = measure(r, rng -> {
            long x = rng.nextInt(32769);
            long v = 32768 + rng.nextInt(1 << 24);
            return new long[] {VectorReference.norm(x, v, 31, 32), Double.doubleToLongBits(VectorFloatReference.norm(x, v, 31)), 1};
        });
        a[0] = softmax(r);
        // squares rounded right just enough that 64 of them stay below 2^30 (no saturation)
        a[VectorMachine.RMS] = perVector(r, 64, v -> new double[] {VectorReference.rms(v, 65536 / 64, squareShift(v), 32, 0)},
                v -> new double[] {VectorFloatReference.rms(v) * Math.pow(2, 8 - squareShift(v) / 2.0)});
        a[VectorMachine.QUANT] = perVector(r, 64, v -> java.util.Arrays.stream(VectorReference.quant(v).q()).asDoubleStream().toArray(),
                VectorFloatReference::quant);
        a[VectorMachine.ROPE] = measure(r, rng -> {
            long x0 = rng.nextInt(1 << 16) - (1 << 15);
            long x1 = rng.nextInt(1 << 16) - (1 << 15);
            double theta = rng.nextDouble() * 2 * Math.PI;
            long[] cs = {Math.round(Math.cos(theta) * 16384), Math.round(Math.sin(theta) * 16384)};
            long[] out = VectorReference.rope(new long[] {x0, x1}, cs, 14, 32);
            return new long[] {out[0], Double.doubleToLongBits(VectorFloatReference.rope(x0, x1, theta)[0]), 1};
        });
        return a;
    }

    private interface Sample {
        /** {golden value, double bits of the reference, 1}. */
        long[] draw(Random rng);
    }

    private Accuracy measure(Random rng, Sample s) {
        double max = 0;
        double sq = 0;
        double rel = 0;
        for (int i = 0; i < samples; i++) {
            long[] x = s.draw(rng);
            double ref = Double.longBitsToDouble(x[1]);
            double err = Math.abs(x[0] - ref);
            max = Math.max(max, err);
            sq += err * err;
            if (Math.abs(ref) >= 1) {
                rel = Math.max(rel, err / Math.abs(ref));
            }
        }
        return new Accuracy(max, Math.sqrt(sq / samples), rel);
    }

    /** RMS's shift for a vector of the bench: squares of b-bit values rounded to 24 bits. */
    private static int squareShift(long[] v) {
        long max = 0;
        for (long x : v) {
            max = Math.max(max, Math.abs(x));
        }
        return Math.max(0, 2 * (64 - Long.numberOfLeadingZeros(max)) - 24);
    }

    /** Vectors of n values drawn over 8..31 bits of magnitude; every output compared. */
    private Accuracy perVector(Random rng, int n, java.util.function.Function<long[], double[]> golden,
            java.util.function.Function<long[], double[]> reference) {
        double max = 0;
        double sq = 0;
        double rel = 0;
        long count = 0;
        for (int k = 0; k < Math.max(1, samples / n); k++) {
            long[] v = new long[n];
            int bits = 8 + rng.nextInt(24);
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextInt() >> (32 - bits);
            }
            double[] g = golden.apply(v);
            double[] f = reference.apply(v);
            for (int i = 0; i < g.length; i++) {
                double err = Math.abs(g[i] - f[i]);
                max = Math.max(max, err);
                sq += err * err;
                count++;
                if (Math.abs(f[i]) >= 1) {
                    rel = Math.max(rel, err / Math.abs(f[i]));
                }
            }
        }
        return new Accuracy(max, Math.sqrt(sq / count), rel);
    }

    private Accuracy softmax(Random rng) {
        org.chiltepin.verif.golden.LlamaVectorProgram ops = new org.chiltepin.verif.golden.LlamaVectorProgram(1, 2);
        int n = 64;
        double max = 0;
        double sq = 0;
        double rel = 0;
        long count = 0;
        for (int k = 0; k < Math.max(1, samples / n); k++) {
            long[] s = new long[n];
            for (int i = 0; i < n; i++) {
                s[i] = rng.nextInt(8 << 16) - (4 << 16); // scores in [−4, 4) in Q16
            }
            long[] p = ops.softmax(s, n, -16);
            double[] f = VectorFloatReference.softmax(s, -16);
            for (int i = 0; i < n; i++) {
                double err = Math.abs(p[i] - f[i]);
                max = Math.max(max, err);
                sq += err * err;
                count++;
                if (f[i] >= 1) {
                    rel = Math.max(rel, err / f[i]);
                }
            }
        }
        return new Accuracy(max, Math.sqrt(sq / count), rel);
    }
}
