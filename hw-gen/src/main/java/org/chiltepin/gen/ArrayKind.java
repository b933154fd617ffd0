package org.chiltepin.gen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.array.ArrayConfig;
import org.chiltepin.hw.array.SystolicArray;
import org.chiltepin.verif.array.MatMulCase;
import org.chiltepin.verif.array.MatMulCases;
import org.chiltepin.verif.array.SystolicArrayHarness;
import org.chiltepin.verif.golden.MatMulReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The output-stationary systolic array core: generate, verify, golden, regress. */
final class ArrayKind extends BlockKind.Base<ArrayConfig> {
    static final ArrayKind INSTANCE = new ArrayKind();

    private ArrayKind() {
        super("array", ArrayConfig.class, ArrayConfig.presets(), "systolic_array", SystolicArray::new);
        verifyWith(Verify::new);
        goldenWith(Golden::new);
        regressWith(List.of("cosim", "cocotb"), List.of("tiny"), List.of("tiny", "small", "default", "large"), 100, 300);
    }

    @Override
    public String describe(ArrayConfig c) {
        return c.rows() + "×" + c.cols() + ", int" + c.inputWidth() + " × int" + c.inputWidth() + " → int" + c.accWidth()
                + " (wrapping)";
    }

    @Override
    public ObjectNode timing(ArrayConfig c, ObjectNode t) {
        t.put("dataflow", "output-stationary");
        t.put("macsPerCycle", c.macsPerCycle());
        t.put("firstRowLatencyCycles", c.firstRowLatency());
        t.put("lastRowLatencyCycles", c.lastRowLatency());
        t.put("minTileSpacingCycles", c.tileSpacing());
        t.put("description", "row i of a tile's result leaves m_axis cols + i cycles after the tile's last s_axis beat; "
                + "one s_axis beat per cycle while K >= max(rows, cols); the whole array holds while m_axis is stalled");
        return t;
    }

    /** {@code --max-k K}: the longest random tile, for verify and golden alike. */
    static final class MaxK {
        static final int LIMIT = 1 << 20;

        @Option(names = "--max-k", paramLabel = "K",
                description = "Largest K of a random tile, in [1, 1048576] (default: 3 × max(rows, cols) + 2).")
        Integer value;

        int get(ArrayConfig c) {
            return ConfigException.requireRange("--max-k", value != null ? value : 3 * c.tileSpacing() + 2, 1, LIMIT);
        }

        String asArguments() {
            return value == null ? "" : " --max-k " + value;
        }
    }

    /** A run's tiles: the edge tiles first (at most {@code cases}), then random ones. */
    record Tiles(List<MatMulCase> all, int edges) {
        static Tiles of(ArrayConfig cfg, int seed, int cases, int kMax) {
            MatMulCases gen = new MatMulCases(cfg.rows(), cfg.cols(), cfg.inputWidth());
            List<MatMulCase> tiles = new ArrayList<>(gen.edges(cfg.accWidth(), 64));
            if (tiles.size() > cases) {
                tiles = new ArrayList<>(tiles.subList(0, cases));
            }
            int edges = tiles.size();
            tiles.addAll(gen.random(seed, cases - edges, kMax));
            return new Tiles(tiles, edges);
        }
    }

    @Command(description = {"Generate the array, build it with Verilator and compare it, bit for bit, with the golden model",
            "on edge tiles (all minimum, all maximum, mixed signs, accumulator limit) and random tiles,",
            "under random valid/ready stalls. Exit 0 only on PASS."})
    static final class Verify implements Verifier<ArrayConfig, SystolicArrayHarness> {
        @Mixin
        MaxK maxK = new MaxK();

        @Override
        public boolean coverage() {
            return true;
        }

        @Override
        public void check(ArrayConfig config) {
            maxK.get(config);
        }

        @Override
        public SystolicArrayHarness compile(BlockRun<ArrayConfig> run) {
            return SystolicArrayHarness.compile(run.config(), run.work(), run.simulation());
        }

        @Override
        public Outcome run(SystolicArrayHarness harness, BlockRun<ArrayConfig> run) {
            ArrayConfig cfg = run.config();
            int kMax = maxK.get(cfg);
            Tiles tiles = Tiles.of(cfg, run.seed(), run.cases(), kMax);
            var r = harness.run(tiles.all(), run.seed(), new SystolicArrayHarness.Stalls(run.stall(), run.stall()));
            var o = run.out();
            o.printf("  stimulus    seed %d, %d edge + %d random tiles (K 1..%d), stall probability %.2f in / %.2f out%n",
                    run.seed(), tiles.edges(), tiles.all().size() - tiles.edges(), kMax, run.stall(), run.stall());
            o.printf("  compared    %d tiles, %d result rows, %d values, bit for bit%n", r.cases(), r.rowsCompared(),
                    r.rowsCompared() * cfg.cols());
            return Outcome.of(r, "array_seed" + run.seed());
        }

        @Override
        public String reproduceOptions() {
            return maxK.asArguments();
        }
    }

    @Command(description = {"Write JSON test vectors for the array: configuration, seed, stall probability and, per tile,",
            "A, B and the golden model's C (verif/cocotb/array reads them)."})
    static final class Golden implements GoldenVectors<ArrayConfig> {
        @Mixin
        MaxK maxK = new MaxK();

        @Override
        public void check(ArrayConfig config) {
            maxK.get(config);
        }

        @Override
        public String write(ObjectNode root, BlockRun<ArrayConfig> run) {
            ArrayConfig cfg = run.config();
            ObjectMapper json = new ObjectMapper();
            List<MatMulCase> tiles = Tiles.of(cfg, run.seed(), run.cases(), maxK.get(cfg)).all();
            ArrayNode list = root.putArray("cases");
            for (MatMulCase c : tiles) {
                ObjectNode n = list.addObject();
                n.put("name", c.name());
                n.set("a", json.valueToTree(c.a()));
                n.set("b", json.valueToTree(c.b()));
                n.set("c", json.valueToTree(MatMulReference.multiply(c.a(), c.b(), cfg.inputWidth(), cfg.accWidth())));
            }
            return tiles.size() + " tiles";
        }
    }
}
