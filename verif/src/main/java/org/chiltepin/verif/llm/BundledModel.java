package org.chiltepin.verif.llm;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The model shipped with Chiltepin: Andrej Karpathy's stories260K checkpoint and its tok512
 * tokenizer (MIT), resources next to this class with their NOTICE and PROVENANCE. Every load
 * checks the SHA-256 the NOTICE gives, so a damaged or substituted copy is refused.
 */
public final class BundledModel {
    public static final String CHECKPOINT = "stories260K/stories260K.bin";
    public static final String TOKENIZER = "stories260K/tok512.bin";
    public static final String CHECKPOINT_SHA256 = "b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696";
    public static final String TOKENIZER_SHA256 = "037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312";

    private BundledModel() {
    }

    public static Checkpoint checkpoint(Checkpoint.Capacity capacity) {
        return Checkpoint.parse(CHECKPOINT, verified(CHECKPOINT, CHECKPOINT_SHA256), capacity);
    }

    public static Checkpoint checkpoint() {
        return checkpoint(Checkpoint.Capacity.UNLIMITED);
    }

    public static Tokenizer tokenizer(int vocabSize) {
        return Tokenizer.parse(TOKENIZER, verified(TOKENIZER, TOKENIZER_SHA256), vocabSize);
    }

    /** A bundled resource's bytes, checked against its SHA-256. */
    public static byte[] verified(String resource, String sha256) {
        byte[] bytes = resource(resource);
        requireSha256(resource, bytes, sha256);
        return bytes;
    }

    public static byte[] resource(String resource) {
        try (InputStream in = BundledModel.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ModelFileException(resource, "missing from the class path (verif/src/main/resources/org/chiltepin/verif/llm/)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ModelFileException(resource, "cannot read: " + e.getMessage());
        }
    }

    /** Refuses bytes whose SHA-256 is not {@code expected} (lower-case hex). */
    public static void requireSha256(String name, byte[] bytes, String expected) {
        String got = sha256(bytes);
        if (!got.equals(expected)) {
            throw new ModelFileException(name, "wrong sha256: expected " + expected + ", got " + got);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
