package org.chiltepin.verif.llm;

/**
 * The header of a llama2.c checkpoint: seven int32 values, as {@code run.c} reads them. A
 * positive vocabulary size in the file means the classifier is the token embedding
 * ({@code sharedClassifier}); a negative one means a separate classifier follows the weights.
 *
 * @param dim           model width (residual stream)
 * @param hiddenDim     width of the feed-forward layer
 * @param nLayers       transformer layers
 * @param nHeads        query heads
 * @param nKvHeads      key/value heads (grouped-query attention when fewer than nHeads)
 * @param vocabSize     tokens in the vocabulary
 * @param seqLen        longest sequence (positions)
 * @param sharedClassifier the classifier is the token embedding table
 */
public record LlamaConfig(int dim, int hiddenDim, int nLayers, int nHeads, int nKvHeads, int vocabSize, int seqLen,
        boolean sharedClassifier) {

    /** The legacy header is seven int32 values. */
    public static final int HEADER_BYTES = 28;

    /** The header is valid when every size is positive and the heads divide as run.c assumes. */
    public LlamaConfig {
        positive("dim", dim);
        positive("hidden_dim", hiddenDim);
        positive("n_layers", nLayers);
        positive("n_heads", nHeads);
        positive("n_kv_heads", nKvHeads);
        positive("vocab_size", vocabSize);
        positive("seq_len", seqLen);
        if (dim % nHeads != 0) {
            throw new IllegalArgumentException("n_heads must divide dim " + dim + ", got " + nHeads);
        }
        if (nHeads % nKvHeads != 0) {
            throw new IllegalArgumentException("n_kv_heads must divide n_heads " + nHeads + ", got " + nKvHeads);
        }
        if ((dim / nHeads) % 2 != 0) {
            throw new IllegalArgumentException("head size dim/n_heads must be even (RoPE rotates pairs), got " + dim / nHeads);
        }
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + v);
        }
    }

    public int headSize() {
        return dim / nHeads;
    }

    /** Width of the key and value vectors of one position. */
    public int kvDim() {
        return dim * nKvHeads / nHeads;
    }

    /** Query heads per key/value head. */
    public int kvMul() {
        return nHeads / nKvHeads;
    }

    /** float32 values after the header, in run.c's order (the skipped RoPE tables included). */
    public long floatCount() {
        long d = dim;
        long l = nLayers;
        long perLayer = 2 * d + d * d + 2 * d * kvDim() + d * d + 3 * d * hiddenDim;
        long count = (long) vocabSize * d + l * perLayer + d + (long) seqLen * headSize();
        return sharedClassifier ? count : count + (long) vocabSize * d;
    }

    /** The checkpoint's size in bytes. */
    public long fileBytes() {
        return HEADER_BYTES + 4 * floatCount();
    }

    /** Weights of the matrices (token embedding, attention, feed-forward, classifier), in values. */
    public long matrixValues() {
        long d = dim;
        long perLayer = 2 * d * d + 2 * d * kvDim() + 3 * d * hiddenDim;
        return (long) vocabSize * d * (sharedClassifier ? 1 : 2) + nLayers * perLayer;
    }

    /**
     * Bytes the integer model of this checkpoint occupies in the chip's memory
     * (docs/llm.md): int8 matrices with an int16 multiplier per output row, int16 normalization
     * gains, and the int8 KV cache of one full sequence with a 2-byte scale (mantissa, exponent)
     * per key/value head and position.
     */
    public long int8Bytes() {
        long rows = (long) vocabSize * (sharedClassifier ? 1 : 2)
                + (long) nLayers * (3L * dim + 2L * kvDim() + 2L * hiddenDim);
        long gains = (2L * nLayers + 1) * dim;
        long kv = 2L * nLayers * seqLen * (kvDim() + 2L * nKvHeads);
        return matrixValues() + 2 * rows + 2 * gains + kv;
    }

    @Override
    public String toString() {
        return "dim " + dim + ", hidden " + hiddenDim + ", " + nLayers + " layers, " + nHeads + " heads, " + nKvHeads
                + " kv heads, vocab " + vocabSize + ", seq " + seqLen + (sharedClassifier ? ", shared classifier" : "");
    }
}
