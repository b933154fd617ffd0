package org.chiltepin.verif.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The anchor that the model is loaded and run correctly: greedy decoding with the float reference
 * prints exactly what llama2.c's run.c printed for the bundled model (the two texts recorded in
 * the bundled PROVENANCE.md).
 */
class FloatLlamaTest {
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

    static String generate(String prompt, int steps) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Generator.generate(new FloatLlama(MODEL), TOKENIZER, prompt, steps, out::writeBytes);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void emptyPromptPrintsRunCsText() {
        assertEquals(referenceTexts().get(0), generate("", 200));
    }

    @Test
    void onceUponATimePrintsRunCsText() {
        assertEquals(referenceTexts().get(1), generate("Once upon a time", 64));
    }
}
