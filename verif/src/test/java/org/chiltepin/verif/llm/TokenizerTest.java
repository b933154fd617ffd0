package org.chiltepin.verif.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The tokenizer against llama2.c: the expected ids are what run.c's {@code encode(t, text, 1, 0)}
 * returned for the bundled tok512.bin (a small C driver that includes run.c at commit 350e04f).
 */
class TokenizerTest {
    static final Tokenizer TOK = BundledModel.tokenizer(512);

    @Test
    void encodesLikeRunC() {
        assertArrayEquals(new int[] {1}, TOK.encode(""));
        assertArrayEquals(new int[] {1, 403, 407, 261, 378}, TOK.encode("Once upon a time"));
        assertArrayEquals(new int[] {1, 346, 306, 414, 432, 263, 304, 341, 443}, TOK.encode("Hello, world!"));
        // é is a token; ö, ☃ and 🎉 are not and fall back to their UTF-8 bytes (byte b is id b + 3)
        assertArrayEquals(new int[] {1, 270, 485, 306, 414, 263, 198, 185, 420, 341, 410, 229, 155, 134, 410, 243, 162, 145,
                140}, TOK.encode("héllo wörld ☃ 🎉"));
        assertArrayEquals(new int[] {1, 259, 412, 430, 12, 260, 276, 13, 416, 411, 424, 421, 271, 411},
                TOK.encode("tab\there\nnewline"));
        assertArrayEquals(new int[] {1, 410, 410, 259, 424, 414, 410, 262, 427, 412, 331, 419}, TOK.encode("  two  spaces"));
        assertArrayEquals(new int[] {1, 317, 439, 419, 357, 336, 432, 313, 438, 316, 439, 419, 298, 414, 426, 436},
                TOK.encode("Lily's mom said, \"Let's go.\""));
    }

    /** What run.c prints for a token sequence: each token decoded after its predecessor. */
    static byte[] print(int[] ids, boolean raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 1; i < ids.length; i++) {
            out.writeBytes(raw ? TOK.decodeRaw(ids[i - 1], ids[i]) : TOK.decode(ids[i - 1], ids[i]));
        }
        return out.toByteArray();
    }

    @Test
    void decodingAnEncodingGivesTheTextBack() {
        for (String s : new String[] {"Once upon a time", "Hello, world!", "tab\there\nnewline", "x", "a  b   c", "héllo wörld ☃ 🎉",
                "Lily's mom said, \"Let's go.\"", "<0x41> is not a byte token here"}) {
            // the dummy prefix's space is dropped after BOS, like run.c's decode
            assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), print(TOK.encode(s), true), s);
        }
        // run.c's safe_printf drops lone bytes outside printable ASCII and whitespace: the byte tokens of ö, ☃ and 🎉
        // vanish, while é is a two-byte token of its own
        assertEquals("héllo wrld  ", new String(print(TOK.encode("héllo wörld ☃ 🎉"), false), StandardCharsets.UTF_8));
    }

    @Test
    void byteTokensDecodeToTheirByteAndBosStripsOneLeadingSpace() {
        assertArrayEquals(new byte[] {'\n'}, TOK.decode(5, Tokenizer.FIRST_BYTE + '\n'));
        assertArrayEquals(new byte[] {(byte) 0xC3}, TOK.decodeRaw(5, Tokenizer.FIRST_BYTE + 0xC3));
        assertArrayEquals(new byte[0], TOK.decode(5, Tokenizer.FIRST_BYTE + 0xC3));
        assertArrayEquals(new byte[0], TOK.decode(5, Tokenizer.FIRST_BYTE + 7)); // BEL is not printed
        assertArrayEquals("upon".getBytes(StandardCharsets.US_ASCII), TOK.decode(Tokenizer.BOS, 407));
        assertArrayEquals(" upon".getBytes(StandardCharsets.US_ASCII), TOK.decode(403, 407));
        assertArrayEquals(new byte[0], TOK.decode(Tokenizer.BOS, 410)); // " " after BOS
    }

    @Test
    void aVocabularyOfAnotherSizeIsRefused() {
        byte[] file = BundledModel.resource(BundledModel.TOKENIZER);
        var fewer = assertThrows(ModelFileException.class, () -> Tokenizer.parse("tok.bin", file, 500));
        assertEquals("tok.bin: vocabulary does not match the model's 500 tokens: 115 bytes follow token 499", fewer.getMessage());
        var more = assertThrows(ModelFileException.class, () -> Tokenizer.parse("tok.bin", file, 513));
        assertEquals("tok.bin: vocabulary does not match the model's 513 tokens: the file ends at token 512", more.getMessage());
        var truncated = assertThrows(ModelFileException.class, () -> Tokenizer.parse("tok.bin", Arrays.copyOf(file, 3000), 512));
        assertTrue(truncated.getMessage().startsWith("tok.bin: vocabulary does not match the model's 512 tokens: the file ends"),
                truncated.getMessage());
        var empty = assertThrows(ModelFileException.class, () -> Tokenizer.parse("tok.bin", new byte[2], 512));
        assertEquals("tok.bin: truncated: a tokenizer starts with an int32 max_token_length, the file has 2 bytes", empty.getMessage());
    }

    @Test
    void byteTokensMustBeWhereTheByteFallbackExpectsThem() {
        byte[] file = BundledModel.resource(BundledModel.TOKENIZER);
        // token 3 "<0x00>" becomes "<0x0G>": records are 8 bytes of score and length, then the piece
        int at = 4 + 3 * 8 + "<unk>".length() + "\n<s>\n".length() + "\n</s>\n".length() + 8;
        assertEquals("<0x00>", new String(file, at, 6, StandardCharsets.US_ASCII));
        file[at + 4] = 'G';
        var e = assertThrows(ModelFileException.class, () -> Tokenizer.parse("tok.bin", file, 512));
        assertEquals("tok.bin: vocabulary does not match the model's 512 tokens: token 3 must be the byte token <0x00>, got \"<0x0G>\"",
                e.getMessage());
    }
}
