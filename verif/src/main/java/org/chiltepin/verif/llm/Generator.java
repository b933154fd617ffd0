package org.chiltepin.verif.llm;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * run.c's {@code generate} loop with greedy sampling: encode the prompt (BOS first), feed its
 * tokens one position at a time, then feed back each predicted token until {@code steps}
 * positions have run or BOS is predicted. Every token after the first is printed as it is
 * produced — the prompt's tokens included — with {@link Tokenizer#decode}.
 */
public final class Generator {
    private Generator() {
    }

    /**
     * A finished run.
     *
     * @param prompt    the prompt's tokens (BOS first)
     * @param tokens    every token fed to the engine, in order of position
     * @param generated how many of the tokens' successors were predicted (not forced by the prompt)
     * @param nanos     time spent in the engine's {@code step}
     */
    public record Result(int[] prompt, int[] tokens, int generated, long nanos) {
        /** Positions run. */
        public int positions() {
            return tokens.length;
        }

        /** Positions per second of engine time. */
        public double tokensPerSecond() {
            return nanos == 0 ? 0 : positions() * 1e9 / nanos;
        }
    }

    /** run.c's step count: 0 or more than the model's sequence length means the sequence length. */
    public static int clampSteps(int steps, LlamaConfig c) {
        return steps == 0 || steps > c.seqLen() ? c.seqLen() : steps;
    }

    /** Runs the prompt and greedy decoding, passing each printed piece to {@code out} as it appears. */
    public static Result generate(LlamaEngine engine, Tokenizer tok, String prompt, int steps, Consumer<byte[]> out) {
        int[] p = tok.encode(prompt);
        int n = clampSteps(steps, engine.config());
        int[] fed = new int[n];
        int token = p[0];
        int pos = 0;
        int generated = 0;
        long nanos = 0;
        while (pos < n) {
            long t0 = System.nanoTime();
            int predicted = engine.step(token, pos);
            nanos += System.nanoTime() - t0;
            fed[pos] = token;
            int next;
            if (pos < p.length - 1) {
                next = p[pos + 1];
            } else {
                next = predicted;
                generated++;
            }
            pos++;
            if (next == Tokenizer.BOS) {
                break;
            }
            out.accept(tok.decode(token, next));
            token = next;
        }
        return new Result(p, Arrays.copyOf(fed, pos), generated, nanos);
    }
}
