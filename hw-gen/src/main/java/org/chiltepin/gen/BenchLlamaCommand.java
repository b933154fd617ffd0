package org.chiltepin.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.chiltepin.hw.ConfigException;
import org.chiltepin.verif.llm.Agreement;
import org.chiltepin.verif.llm.FloatLlama;
import org.chiltepin.verif.llm.Generator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chiltepin bench llama}: the accuracy of an engine against the float reference —
 * teacher-forced top-1 agreement over the float reference's greedy sequence, and how many
 * leading tokens of the engine's own greedy sequence equal the float reference's.
 */
@Command(name = "llama", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure an engine (default: the integer golden model) against the float",
                "reference, which prints llama2.c's text. The float reference decodes greedily",
                "from the prompt; both are then fed that sequence (teacher forcing) and their",
                "next-token predictions compared at every position; finally the engine decodes",
                "on its own and the leading tokens equal to the float reference's are counted.",
                "Disagreements are listed with the float reference's margin (top-1 minus",
                "top-2 logit)."})
final class BenchLlamaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    LlamaModelOptions options = new LlamaModelOptions("golden");

    @Option(names = "--prompt", paramLabel = "TEXT", description = "Prompt; repeat for several, measured one after the other (default: empty).")
    List<String> prompts = new ArrayList<>();

    @Option(names = "--steps", paramLabel = "N", defaultValue = "200", description = "Positions, prompt included (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write one row per position: token, both predictions, margin.")
    Path csv;

    @Option(names = "--batch", paramLabel = "B,B,...", split = ",",
            description = "Instead: batched decode of B sequences forked from the (first) prompt, KV pages forked vs copied, tokens/s (docs/llm.md §6.3).")
    List<Integer> batch;

    @Option(names = "--page-tokens", paramLabel = "N", defaultValue = "16", description = "KV page size in positions for --batch (default: ${DEFAULT-VALUE}, the KV cache preset's).")
    int pageTokens;

    @Override
    public Integer call() throws IOException {
        ConfigException.requireAtLeast("--steps", steps, 1);
        if (csv != null) {
            Outputs.checkFile("--csv", csv);
        }
        if (batch != null) {
            BatchBench.check(batch, pageTokens);
        }
        LlamaModelOptions.Model m = options.load();
        PrintWriter o = spec.commandLine().getOut();
        List<String> list = prompts.isEmpty() ? List.of("") : prompts;
        if (batch != null) {
            o.printf("chiltepin bench llama --batch: %s, engine %s%n", m.name(), options.engine);
            BatchBench.run(o, options, m, list.get(0), steps, batch, pageTokens, csv);
            o.flush();
            return 0;
        }
        o.printf("chiltepin bench llama: %s, engine %s against float, %d prompt(s), %d positions each at most%n", m.name(),
                options.engine, list.size(), steps);
        BenchTable table = new BenchTable("prompt", "pos", "token", "float", options.engine, "agree", "float_margin");
        BenchTable misses = new BenchTable("prompt", "pos", "token", "float", options.engine, "float_margin");
        int agreed = 0;
        int positions = 0;
        for (int p = 0; p < list.size(); p++) {
            String prompt = list.get(p);
            int[] reference = Generator.generate(new FloatLlama(m.checkpoint()), m.tokenizer(), prompt, steps, b -> { }).tokens();
            Agreement.Result forced = Agreement.teacherForced(new FloatLlama(m.checkpoint()), options.engine(m.checkpoint()), reference);
            FloatLlama margins = new FloatLlama(m.checkpoint());
            for (int pos = 0; pos < reference.length; pos++) {
                double margin = margin(margins.forward(reference[pos], pos));
                boolean agree = forced.a()[pos] == forced.b()[pos];
                table.add((long) p, (long) pos, (long) reference[pos], (long) forced.a()[pos], (long) forced.b()[pos], agree ? 1L : 0L,
                        margin);
                if (!agree) {
                    misses.add((long) p, (long) pos, (long) reference[pos], (long) forced.a()[pos], (long) forced.b()[pos], margin);
                }
            }
            int[] own = Generator.generate(options.engine(m.checkpoint()), m.tokenizer(), prompt, steps, b -> { }).tokens();
            int lead = Agreement.leadingMatch(reference, own);
            int promptTokens = m.tokenizer().encode(prompt).length;
            o.printf("  prompt %d \"%s\": teacher-forced top-1 %d/%d = %.1f %%; free-running: %d leading tokens equal the float"
                    + " reference's (%d generated)%n", p, prompt, forced.agreed(), forced.positions(), forced.percent(), lead,
                    Math.max(0, lead - promptTokens));
            o.flush();
            agreed += forced.agreed();
            positions += forced.positions();
        }
        o.printf("  teacher-forced top-1   %d/%d = %.2f %%%n", agreed, positions, 100.0 * agreed / positions);
        if (misses.rows().isEmpty()) {
            o.println("  disagreements          none");
        } else {
            o.println("  disagreements (the float reference's margin: its top-1 minus top-2 logit):");
            misses.print(o);
        }
        if (csv != null) {
            table.writeCsv(csv);
            o.printf("wrote %s%n", csv);
        }
        o.flush();
        return 0;
    }

    /** Top-1 minus top-2 logit. */
    private static double margin(float[] logits) {
        float first = Float.NEGATIVE_INFINITY;
        float second = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            if (v > first) {
                second = first;
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        return first - second;
    }
}
