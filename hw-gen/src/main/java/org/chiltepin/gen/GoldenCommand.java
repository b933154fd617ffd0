package org.chiltepin.gen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.chiltepin.gen.StimulusOptions.Cases;
import org.chiltepin.gen.StimulusOptions.Stall;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chiltepin golden BLOCK}, for every block with {@link GoldenVectors}: writes the JSON test
 * vectors its cocotb testbench reads (docs/verification.md).
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false)
final class GoldenCommand<C extends Record> extends BlockCommand<C> {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GoldenVectors<C> golden;
    private final Cases cases;
    private final Stall stall = new Stall();
    private final Out out = new Out();

    /** {@code --out FILE}. */
    static final class Out {
        @Option(names = "--out", paramLabel = "FILE", required = true, description = "Vectors file (JSON).")
        Path file;
    }

    private GoldenCommand(BlockKind<C> kind, GoldenVectors<C> golden) {
        super(kind, true);
        this.golden = golden;
        this.cases = new Cases(golden.defaultCases());
    }

    /** {@code golden BLOCK} for a kind that has golden vectors. */
    static <C extends Record> CommandLine of(BlockKind<C> kind) {
        GoldenVectors<C> golden = kind.golden();
        GoldenCommand<C> c = new GoldenCommand<>(kind, golden);
        return c.assemble(c.config, c.seed, c.cases, c.stall, golden, c.out);
    }

    @Override
    public Integer call() throws IOException {
        C cfg = resolveConfig();
        BlockRun<C> run = new BlockRun<>(cfg, configArgs(), seed.get(), cases.get(), stall.get(), null, null, out());
        golden.check(cfg);
        Outputs.checkFile("--out", out.file);
        ObjectNode root = JSON.createObjectNode();
        root.put("block", kind.name());
        root.put("configArgs", run.configArgs());
        root.set("config", JSON.valueToTree(cfg));
        root.put("seed", run.seed());
        root.put("stall", run.stall());
        root.put("top", kind.defaultTop());
        String what = golden.write(root, run);
        Path file = out.file;
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        JSON.writeValue(file.toFile(), root);
        run.out().printf("golden %s %s: seed %d, %s -> %s%n", kind.name(), run.configArgs(), run.seed(), what, file);
        run.out().flush();
        return 0;
    }
}
