package org.chiltepin.hdl;

import java.util.function.Supplier;
import spinal.core.BlackBox;
import spinal.core.Data;

/**
 * A module defined outside Chiltepin — a vendor primitive such as the iCE40's {@code SB_MAC16} —
 * instantiated by name: SpinalHDL's {@code BlackBox} through the facade. A subclass declares its
 * ports as fields with {@link #input} and {@link #output}, under the primitive's exact
 * (case-sensitive) names, and its parameters with {@link #parameter}; a block places one with
 * {@link #place}, like {@link Hdl#build} for a {@link Block}. No Verilog is emitted for the black
 * box itself: the tool that reads the design (yosys, nextpnr, a simulator given the vendor's
 * models) knows the module.
 */
public abstract class HdlBlackBox extends BlackBox {
    /** @param moduleName the Verilog module instantiated, e.g. {@code SB_MAC16} */
    protected HdlBlackBox(String moduleName) {
        setDefinitionName(moduleName, false);
    }

    /** Makes {@code data} an input port named {@code name} exactly. */
    protected final <T extends Data> T input(T data, String name) {
        data.asInput();
        data.setName(name, false);
        return data;
    }

    /** Makes {@code data} an output port named {@code name} exactly. */
    protected final <T extends Data> T output(T data, String name) {
        data.asOutput();
        data.setName(name, false);
        return data;
    }

    /**
     * A Verilog parameter. {@code value} is an {@code Integer}, a {@code String} (written quoted,
     * {@code "SIMPLE"}) or a sized literal from {@link Hdl#bitsLiteral} (written as
     * {@code 2'b10}).
     */
    protected final void parameter(String name, Object value) {
        addGeneric(name, value);
    }

    /** Constructs a black box inside the block under construction and closes its scope. */
    public static <T extends HdlBlackBox> T place(Supplier<T> constructor) {
        T box = constructor.get();
        box.postInitCallback();
        return box;
    }
}
