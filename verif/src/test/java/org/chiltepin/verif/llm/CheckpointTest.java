package org.chiltepin.verif.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    static final byte[] FILE = BundledModel.resource(BundledModel.CHECKPOINT);

    @TempDir
    Path dir;

    @Test
    void bundledHeaderIsStories260K() {
        Checkpoint c = BundledModel.checkpoint();
        assertEquals(new LlamaConfig(64, 172, 5, 8, 4, 512, 512, true), c.config());
        assertEquals(FILE.length, c.config().fileBytes());
        assertSame(c.tokenEmbedding, c.classifier);
        // the last weight before the RoPE tables is rms_final[63]; the file's float at that offset
        long at = LlamaConfig.HEADER_BYTES + 4L * (c.config().floatCount() - 512 * 8 - 1);
        assertEquals(ByteBuffer.wrap(FILE).order(ByteOrder.LITTLE_ENDIAN).getFloat((int) at), c.rmsFinal[63]);
    }

    private Path write(byte[] bytes) throws IOException {
        Path p = dir.resolve("model.bin");
        Files.write(p, bytes);
        return p;
    }

    private String error(byte[] bytes, Checkpoint.Capacity capacity) throws IOException {
        Path p = write(bytes);
        return assertThrows(ModelFileException.class, () -> Checkpoint.load(p, capacity)).getMessage()
                .replace(p.toString(), "model.bin");
    }

    @Test
    void aTruncatedFileIsRefused() throws IOException {
        assertEquals("model.bin: truncated: the header (dim 64, hidden 172, 5 layers, 8 heads, 4 kv heads, vocab 512, seq 512,"
                + " shared classifier) needs 1056540 bytes, the file has 1056536",
                error(Arrays.copyOf(FILE, FILE.length - 4), Checkpoint.Capacity.UNLIMITED));
        assertEquals("model.bin: truncated: a checkpoint starts with a 28-byte header, the file has 10 bytes",
                error(Arrays.copyOf(FILE, 10), Checkpoint.Capacity.UNLIMITED));
    }

    private static byte[] withHeader(int index, int value) {
        byte[] b = FILE.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4 * index, value);
        return b;
    }

    @Test
    void aWrongHeaderIsRefused() throws IOException {
        var u = Checkpoint.Capacity.UNLIMITED;
        assertEquals("model.bin: wrong header: n_heads must divide dim 64, got 7", error(withHeader(3, 7), u));
        assertEquals("model.bin: wrong header: seq_len must be positive, got 0", error(withHeader(6, 0), u));
        assertEquals("model.bin: wrong header: starts with llama2.c's \"ak42\" magic of a versioned export; this loader reads"
                + " the legacy float32 format (export.py --version 0)", error(withHeader(0, 0x616b3432), u));
        // a separate classifier (negative vocab_size) needs vocab × dim more floats than the file has
        assertEquals("model.bin: truncated: the header (dim 64, hidden 172, 5 layers, 8 heads, 4 kv heads, vocab 512, seq 512)"
                + " needs 1187612 bytes, the file has 1056540", error(withHeader(5, -512), u));
        assertEquals("model.bin: wrong header or not a legacy llama2.c checkpoint: the header (dim 64, hidden 172, 5 layers,"
                + " 8 heads, 4 kv heads, vocab 512, seq 256, shared classifier) needs 1048348 bytes, the file has 1056540",
                error(withHeader(6, 256), u));
    }

    @Test
    void aModelTooLargeForTheChipIsRefusedBeforeItsWeightsAreRead() throws IOException {
        long need = BundledModel.checkpoint().config().int8Bytes();
        assertEquals("model.bin: too large for chip 'tiny': the int8 model with its KV cache needs " + need
                + " bytes, the chip has 65536", error(FILE, new Checkpoint.Capacity("tiny", 65536)));
        Checkpoint.load(write(FILE), new Checkpoint.Capacity("exact", need));
    }

    /** A random checkpoint of another shape, with a separate classifier (negative vocab_size in the header). */
    @Test
    void anotherShapeWithItsOwnClassifierLoadsAndRunsOnBothEngines() throws IOException {
        LlamaConfig c = new LlamaConfig(16, 24, 2, 4, 2, 512, 32, false);
        ByteBuffer b = ByteBuffer.allocate((int) c.fileBytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : new int[] {16, 24, 2, 4, 2, -512, 32}) {
            b.putInt(v);
        }
        java.util.Random r = new java.util.Random(5);
        while (b.hasRemaining()) {
            b.putFloat((float) r.nextGaussian());
        }
        Checkpoint m = Checkpoint.load(write(b.array()), Checkpoint.Capacity.UNLIMITED);
        assertEquals(c, m.config());
        assertEquals(8 * 16, m.wk[1].length); // kvDim = 16·2/4
        assertEquals(24 * 16, m.w1[0].length);
        assertNotSame(m.tokenEmbedding, m.classifier);
        // the classifier is the last vocab × dim floats of the file
        assertEquals(b.getFloat(b.capacity() - 4), m.classifier[512 * 16 - 1]);
        Tokenizer tok = BundledModel.tokenizer(512);
        var golden = new org.chiltepin.verif.golden.LlamaIntReference(new org.chiltepin.verif.golden.LlamaInt8Weights(m),
                new org.chiltepin.verif.golden.LlamaVectorProgram(32, 4));
        for (LlamaEngine e : new LlamaEngine[] {new FloatLlama(m), golden}) {
            Generator.Result g = Generator.generate(e, tok, "Once", 40, bytes -> { });
            assertTrue(g.positions() >= 1 && g.positions() <= 32, "40 steps are clamped to seq_len 32: " + g.positions());
        }
    }

    @Test
    void aDamagedBundledCopyIsRefusedByItsHash() {
        byte[] b = FILE.clone();
        b[1000] ^= 1;
        var e = assertThrows(ModelFileException.class,
                () -> BundledModel.requireSha256("stories260K.bin", b, BundledModel.CHECKPOINT_SHA256));
        assertEquals("stories260K.bin: wrong sha256: expected " + BundledModel.CHECKPOINT_SHA256 + ", got " + BundledModel.sha256(b),
                e.getMessage());
        BundledModel.requireSha256("stories260K.bin", FILE, BundledModel.CHECKPOINT_SHA256);
    }
}
