package org.chiltepin.hdl;

import java.util.function.Supplier;
import scala.runtime.BoxedUnit;
import spinal.core.BaseType;
import spinal.core.BitCount;
import spinal.core.BitVector;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Component;
import spinal.core.Data;
import spinal.core.HardType;
import spinal.core.HardType$;
import spinal.core.Mem;
import spinal.core.Mem$;
import spinal.core.dontCare$;
import spinal.core.Mux$;
import spinal.core.Nameable;
import spinal.core.Reg$;
import spinal.core.S$;
import spinal.core.SInt;
import spinal.core.U$;
import spinal.core.UInt;
import spinal.core.when$;
import spinal.lib.Stream;
import spinal.lib.Stream$;
import spinal.lib.master$;
import spinal.lib.slave$;

/**
 * The Java-hosted HDL: static, named methods over SpinalHDL's Scala operators, meant to be
 * imported with {@code import static org.chiltepin.hdl.Hdl.*}. Widths follow SpinalHDL's rules:
 * {@code add}/{@code sub} keep the wider operand's width (no growth; use {@link #resize} first),
 * {@code mul} returns the sum of the widths, and an assignment between different widths is an
 * error at elaboration. Every statement carries the Java call site (see {@link CallSite}).
 */
public final class Hdl {
    private static final spinal.core.package$ CORE = spinal.core.package$.MODULE$;

    private Hdl() {
    }

    // ---------------------------------------------------------------- construction

    /**
     * Constructs a block and closes it: runs the constructor (which opens SpinalHDL's component
     * scope), names its fields, checks that every register is named, and closes the scope. Use it
     * for the top level and for every sub-block: {@code pe = build(() -> new ProcessingElement(cfg))}.
     */
    public static <T extends Block> T build(Supplier<T> constructor) {
        T block = constructor.get();
        block.close();
        return block;
    }

    /** Gives {@code thing} an explicit name (for hardware made in loops or held in locals). */
    public static <T extends Nameable> T named(T thing, String name) {
        thing.setName(name, false);
        return thing;
    }

    // ---------------------------------------------------------------- types

    public static SInt sint(int width) {
        return CORE.SInt(new BitCount(checkWidth(width)));
    }

    public static UInt uint(int width) {
        return CORE.UInt(new BitCount(checkWidth(width)));
    }

    public static Bits bits(int width) {
        return CORE.Bits(new BitCount(checkWidth(width)));
    }

    public static Bool bool() {
        return CORE.Bool();
    }

    /** A hardware type: a recipe that makes fresh instances of {@code prototype}'s shape. */
    public static <T extends Data> HardType<T> type(Supplier<T> maker) {
        return HardType$.MODULE$.apply(maker::get);
    }

    // ---------------------------------------------------------------- literals

    public static SInt sint(long value, int width) {
        return S$.MODULE$.apply(value, new BitCount(checkWidth(width)));
    }

    public static UInt uint(long value, int width) {
        return U$.MODULE$.apply(value, new BitCount(checkWidth(width)));
    }

    public static Bool bool(boolean value) {
        return CORE.Bool(value, CallSite.location());
    }

    /** A {@code width}-bit Bits constant, e.g. for a black box parameter written {@code 2'b10}. */
    public static Bits bitsLiteral(long value, int width) {
        return spinal.core.B$.MODULE$.apply(value, new BitCount(checkWidth(width)));
    }

    // ---------------------------------------------------------------- ports

    /** Makes {@code data} an input port of the block under construction. */
    @SuppressWarnings("unchecked")
    public static <T extends Data> T in(T data) {
        return (T) data.asInput();
    }

    /** Makes {@code data} an output port of the block under construction. */
    @SuppressWarnings("unchecked")
    public static <T extends Data> T out(T data) {
        return (T) data.asOutput();
    }

    /** A valid/ready stream port driven from outside (SpinalHDL {@code slave Stream}). */
    public static <T extends Data> Stream<T> slaveStream(HardType<T> payload) {
        return slave$.MODULE$.apply(Stream$.MODULE$.apply(payload));
    }

    /** A valid/ready stream port driven by this block (SpinalHDL {@code master Stream}). */
    public static <T extends Data> Stream<T> masterStream(HardType<T> payload) {
        return master$.MODULE$.apply(Stream$.MODULE$.apply(payload));
    }

