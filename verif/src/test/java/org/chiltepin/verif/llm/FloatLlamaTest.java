package org.chiltepin.verif.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The anchor that the model is loaded and run correctly: greedy decoding with the float reference
 * prints exactly what llama2.c's run.c printed for the bundled model (the two texts recorded in
 * the bundled PROVENANCE.md).
 */
public class FloatLlamaTest {
    static final Checkpoint MODEL = BundledModel.checkpoint();
    static final Tokenizer TOKENIZER = BundledModel.tokenizer(MODEL.config().vocabSize());

    /** The fenced blocks under "Reference outputs" in PROVENANCE.md: run.c's stdout without its final newline. */
    static List<String> referenceTexts() {
        String md = new String(BundledModel.resource("stories260K/PROVENANCE.md"), StandardCharsets.UTF_8);
        String section = md.substring(md.indexOf("## Reference outputs"));
        List<String> blocks = new ArrayList<>();
        int at = 0;
        while ((at = section.indexOf("```\n", at)) >= 0) {
            int end = section.indexOf("\n```", at + 4);
            blocks.add(section.substring(at + 4, end));
            at = end + 4;
        }
        return blocks;
    }

    /**
     * The token ids run.c fed to its forward pass at each position for the two reference runs
     * (test resource runc-ids.txt, lines: empty prompt, "Once upon a time").
     */
    public static int[][] referenceIds() {
        try (var in = FloatLlamaTest.class.getResourceAsStream("runc-ids.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().filter(l -> !l.startsWith("#"))
                    .map(l -> Arrays.stream(l.trim().split(" ")).mapToInt(Integer::parseInt).toArray()).toArray(int[][]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(String prompt, int steps, int reference) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Generator.Result r = Generator.generate(new FloatLlama(MODEL), TOKENIZER, prompt, steps, out::writeBytes);
        assertEquals(referenceTexts().get(reference), out.toString(StandardCharsets.UTF_8));
        assertArrayEquals(referenceIds()[reference], r.tokens());
    }

    @Test
    void emptyPromptPrintsRunCsText() {
        check("", 200, 0);
    }

    @Test
    void onceUponATimePrintsRunCsText() {
        check("Once upon a time", 64, 1);
    }
}
