package org.chiltepin.hw.chip;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hw.noc.NetworkInterface.Message;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * The chip's use of a mesh message (docs/chip.md §4): the head flit's tag holds the message kind
 * (bits 3..0), a memory word address (35..4) and, for READ, the word count − 1 (40..36).
 */
final class ChipMessage {
    private ChipMessage() {
    }

    static final int CMD = 1;
    static final int DONE = 2;
    static final int READ = 3;
    static final int RDATA = 4;
    static final int WRITE = 5;
    static final int WACK = 6;
    static final int KCHECK = 7;
    static final int KCHECK_ACK = 8;

    static final int KIND_BITS = 4;
    static final int ADDR_LSB = 4;
    static final int ADDR_BITS = 32;
    static final int WORDS_LSB = 36;
    static final int WORDS_BITS = 5;

    /** The message kind of a tag. */
    static UInt kind(Message m) {
        return asUInt(slice(m.tag, KIND_BITS - 1, 0));
    }

    static Bool isKind(Message m, int kind) {
        return eq(kind(m), uint(kind, KIND_BITS));
    }

    /** The memory word address of a tag, {@code bits} wide. */
    static UInt addr(Message m, int bits) {
        return asUInt(slice(m.tag, ADDR_LSB + bits - 1, ADDR_LSB));
    }

    /** Words − 1 of a READ. */
    static UInt wordsMinusOne(Message m) {
        return asUInt(slice(m.tag, WORDS_LSB + WORDS_BITS - 1, WORDS_LSB));
    }

    /** A tag {@code width} bits wide: kind, address (zero-extended) and words − 1. */
    static Bits tag(int width, int kind, UInt addr, UInt wordsMinusOne) {
        Bits t = concat(resize(wordsMinusOne, WORDS_BITS), concat(resize(addr, ADDR_BITS), bitsLiteral(kind, KIND_BITS)));
        return asBits(resize(asUInt(t), width));
    }

    /** A tag whose kind is a signal. */
    static Bits tag(int width, UInt kind, UInt addr, UInt wordsMinusOne) {
        Bits t = concat(resize(wordsMinusOne, WORDS_BITS), concat(resize(addr, ADDR_BITS), asBits(resize(kind, KIND_BITS))));
        return asBits(resize(asUInt(t), width));
    }

    /** Whether {@code node} is one of {@code nodes}. */
    static Bool isOneOf(UInt node, java.util.List<Integer> nodes) {
        Bool hit = bool(false);
        for (int n : nodes) {
            hit = or(hit, eq(node, uint(n, widthOf(node))));
        }
        return hit;
    }

    /** Drives {@code x}, {@code y} with the coordinates of {@code node} on a k-column mesh when it is one of {@code nodes} (else 0, 0). */
    static void nodeXy(UInt node, java.util.List<Integer> nodes, int k, UInt x, UInt y) {
        UInt rx = uint(0, widthOf(x));
        UInt ry = uint(0, widthOf(y));
        for (int n : nodes) {
            Bool hit = eq(node, uint(n, widthOf(node)));
            rx = mux(hit, uint(n % k, widthOf(x)), rx);
            ry = mux(hit, uint(n / k, widthOf(y)), ry);
        }
        assign(x, rx);
        assign(y, ry);
    }

    /** Drives every field of an outgoing message: destination node (x, y), kind, length, payload words. */
    static void drive(Message m, UInt destX, UInt destY, Bits tag, UInt length, Bits[] words) {
        assign(m.destX, destX);
        assign(m.destY, destY);
        assign(m.tag, tag);
        assign(m.length, resize(length, widthOf(m.length)));
        for (int i = 0; i < m.data.length; i++) {
            assign(m.data[i], i < words.length ? words[i] : bitsLiteral(0, widthOf(m.data[i])));
        }
    }
}