    // ---------------------------------------------------------------- assignment and registers

    /** {@code target := source}: a combinational assignment, or the next value of a register. */
    public static void assign(Data target, Data source) {
        target.assignFrom(source, target, CallSite.location());
    }

    /** A register of {@code type}'s shape without reset value. Keep it in a field or {@link #named} it. */
    public static <T extends Data> T reg(T type) {
        return track(Reg$.MODULE$.apply(HardType$.MODULE$.apply(() -> cloneOf(type)), null, null));
    }

    /** A register of {@code init}'s width, reset to {@code init}'s value. */
    public static <T extends Data> T regInit(T type, T init) {
        return track(Reg$.MODULE$.apply(HardType$.MODULE$.apply(() -> cloneOf(type)), init, null));
    }

    /** A register that takes {@code next} every cycle (a one-cycle delay). */
    public static <T extends Data> T regNext(T next) {
        return track(Reg$.MODULE$.apply(HardType$.MODULE$.apply(() -> cloneOf(next)), null, next));
    }

    /** A register without reset value that takes {@code next} when {@code enable} is high and holds otherwise. */
    public static <T extends Data> T regNextWhen(T next, Bool enable) {
        T r = reg(next);
        when(enable, () -> assign(r, next));
        return r;
    }

    /** A register reset to {@code init} that takes {@code next} when {@code enable} is high. */
    public static <T extends Data> T regNextWhen(T next, Bool enable, T init) {
        T r = regInit(next, init);
        when(enable, () -> assign(r, next));
        return r;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Data> T cloneOf(T data) {
        return (T) data.clone();
    }

    private static <T extends Data> T track(T reg) {
        Component c = Component.current();
        if (c instanceof Block b) {
            b.recordRegister(reg, CallSite.describe());
        }
        return reg;
    }

    // ---------------------------------------------------------------- control

    /**
     * {@code when(cond) { body }}; chain {@link When#elseWhen} and {@link When#otherwise}. A
     * condition held in a field is named after it; any other condition stays an inline expression
     * (or an anonymous wire): SpinalHDL's names from Java lines ({@code when_File_lNNN}) are off.
     * To name a decision that is not in a field, use {@link #when(String, Bool, Runnable)}.
     */
    public static When when(Bool cond, Runnable body) {
        return new When(when$.MODULE$.apply(cond, unit(body), CallSite.location()));
    }

    /** {@code when(cond) { body }} with the condition named {@code name} in the Verilog (unless it already has a name). */
    public static When when(String name, Bool cond, Runnable body) {
        return when(nameDecision(cond, name), body);
    }

    /** Names an unnamed (or weakly named) condition; a signal that already has a name keeps it. */
    static Bool nameDecision(Bool cond, String name) {
        if (cond.isUnnamed() || cond.isWeak()) {
            cond.setName(name, false);
        }
        return cond;
    }

    static scala.Function0<BoxedUnit> unit(Runnable body) {
        return () -> {
            body.run();
            return BoxedUnit.UNIT;
        };
    }

    /** {@code cond ? whenTrue : whenFalse} as a multiplexer. */
    public static <T extends Data> T mux(Bool cond, T whenTrue, T whenFalse) {
        return Mux$.MODULE$.apply(cond, whenTrue, whenFalse);
    }

    // ---------------------------------------------------------------- arithmetic (no growth)

    public static SInt add(SInt a, SInt b) {
        return a.$plus(b);
    }

    public static UInt add(UInt a, UInt b) {
        return a.$plus(b);
    }

    public static SInt sub(SInt a, SInt b) {
        return a.$minus(b);
    }

    public static UInt sub(UInt a, UInt b) {
        return a.$minus(b);
    }

    /** Full-width product: width(a) + width(b). */
    public static SInt mul(SInt a, SInt b) {
        return a.$times(b);
    }

    public static UInt mul(UInt a, UInt b) {
        return a.$times(b);
    }

    public static SInt shiftLeft(SInt a, int n) {
        return a.$less$less(n);
    }

    /** Arithmetic right shift by a constant: drops the low {@code n} bits (width − n). */
    public static SInt shiftRight(SInt a, int n) {
        // A slice, not '>>>': Verilator -Wall flags the width change of a constant shift.
        return n == 0 ? a : slice(a, a.getBitsWidth() - 1, n);
    }

    /** Arithmetic right shift by a variable amount. */
    public static SInt shiftRight(SInt a, UInt n) {
        return a.$greater$greater(n);
    }

    public static UInt shiftLeft(UInt a, int n) {
        return a.$less$less(n);
    }

    /** Logical right shift by a constant: drops the low {@code n} bits (width − n). */
    public static UInt shiftRight(UInt a, int n) {
        return n == 0 ? a : slice(a, a.getBitsWidth() - 1, n);
    }

    /** Logical right shift by a variable amount (same width). */
    public static UInt shiftRight(UInt a, UInt n) {
        return a.$greater$greater(n);
    }

    /**
     * Marks bits {@code v[hi:lo]} that a computation drops on purpose (the low bits of a rounding
     * shift, high bits known to be zero): they go to a wire named {@code name + "_unused"}, which
     * {@code verilator -Wall} does not report (its {@code --unused-regexp} default is
     * {@code *unused*}), so lint still reports every other unused bit. {@code v} must be a
     * named signal (a field or {@link #named}), not an expression.
     */
    public static void dropBits(BitVector v, int hi, int lo, String name) {
        Bits wire = named(bits(hi - lo + 1), name + "_unused");
        assign(wire, asBits(slice(v, hi, lo)));
    }

    /**
     * Marks signals a block ignores on purpose (message fields it never reads, outputs of a
     * sub-block nothing consumes): their bits are concatenated into one wire named
     * {@code name + "_unused"}, which {@code verilator -Wall} does not report (see
     * {@link #dropBits}). List only what is really ignored: lint still reports every other bit.
     * A signal may be a slice ({@link #slice}) or a whole bundle.
     */
    public static void unused(String name, Data... signals) {
        if (signals.length == 0) {
            return;
        }
        Bits all = asBits(signals[0]);
        for (int i = 1; i < signals.length; i++) {
            all = concat(signals[i], all);
        }
        Bits wire = named(bits(widthOf(all)), name + "_unused");
        assign(wire, all);
    }

    // ---------------------------------------------------------------- comparison

    public static Bool eq(SInt a, SInt b) {
        return a.$eq$eq$eq(b);
    }

    public static Bool neq(SInt a, SInt b) {
        return a.$eq$div$eq(b);
    }

    public static Bool eq(UInt a, UInt b) {
        return a.$eq$eq$eq(b);
    }

    public static Bool neq(UInt a, UInt b) {
        return a.$eq$div$eq(b);
    }

    public static Bool eq(Bits a, Bits b) {
        return a.$eq$eq$eq(b);
    }

    public static Bool neq(Bits a, Bits b) {
        return a.$eq$div$eq(b);
    }

    public static Bool eq(Bool a, Bool b) {
        return a.$eq$eq$eq(b);
    }

    public static Bool neq(Bool a, Bool b) {
        return a.$eq$div$eq(b);
    }

    public static Bool lt(SInt a, SInt b) {
        return a.$less(b);
    }

    public static Bool lt(UInt a, UInt b) {
        return a.$less(b);
    }

    public static Bool le(SInt a, SInt b) {
        return a.$less$eq(b);
    }

    public static Bool le(UInt a, UInt b) {
        return a.$less$eq(b);
    }

    public static Bool gt(SInt a, SInt b) {
        return a.$greater(b);
    }

    public static Bool gt(UInt a, UInt b) {
        return a.$greater(b);
    }

    public static Bool ge(SInt a, SInt b) {
        return a.$greater$eq(b);
    }

    public static Bool ge(UInt a, UInt b) {
        return a.$greater$eq(b);
    }

    // ---------------------------------------------------------------- logic

    public static Bool and(Bool a, Bool b) {
        return a.$amp$amp(b);
    }

    public static Bool or(Bool a, Bool b) {
        return a.$bar$bar(b);
    }

    public static Bool xor(Bool a, Bool b) {
        return a.$up(b);
    }

    public static Bool not(Bool a) {
        return a.unary_$bang();
    }

    // ---------------------------------------------------------------- memories

    /**
     * An on-chip memory of {@code depth} words shaped like {@code word} (a block RAM when read
     * synchronously). Keep it in a field so it is named.
     */
    public static <T extends Data> Mem<T> mem(T word, int depth) {
        if (depth < 1) {
            throw new HdlException("memory depth must be >= 1, got " + depth + " at " + CallSite.describe());
        }
        return Mem$.MODULE$.apply(HardType$.MODULE$.apply(() -> cloneOf(word)), depth);
    }

    /**
     * A read-only memory of {@code contents.length} words of {@code width} bits (each value taken
     * as unsigned, at most 63 bits), for tables. Keep it in a field so it is named; read it with
     * {@link #readAsync} or {@link #readSync}.
     */
    public static Mem<Bits> rom(int width, long[] contents) {
        if (width < 1 || width > 63) {
            throw new HdlException("rom width must be in [1, 63], got " + width + " at " + CallSite.describe());
        }
        Mem<Bits> m = mem(bits(width), contents.length);
        java.util.List<scala.math.BigInt> values = new java.util.ArrayList<>();
        for (long v : contents) {
            if (v < 0 || v >= 1L << width) {
                throw new HdlException("rom value " + v + " does not fit in " + width + " bits at " + CallSite.describe());
            }
            values.add(scala.math.BigInt$.MODULE$.apply(v));
        }
        m.initBigInt(scala.jdk.javaapi.CollectionConverters.asScala(values).toSeq(), false);
        return m;
    }

    /**
     * Synchronous read: the word at {@code address} appears one cycle after a cycle with
     * {@code enable} high and holds otherwise; a read of a word written in the same cycle returns
     * the old or the new value (unspecified, as in most block RAMs). The returned data is a
     * register: keep it in a field or {@link #named} it.
     */
    public static <T extends Data> T readSync(Mem<T> mem, UInt address, Bool enable) {
        return mem.readSync(address, enable, dontCare$.MODULE$, false);
    }

    /** Combinational read (a LUT RAM or registers; avoid for large memories). */
    public static <T extends Data> T readAsync(Mem<T> mem, UInt address) {
        return mem.readAsync(address, dontCare$.MODULE$);
    }

    /** Writes {@code data} at {@code address} at the clock edge when {@code enable} is high. */
    public static <T extends Data> void write(Mem<T> mem, UInt address, T data, Bool enable) {
        mem.write(address, data, enable, null);
    }

    // ---------------------------------------------------------------- conversions

    /** The raw bits of any signal or bundle (first field in the low bits). */
    public static Bits asBits(Data a) {
        return a.asBits();
    }

    /** {@code hi ## lo}: {@code hi}'s bits above {@code lo}'s. */
    public static Bits concat(Data hi, Data lo) {
        return hi.$hash$hash(lo);
    }

    public static SInt asSInt(Bits a) {
        return a.asSInt();
    }

    public static UInt asUInt(Bits a) {
        return a.asUInt();
    }

    public static SInt asSInt(UInt a) {
        return a.asSInt();
    }

    public static UInt asUInt(SInt a) {
        return a.asUInt();
    }

    // ---------------------------------------------------------------- width and slicing

    /** Sign-extends or truncates (keeping the low bits) to {@code width}. */
    public static SInt resize(SInt a, int width) {
        return a.resize(checkWidth(width));
    }

    /** Zero-extends or truncates (keeping the low bits) to {@code width}. */
    public static UInt resize(UInt a, int width) {
        return a.resize(checkWidth(width));
    }

    /** Bits {@code hi} down to {@code lo} (inclusive), as in Verilog {@code a[hi:lo]}. */
    @SuppressWarnings("unchecked")
    public static <T extends BitVector> T slice(T a, int hi, int lo) {
        if (hi < lo || lo < 0) {
            throw new HdlException("slice: need hi >= lo >= 0, got [" + hi + ":" + lo + "] at " + CallSite.describe());
        }
        return (T) a.apply(lo, new BitCount(hi - lo + 1));
    }

    /** Bit {@code i} of {@code a}. */
    public static Bool bit(BitVector a, int i) {
        return a.apply(i);
    }

    /** Width of a signal in bits. */
    public static int widthOf(Data a) {
        return a.getBitsWidth();
    }

    private static int checkWidth(int width) {
        if (width < 1) {
            throw new HdlException("width must be >= 1, got " + width + " at " + CallSite.describe());
        }
        return width;
    }
}
