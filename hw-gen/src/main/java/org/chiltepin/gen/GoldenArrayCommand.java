package org.chiltepin.gen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.array.ArrayConfig;
import org.chiltepin.verif.array.MatMulCase;
import org.chiltepin.verif.array.MatMulCases;
import org.chiltepin.verif.golden.MatMulReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chiltepin golden array}: test vectors for the array's cocotb testbench — the same edge
 * and random tiles {@code verify array} uses, each with the golden model's result.
 */
@Command(name = "array", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write JSON test vectors for the array: configuration, seed, stall probability and, per tile,",
                "A, B and the golden model's C (verif/cocotb/array reads them)."})
final class GoldenArrayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config = new ConfigOptions();

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of data and stalls (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--cases", paramLabel = "N", defaultValue = "100", description = "Tiles (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--max-k", paramLabel = "K", description = "Largest K of a random tile (default: 3 × max(rows, cols) + 2).")
    Integer maxK;

    @Option(names = "--stall", paramLabel = "P", defaultValue = "0.3",
            description = "Stall probability the testbench applies on both streams (default: ${DEFAULT-VALUE}).")
    double stall;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Vectors file (JSON).")
    Path out;

    @Override
    public Integer call() throws IOException {
        ArrayConfig cfg = config.resolve(ArrayKind.INSTANCE);
        ConfigException.requireAtLeast("--cases", cases, 1);
        ConfigException.requireProbability("--stall", stall);
        int kMax = maxK != null ? maxK : 3 * cfg.tileSpacing() + 2;
        if (kMax < 1 || kMax > 1 << 16) {
            throw new ConfigException("--max-k", "must be in [1, 65536]", kMax);
        }
        List<MatMulCase> tiles = tiles(cfg, seed, cases, kMax);
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("block", "array");
        root.put("configArgs", config.asArguments());
        root.set("config", json.valueToTree(cfg));
        root.put("seed", seed);
        root.put("stall", stall);
        root.put("top", ArrayKind.INSTANCE.defaultTop());
        ArrayNode list = root.putArray("cases");
        for (MatMulCase c : tiles) {
            ObjectNode n = list.addObject();
            n.put("name", c.name());
            n.set("a", json.valueToTree(c.a()));
            n.set("b", json.valueToTree(c.b()));
            n.set("c", json.valueToTree(MatMulReference.multiply(c.a(), c.b(), cfg.inputWidth(), cfg.accWidth())));
        }
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        json.writer().without(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), root);
        var o = spec.commandLine().getOut();
        o.printf("golden array %s: seed %d, %d tiles -> %s%n", config.asArguments(), seed, tiles.size(), out);
        o.flush();
        return 0;
    }

    /** The tiles of {@code verify array}: edge tiles first, then random ones. */
    static List<MatMulCase> tiles(ArrayConfig cfg, int seed, int cases, int kMax) {
        MatMulCases gen = new MatMulCases(cfg.rows(), cfg.cols(), cfg.inputWidth());
        List<MatMulCase> tiles = new ArrayList<>(gen.edges(cfg.accWidth(), 64));
        if (tiles.size() > cases) {
            tiles = new ArrayList<>(tiles.subList(0, cases));
        }
        tiles.addAll(gen.random(seed, cases - tiles.size(), kMax));
        return tiles;
    }
}
