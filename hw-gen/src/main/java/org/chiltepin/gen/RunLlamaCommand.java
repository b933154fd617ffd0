package org.chiltepin.gen;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.hw.chip.ChipConfig;
import org.chiltepin.verif.llm.Generator;
import org.chiltepin.verif.runtime.ChipLlama;
import org.chiltepin.verif.runtime.DecodeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chiltepin run llama}: greedy decoding of a llama2.c model (the bundled stories260K by
 * default), streaming the text as tokens are produced, then the token count and the engine's
 * tokens/s. Engines: the integer golden model and the float reference (docs/llm.md).
 */
@Command(name = "llama", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate text with a llama2.c model, greedy, like llama2.c's run.c -t 0:",
                "the prompt's tokens are fed first, then each predicted token; the text",
                "streams as it is produced. Without --model the bundled stories260K model",
                "and its tok512 tokenizer run (docs/llm.md)."})
final class RunLlamaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LlamaModelOptions options = new LlamaModelOptions("sim");

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "", description = "Prompt (default: empty, as run.c without -i).")
    String prompt;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "256",
            description = "Positions to run, prompt included; 0 or more than the model's sequence length means the sequence length (default: ${DEFAULT-VALUE}, as run.c).")
    int steps;

    @Mixin
    LlamaReportOptions report = new LlamaReportOptions();

    @Override
    public Integer call() throws java.io.IOException {
        ConfigException.requireAtLeast("--steps", steps, 0);
        report.check();
        LlamaModelOptions.Model m = options.load();
        var err = spec.commandLine().getErr();
        err.printf("chiltepin run llama: %s: %s; engine %s%n", m.name(), m.checkpoint().config(), options.engine);
        err.flush();
        long t0 = System.nanoTime();
        DecodeReport.Recorder e = new DecodeReport.Recorder(options.engine(m.checkpoint()));
        double build = (System.nanoTime() - t0) / 1e9;
        if (e.engine() instanceof ChipLlama chip) {
            chip.requirePositions(Generator.clampSteps(steps, m.checkpoint().config()));
        }
        PrintWriter o = spec.commandLine().getOut();
        Utf8Stream text = new Utf8Stream(o);
        Generator.Result r = Generator.generate(e, m.tokenizer(), prompt, steps, text::write);
        o.println();
        o.printf("  tokens      %d positions: %d of the prompt (BOS included), %d generated%s%n", r.positions(),
                Math.min(r.prompt().length, r.positions()), r.generated(),
                r.positions() < Generator.clampSteps(steps, m.checkpoint().config()) ? ", stopped at BOS" : "");
        o.printf("  speed       %.1f tokens/s (%s engine, wall clock; %.2f s to build it)%n", r.tokensPerSecond(), e.name(), build);
        e.report(o);
        report.write(report.report(e, options.engine.equals("sim") ? ChipConfig.preset(options.chip) : null), o);
        o.flush();
        return 0;
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
