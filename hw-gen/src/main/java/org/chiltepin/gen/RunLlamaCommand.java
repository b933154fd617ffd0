package org.chiltepin.gen;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.verif.golden.InterimVectorOps;
import org.chiltepin.verif.golden.LlamaInt8Weights;
import org.chiltepin.verif.golden.LlamaIntReference;
import org.chiltepin.verif.llm.BundledModel;
import org.chiltepin.verif.llm.Checkpoint;
import org.chiltepin.verif.llm.FloatLlama;
import org.chiltepin.verif.llm.Generator;
import org.chiltepin.verif.llm.LlamaEngine;
import org.chiltepin.verif.llm.ModelFileException;
import org.chiltepin.verif.llm.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chiltepin run llama}: greedy decoding of a llama2.c model (the bundled stories260K by
 * default), streaming the text as tokens are produced, then the token count and the engine's
 * tokens/s. Engines: the integer golden model and the float reference (docs/llm.md).
 */
@Command(name = "llama", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate text with a llama2.c model, greedy, like llama2.c's run.c -t 0: the prompt's tokens",
                "are fed first, then each predicted token; the text streams as it is produced. Without --model the",
                "bundled stories260K model and its tok512 tokenizer run (docs/llm.md)."})
final class RunLlamaCommand implements Callable<Integer> {
    /** Engines by name; the simulated chip will add "sim". */
    static final Map<String, Function<Checkpoint, LlamaEngine>> ENGINES = new LinkedHashMap<>();

    static {
        ENGINES.put("golden", c -> new LlamaIntReference(new LlamaInt8Weights(c),
                new InterimVectorOps(c.config().seqLen(), c.config().headSize())));
        ENGINES.put("float", FloatLlama::new);
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", description = "llama2.c checkpoint, legacy float32 format (export.py --version 0).")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "Its tokenizer.bin (required with --model).")
    Path tokenizer;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "", description = "Prompt (default: empty, as run.c without -i).")
    String prompt;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "256",
            description = "Positions to run, prompt included; 0 or more than the model's sequence length means the sequence length (default: ${DEFAULT-VALUE}, as run.c).")
    int steps;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = "golden",
            description = "golden: the integer golden model; float: the float32 reference, which prints run.c's text (default: ${DEFAULT-VALUE}).")
    String engine;

    @Override
    public Integer call() {
        ConfigException.requireAtLeast("--steps", steps, 0);
        if (!ENGINES.containsKey(engine)) {
            throw new ConfigException("--engine", "must be one of " + String.join(", ", ENGINES.keySet()), engine);
        }
        if (model == null && tokenizer != null) {
            throw new ConfigException("--tokenizer", "needs --model (the bundled model has its own tokenizer)", tokenizer);
        }
        if (model != null && tokenizer == null) {
            throw new ConfigException("--model", "needs --tokenizer FILE as well (its vocabulary must match the model's)", model);
        }
        PrintWriter o = spec.commandLine().getOut();
        Checkpoint checkpoint;
        Tokenizer tok;
        try {
            checkpoint = model == null ? BundledModel.checkpoint() : Checkpoint.load(existing(model), Checkpoint.Capacity.UNLIMITED);
            int vocab = checkpoint.config().vocabSize();
            tok = model == null ? BundledModel.tokenizer(vocab) : Tokenizer.load(existing(tokenizer), vocab);
        } catch (ModelFileException e) {
            spec.commandLine().getErr().println("chiltepin: invalid model: " + e.getMessage());
            return Cli.USAGE;
        }
        String name = model == null ? "stories260K (bundled)" : model.toString();
        spec.commandLine().getErr().printf("chiltepin run llama: %s: %s; engine %s%n", name, checkpoint.config(), engine);
        spec.commandLine().getErr().flush();
        long t0 = System.nanoTime();
        LlamaEngine e = ENGINES.get(engine).apply(checkpoint);
        double build = (System.nanoTime() - t0) / 1e9;
        Utf8Stream text = new Utf8Stream(o);
        Generator.Result r = Generator.generate(e, tok, prompt, steps, text::write);
        o.println();
        o.printf("  tokens      %d positions: %d of the prompt (BOS included), %d generated%s%n", r.positions(),
                Math.min(r.prompt().length, r.positions()), r.generated(),
                r.positions() < Generator.clampSteps(steps, checkpoint.config()) ? ", stopped at BOS" : "");
        o.printf("  speed       %.1f tokens/s (%s engine, wall clock; %.2f s to build it)%n", r.tokensPerSecond(), e.name(), build);
        e.report(o);
        o.flush();
        return 0;
    }

    private static Path existing(Path p) {
        if (!Files.isRegularFile(p)) {
            throw new ModelFileException(p.toString(), "no such file");
        }
        return p;
    }

    /** Writes UTF-8 bytes to a character stream as they arrive, holding back an incomplete character. */
    static final class Utf8Stream {
        private final PrintWriter out;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private ByteBuffer pending = ByteBuffer.allocate(0);

        Utf8Stream(PrintWriter out) {
            this.out = out;
        }

        void write(byte[] bytes) {
            ByteBuffer in = ByteBuffer.allocate(pending.remaining() + bytes.length);
            in.put(pending).put(bytes).flip();
            CharBuffer chars = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, chars, false);
            pending = in.slice();
            out.append(chars.flip());
            out.flush();
        }
    }
}
