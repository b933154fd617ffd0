package org.chiltepin.gen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.chiltepin.hdl.Simulation;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.chip.ChipHarness;
import org.chiltepin.verif.golden.LlamaInt8Weights;
import org.chiltepin.verif.golden.LlamaIntReference;
import org.chiltepin.verif.golden.VectorReference;
import org.chiltepin.verif.llm.BundledModel;
import org.chiltepin.verif.llm.Checkpoint;
import org.chiltepin.verif.llm.FloatLlama;
import org.chiltepin.verif.llm.LlamaEngine;
import org.chiltepin.verif.llm.ModelFileException;
import org.chiltepin.verif.llm.Tokenizer;
import org.chiltepin.verif.runtime.ChipLlama;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The model, tokenizer and engine options of {@code run llama} and {@code bench llama}. */
final class LlamaModelOptions {
    /** Engines by name that need nothing but the checkpoint; "sim" also needs a chip ({@link #engine}). */
    static final Map<String, Function<Checkpoint, LlamaEngine>> ENGINES = new LinkedHashMap<>();

    static {
        ENGINES.put("golden", c -> new LlamaIntReference(new LlamaInt8Weights(c),
                new org.chiltepin.verif.golden.LlamaVectorProgram(c.config().seqLen(), c.config().headSize())));
        ENGINES.put("float", FloatLlama::new);
    }

    @Option(names = "--model", paramLabel = "FILE", description = "llama2.c checkpoint, legacy float32 format (export.py --version 0).")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "Its tokenizer.bin (required with --model).")
    Path tokenizer;

    @Option(names = "--engine", paramLabel = "NAME",
            description = {"golden: the integer golden model; float: the float32 reference, which prints run.c's text;",
                    "sim: the integer model on the co-simulated chip: weight GEMMs, vector operations, K/V rows, scores q·Kᵀ and p·V (default: ${DEFAULT-VALUE})."})
    String engine;

    @Option(names = "--chip", paramLabel = "PRESET", defaultValue = "default",
            description = "Chip preset for --engine sim (default: ${DEFAULT-VALUE}).")
    String chip;

    @Mixin
    SimOptions.Work work = new SimOptions.Work();

    /** {@code defaultEngine}: what runs without --engine ({@code run llama}: the chip; {@code bench llama}: the golden model). */
    LlamaModelOptions(String defaultEngine) {
        engine = defaultEngine;
    }

    /** A checkpoint with its tokenizer and a name for reports. */
    record Model(Checkpoint checkpoint, Tokenizer tokenizer, String name) {
    }

    /** Checks the options, then loads the files (a bad file is a {@link ModelFileException}). */
    Model load() {
        if (!ENGINES.containsKey(engine) && !engine.equals("sim")) {
            throw new ConfigException("--engine", "must be one of " + String.join(", ", ENGINES.keySet()) + ", sim", engine);
        }
        if (engine.equals("sim")) {
            ChipConfig.preset(chip);
        }
        if (model == null && tokenizer != null) {
            throw new ConfigException("--tokenizer", "needs --model (the bundled model has its own tokenizer)", tokenizer);
        }
        if (model != null && tokenizer == null) {
            throw new ConfigException("--model", "needs --tokenizer FILE as well (its vocabulary must match the model's)", model);
        }
        if (model == null) {
            Checkpoint c = BundledModel.checkpoint();
            return new Model(c, BundledModel.tokenizer(c.config().vocabSize()), "stories260K (bundled)");
        }
        Checkpoint c = Checkpoint.load(existing(model), Checkpoint.Capacity.UNLIMITED);
        return new Model(c, Tokenizer.load(existing(tokenizer), c.config().vocabSize()), model.toString());
    }

    LlamaEngine engine(Checkpoint c) {
        if (engine.equals("sim")) {
            ChipConfig config = ChipConfig.preset(chip);
            return new ChipLlama(new LlamaInt8Weights(c), config, compiler(config), chip);
        }
        return ENGINES.get(engine).apply(c);
    }

    /** Builds (or takes from the --work cache) the simulation of {@code config}, saying so first. */
    java.util.function.Supplier<ChipHarness> compiler(ChipConfig config) {
        return () -> {
            System.err.printf("chiltepin run llama: building the %s chip's simulation in %s (minutes the first"
                    + " time, then cached)%n", chip, work.dir);
            return ChipHarness.compile(config, work.dir, Simulation.Options.DEFAULT);
        };
    }

    private static Path existing(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new ModelFileException(p.toString(), "no such file");
        }
        return p;
    }
}
