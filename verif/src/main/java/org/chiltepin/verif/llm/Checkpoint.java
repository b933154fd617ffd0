package org.chiltepin.verif.llm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A llama2.c checkpoint in the legacy float32 format that {@code run.c} reads: a 28-byte header
 * ({@link LlamaConfig}), then the tensors in this order, row-major, each matrix with one row per
 * output: token embedding (vocab × dim), rms_att (layers × dim), wq (layers × dim × dim), wk and wv
 * (layers × kvDim × dim), wo (layers × dim × dim), rms_ffn (layers × dim), w1 (layers × hidden ×
 * dim), w2 (layers × dim × hidden), w3 (layers × hidden × dim), rms_final (dim), two RoPE tables
 * (seq × headSize/2 each, which run.c skips and recomputes), and the classifier (vocab × dim) only
 * when the header's vocabulary size is negative; otherwise the classifier is the embedding.
 * Values are little-endian.
 */
public final class Checkpoint {
    /** The first int32 of llama2.c's versioned exports (export.py --version N): "ak42". */
    private static final int VERSIONED_MAGIC = 0x616b3432;

    /** Where the model must fit: a chip's name and its memory in bytes ({@link LlamaConfig#int8Bytes()}). */
    public record Capacity(String chip, long bytes) {
        public static final Capacity UNLIMITED = new Capacity("any", Long.MAX_VALUE);
    }

    private final LlamaConfig config;
    public final float[] tokenEmbedding;
    public final float[][] rmsAtt;
    public final float[][] wq;
    public final float[][] wk;
    public final float[][] wv;
    public final float[][] wo;
    public final float[][] rmsFfn;
    public final float[][] w1;
    public final float[][] w2;
    public final float[][] w3;
    public final float[] rmsFinal;
    public final float[] classifier;

    private Checkpoint(LlamaConfig c, FloatBuffer f) {
        config = c;
        int d = c.dim();
        int kv = c.kvDim();
        int h = c.hiddenDim();
        tokenEmbedding = take(f, (long) c.vocabSize() * d);
        rmsAtt = layers(f, c, d);
        wq = layers(f, c, (long) d * d);
        wk = layers(f, c, (long) kv * d);
        wv = layers(f, c, (long) kv * d);
        wo = layers(f, c, (long) d * d);
        rmsFfn = layers(f, c, d);
        w1 = layers(f, c, (long) h * d);
        w2 = layers(f, c, (long) d * h);
        w3 = layers(f, c, (long) h * d);
        rmsFinal = take(f, d);
        f.position(f.position() + c.seqLen() * c.headSize()); // freq_cis_real and _imag: run.c recomputes them
        classifier = c.sharedClassifier() ? tokenEmbedding : take(f, (long) c.vocabSize() * d);
    }

    private static float[] take(FloatBuffer f, long n) {
        float[] a = new float[(int) n];
        f.get(a);
        return a;
    }

    private static float[][] layers(FloatBuffer f, LlamaConfig c, long n) {
        float[][] a = new float[c.nLayers()][];
        for (int l = 0; l < a.length; l++) {
            a[l] = take(f, n);
        }
        return a;
    }

    public LlamaConfig config() {
        return config;
    }

    /** Reads a checkpoint file, checking that the model fits {@code capacity} before reading its weights. */
    public static Checkpoint load(Path file, Capacity capacity) {
        String name = file.toString();
        long size;
        byte[] header = new byte[LlamaConfig.HEADER_BYTES];
        try (var in = Files.newInputStream(file)) {
            size = Files.size(file);
            int n = in.readNBytes(header, 0, header.length);
            if (n < header.length) {
                throw new ModelFileException(name, "truncated: a checkpoint starts with a 28-byte header, the file has " + n + " bytes");
            }
            LlamaConfig c = header(name, header, size, capacity);
            byte[] all = new byte[(int) size];
            System.arraycopy(header, 0, all, 0, header.length);
            in.readNBytes(all, header.length, all.length - header.length);
            return new Checkpoint(c, floats(all));
        } catch (IOException e) {
            throw new ModelFileException(name, "cannot read: " + e.getMessage());
        }
    }

    /** Parses a checkpoint held in memory (e.g. the bundled model). */
    public static Checkpoint parse(String name, byte[] bytes, Capacity capacity) {
        if (bytes.length < LlamaConfig.HEADER_BYTES) {
            throw new ModelFileException(name, "truncated: a checkpoint starts with a 28-byte header, the file has " + bytes.length + " bytes");
        }
        return new Checkpoint(header(name, bytes, bytes.length, capacity), floats(bytes));
    }

    private static FloatBuffer floats(byte[] all) {
        return ByteBuffer.wrap(all, LlamaConfig.HEADER_BYTES, all.length - LlamaConfig.HEADER_BYTES)
                .slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /** Validates the header against the file size and the capacity. */
    static LlamaConfig header(String name, byte[] bytes, long size, Capacity capacity) {
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, LlamaConfig.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[7];
        for (int i = 0; i < 7; i++) {
            v[i] = b.getInt();
        }
        if (v[0] == VERSIONED_MAGIC) {
            throw new ModelFileException(name, "wrong header: starts with llama2.c's \"ak42\" magic of a versioned export;"
                    + " this loader reads the legacy float32 format (export.py --version 0)");
        }
        LlamaConfig c;
        try {
            c = new LlamaConfig(v[0], v[1], v[2], v[3], v[4], Math.abs(v[5]), v[6], v[5] > 0);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(name, "wrong header: " + e.getMessage());
        }
        long expected = c.fileBytes();
        if (size < expected) {
            throw new ModelFileException(name, "truncated: the header (" + c + ") needs " + expected + " bytes, the file has " + size);
        }
        if (size > expected) {
            throw new ModelFileException(name, "wrong header or not a legacy llama2.c checkpoint: the header (" + c + ") needs "
                    + expected + " bytes, the file has " + size);
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new ModelFileException(name, "too large for this loader (" + size + " bytes, at most 2 GiB)");
        }
        if (c.int8Bytes() > capacity.bytes()) {
            throw new ModelFileException(name, "too large for chip '" + capacity.chip() + "': the int8 model with its KV cache needs "
                    + c.int8Bytes() + " bytes, the chip has " + capacity.bytes());
        }
        return c;
    }
}
