package org.chiltepin.verif.llm;

/**
 * A checkpoint or tokenizer file that cannot be used: truncated, a wrong header, a vocabulary that
 * does not match the model, a wrong hash, or a model too large for the chosen chip. The message is
 * one line naming the file, the rule and the value, e.g.
 * {@code model.bin: truncated: the header (dim 64, ...) needs 1056540 bytes, the file has 1000}.
 */
public final class ModelFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFileException(String file, String problem) {
        super(file + ": " + problem);
    }
}
