package org.chiltepin.hdl;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.SpinalEnum;
import spinal.core.SpinalEnumCraft;
import spinal.core.SpinalEnumElement;
import spinal.core.binarySequential$;

/**
 * A hardware enumeration made from a Java {@code enum}: the states of a state machine, the
 * opcodes of a command. In the Verilog each constant is a {@code localparam} named
 * {@code <Enum>_<CONSTANT>} (binary, in declaration order: the first constant is 0), and signals of
 * the type are compared and assigned by name:
 *
 * <pre>{@code
 * enum Phase { IDLE, RUN, DONE }
 * HdlEnum<Phase> phases = HdlEnum.of(Phase.class);
 * state = phases.regInit(Phase.IDLE);                  // reg [1:0] state; reset to Phase_IDLE
 * phases.on(state, c -> c
 *         .is(Phase.IDLE, () -> when(go, () -> phases.set(state, Phase.RUN)))
 *         .is(Phase.RUN, () -> phases.set(state, Phase.DONE))
 *         .is(Phase.DONE, () -> phases.set(state, Phase.IDLE)));
 * done = phases.is(state, Phase.DONE);                 // assign done = (state == Phase_DONE);
 * }</pre>
 *
 * Signals of the type are {@code SpinalEnumCraft<SpinalEnum>}: keep them in fields (or
 * {@link Hdl#named}) like any signal, and do not name one after its enumeration (SpinalHDL
 * reserves {@code state} for an enum {@code State}, case-insensitively).
 *
 * <p>A constant named like a Verilog or VHDL keyword ({@code FORK}, {@code BEGIN}, {@code END}, …)
 * comes out with a suffix ({@code FORK_1}): pick another name.
 *
 * <p>Every constant must be used — set, compared, or a case with a body (an empty case is
 * dropped) — or {@code verilator -Wall} reports its localparam as unused. A design that uses only
 * some constants (one backend's states, say) builds the enumeration over those:
 * {@link #of(Class, Set)}.
 *
 * @param <E> the Java enum whose constants name the values
 */
public final class HdlEnum<E extends Enum<E>> {
    private final Class<E> constants;
    private final SpinalEnum definition;
    private final EnumMap<E, SpinalEnumElement<SpinalEnum>> elements;

    private HdlEnum(Class<E> constants, Set<E> used) {
        this.constants = constants;
        definition = new SpinalEnum(binarySequential$.MODULE$);
        definition.setName(constants.getSimpleName(), false);
        elements = new EnumMap<>(constants);
        for (E e : EnumSet.copyOf(used)) {
            elements.put(e, definition.newElement(e.name()));
        }
    }

    /** The enumeration of all of {@code constants}, named after its simple name. */
    public static <E extends Enum<E>> HdlEnum<E> of(Class<E> constants) {
        return of(constants, EnumSet.allOf(constants));
    }

    /**
     * The enumeration of the constants in {@code used} only, in declaration order (the first is
     * 0); the others do not exist in the hardware, and using one is an error.
     */
    public static <E extends Enum<E>> HdlEnum<E> of(Class<E> constants, Set<E> used) {
        if (used.isEmpty()) {
            throw new HdlException("HdlEnum: " + constants.getSimpleName() + " needs at least one constant");
        }
        return new HdlEnum<>(constants, used);
    }

    /** Width in bits of a signal of this type: enough for every constant. */
    public int width() {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(elements.size() - 1));
    }

    /** True when {@code value} exists in this enumeration (see {@link #of(Class, Set)}). */
    public boolean has(E value) {
        return elements.containsKey(value);
    }

    private SpinalEnumElement<SpinalEnum> element(E value) {
        SpinalEnumElement<SpinalEnum> e = elements.get(value);
        if (e == null) {
            throw new HdlException("HdlEnum " + constants.getSimpleName() + " has no " + value + " here (built over "
                    + elements.keySet() + ") at " + CallSite.describe());
        }
        return e;
    }

    /** A signal of this type (an input, output or combinational signal). */
    public SpinalEnumCraft<SpinalEnum> signal() {
        return definition.craft();
    }

    /** The constant {@code value} as a literal. */
    public SpinalEnumCraft<SpinalEnum> value(E value) {
        return element(value).craft();
    }

    /** A register of this type reset to {@code initial}. */
    public SpinalEnumCraft<SpinalEnum> regInit(E initial) {
        return Hdl.regInit(signal(), value(initial));
    }

    /** {@code signal == value}. */
    public Bool is(SpinalEnumCraft<SpinalEnum> signal, E value) {
        return signal.$eq$eq$eq(element(value));
    }

    /** {@code signal := value}. */
    public void set(SpinalEnumCraft<SpinalEnum> signal, E value) {
        Hdl.assign(signal, value(value));
    }

    /**
     * A signal of this type that reads {@code raw} as the constant of that ordinal (an opcode
     * field of a command, say): {@code raw} must be exactly {@link #width()} bits wide.
     */
    public SpinalEnumCraft<SpinalEnum> fromBits(Bits raw) {
        if (raw.getBitsWidth() != width()) {
            throw new HdlException("HdlEnum " + constants.getSimpleName() + ": needs " + width() + " bits, got "
                    + raw.getBitsWidth() + " at " + CallSite.describe());
        }
        SpinalEnumCraft<SpinalEnum> s = signal();
        s.assignFromBits(raw);
        return s;
    }

    /** Cases of {@link #on}. */
    public final class Cases {
        private final Switch cases;

        private Cases(Switch cases) {
            this.cases = cases;
        }

        /** The case {@code signal == value}. */
        public Cases is(E value, Runnable body) {
            cases.is(element(value), body);
            return this;
        }

        /** Every value no case named. */
        public void otherwise(Runnable body) {
            cases.otherwise(body);
        }
    }

    /** A {@code case} statement over {@code signal} with its cases by name (see {@link Switch}). */
    public void on(SpinalEnumCraft<SpinalEnum> signal, Consumer<Cases> cases) {
        Switch.on(signal, s -> cases.accept(new Cases(s)));
    }
}
