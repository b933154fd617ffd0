package org.chiltepin.verif.llm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A llama2.c tokenizer ({@code tokenizer.bin} format): an int32 max_token_length, then one record
 * per token of the model's vocabulary — float32 merge score, int32 length, the token's bytes —
 * little-endian, with no count: the vocabulary size comes from the checkpoint. Ids 0–2 are
 * {@code <unk>}, BOS and EOS, ids 3–258 the byte tokens {@code <0x00>}…{@code <0xFF>}, and some
 * token is " " (the dummy prefix).
 *
 * <p>{@link #encode} and {@link #decode} do what {@code run.c}'s {@code encode} and
 * {@code decode}/{@code safe_printf} do, byte for byte (see docs/llm.md).
 */
public final class Tokenizer {
    public static final int BOS = 1;
    public static final int EOS = 2;
    /** Id of byte token {@code <0x00>}: byte b is id b + 3. */
    public static final int FIRST_BYTE = 3;

    private final byte[][] pieces;
    private final float[] scores;
    private final Map<String, Integer> ids = new HashMap<>();

    private Tokenizer(byte[][] pieces, float[] scores) {
        this.pieces = pieces;
        this.scores = scores;
        for (int i = pieces.length - 1; i >= 0; i--) {
            ids.put(key(pieces[i]), i); // the lowest id wins a duplicate
        }
    }

    /** Bytes as a map key (ISO-8859-1 keeps every byte value). */
    private static String key(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public int vocabSize() {
        return pieces.length;
    }

    /** The bytes of token {@code id}, as stored. */
    public byte[] piece(int id) {
        return pieces[id].clone();
    }

    public static Tokenizer load(Path file, int vocabSize) {
        try {
            return parse(file.toString(), Files.readAllBytes(file), vocabSize);
        } catch (IOException e) {
            throw new ModelFileException(file.toString(), "cannot read: " + e.getMessage());
        }
    }

    /**
     * Reads {@code vocabSize} records (the checkpoint's vocabulary). The file must end exactly
     * after them, and ids 3–258 must be the byte tokens run.c's byte fallback relies on.
     */
    public static Tokenizer parse(String name, byte[] bytes, int vocabSize) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 4) {
            throw new ModelFileException(name, "truncated: a tokenizer starts with an int32 max_token_length, the file has "
                    + bytes.length + " bytes");
        }
        int maxLen = b.getInt();
        if (maxLen < 1 || maxLen > 1024) {
            throw new ModelFileException(name, "wrong header: max_token_length must be in [1, 1024], got " + maxLen);
        }
        byte[][] pieces = new byte[vocabSize][];
        float[] scores = new float[vocabSize];
        for (int i = 0; i < vocabSize; i++) {
            if (b.remaining() < 8) {
                throw mismatch(name, vocabSize, "the file ends at token " + i);
            }
            scores[i] = b.getFloat();
            int len = b.getInt();
            if (len < 1 || len > maxLen) {
                throw new ModelFileException(name, "token " + i + ": length must be in [1, max_token_length " + maxLen + "], got "
                        + len + " (not a tokenizer.bin, or a vocabulary other than the model's " + vocabSize + " tokens)");
            }
            if (b.remaining() < len) {
                throw mismatch(name, vocabSize, "the file ends inside token " + i);
            }
            byte[] p = new byte[len];
            b.get(p);
            pieces[i] = cString(p);
        }
        if (b.hasRemaining()) {
            throw mismatch(name, vocabSize, b.remaining() + " bytes follow token " + (vocabSize - 1));
        }
        if (vocabSize < FIRST_BYTE + 256) {
            throw mismatch(name, vocabSize, "fewer than the 259 tokens <unk>, BOS, EOS and 256 byte tokens");
        }
        for (int v = 0; v < 256; v++) {
            String want = String.format("<0x%02X>", v);
            if (!key(pieces[FIRST_BYTE + v]).equals(want)) {
                throw mismatch(name, vocabSize, "token " + (FIRST_BYTE + v) + " must be the byte token " + want + ", got \""
                        + key(pieces[FIRST_BYTE + v]) + "\"");
            }
        }
        Tokenizer t = new Tokenizer(pieces, scores);
        if (t.lookup(new byte[] {' '}, 1) < 0) {
            throw mismatch(name, vocabSize, "no \" \" token, which run.c's encode prepends to every prompt");
        }
        return t;
    }

    private static ModelFileException mismatch(String name, int vocabSize, String detail) {
        return new ModelFileException(name, "vocabulary does not match the model's " + vocabSize + " tokens: " + detail);
    }

    /** run.c reads pieces as C strings: a NUL byte ends one. */
    private static byte[] cString(byte[] p) {
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 0) {
                return Arrays.copyOf(p, i);
            }
        }
        return p;
    }

    private int lookup(byte[] s, int len) {
        Integer id = ids.get(new String(s, 0, len, StandardCharsets.ISO_8859_1));
        return id == null ? -1 : id;
    }

    /**
     * run.c's {@code encode(text, bos=1, eos=0)}: BOS; a dummy-prefix token " " when the text is
     * not empty; each UTF-8 code point (at most 4 bytes) as its token, or as byte tokens when the
     * vocabulary lacks it; then repeatedly merge the adjacent pair whose concatenation is the
     * token with the highest score (the leftmost pair on a tie, scores above −1e10 only).
     */
    public int[] encode(String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        int nul = 0;
        while (nul < t.length && t[nul] != 0) {
            nul++; // a C string ends at its first NUL
        }
        int[] tokens = new int[nul + 2];
        int n = 0;
        tokens[n++] = BOS;
        if (nul > 0) {
            tokens[n++] = lookup(new byte[] {' '}, 1); // present: parse checks it
        }
        byte[] buf = new byte[4];
        int len = 0;
        for (int c = 0; c < nul; c++) {
            if ((t[c] & 0xC0) != 0x80) {
                len = 0; // ASCII or a leading byte starts a new code point
            }
            buf[len++] = t[c];
            boolean nextContinues = c + 1 < nul && (t[c + 1] & 0xC0) == 0x80;
            if (nextContinues && len < 4) {
                continue;
            }
            int id = lookup(buf, len);
            if (id != -1) {
                tokens = grow(tokens, n + 1);
                tokens[n++] = id;
            } else {
                tokens = grow(tokens, n + len);
                for (int i = 0; i < len; i++) {
                    tokens[n++] = (buf[i] & 0xFF) + FIRST_BYTE;
                }
            }
            len = 0;
        }
        while (true) {
            float best = -1e10f;
            int bestId = -1;
            int bestIdx = -1;
            for (int i = 0; i < n - 1; i++) {
                byte[] a = pieces[tokens[i]];
                byte[] b = pieces[tokens[i + 1]];
                byte[] ab = Arrays.copyOf(a, a.length + b.length);
                System.arraycopy(b, 0, ab, a.length, b.length);
                int id = lookup(ab, ab.length);
                if (id != -1 && scores[id] > best) {
                    best = scores[id];
                    bestId = id;
                    bestIdx = i;
                }
            }
            if (bestIdx == -1) {
                break;
            }
            tokens[bestIdx] = bestId;
            System.arraycopy(tokens, bestIdx + 2, tokens, bestIdx + 1, n - bestIdx - 2);
            n--;
        }
        return Arrays.copyOf(tokens, n);
    }

    private static int[] grow(int[] a, int need) {
        return need <= a.length ? a : Arrays.copyOf(a, Math.max(need, 2 * a.length));
    }

    /**
     * run.c's {@code decode(prev, token)} followed by {@code safe_printf}: {@link #decodeRaw}, except
     * that a piece of a single byte that is neither printable ASCII nor whitespace prints nothing
     * (so run.c drops the bytes of a character the vocabulary spells with byte tokens).
     */
    public byte[] decode(int prev, int token) {
        byte[] p = decodeRaw(prev, token);
        if (p.length == 1) {
            int c = p[0] & 0xFF;
            boolean print = c >= 0x20 && c <= 0x7E;
            boolean space = c == ' ' || c >= 0x09 && c <= 0x0D;
            if (!print && !space) {
                return new byte[0];
            }
        }
        return p;
    }

    /**
     * run.c's {@code decode(prev, token)}: the token's piece, without its leading space right
     * after BOS; a byte token {@code <0xNN>} is that one byte.
     */
    public byte[] decodeRaw(int prev, int token) {
        byte[] p = pieces[token];
        int from = prev == BOS && p.length > 0 && p[0] == ' ' ? 1 : 0;
        int b = byteToken(p, from);
        return b >= 0 ? new byte[] {(byte) b} : Arrays.copyOfRange(p, from, p.length);
    }

    /** What {@code sscanf(piece, "<0x%02hhX>", &b) == 1} accepts: "<0x" and one or two hex digits. */
    private static int byteToken(byte[] p, int from) {
        if (p.length - from < 4 || p[from] != '<' || p[from + 1] != '0' || p[from + 2] != 'x') {
            return -1;
        }
        int v = Character.digit(p[from + 3], 16);
        if (v < 0) {
            return -1;
        }
        if (p.length - from > 4 && Character.digit(p[from + 4], 16) >= 0) {
            v = v * 16 + Character.digit(p[from + 4], 16);
        }
        return v;
    }
}
