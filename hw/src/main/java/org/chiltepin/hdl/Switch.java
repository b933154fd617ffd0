package org.chiltepin.hdl;

import java.util.function.Consumer;
import scala.collection.immutable.List$;
import spinal.core.BaseType;
import spinal.core.default$;
import spinal.core.is$;
import spinal.core.switch$;

/**
 * {@code switch (value) { is(a) {…} is(b) {…} default {…} }}: one decision over the values of one
 * signal, emitted as a Verilog {@code case} statement. Use it instead of a chain of
 * {@code when(eq(x, …))} where every branch tests the same signal; an enumeration's switch
 * ({@link HdlEnum#on}) names its cases in the Verilog.
 *
 * <pre>{@code
 * Switch.on(cmd.op, c -> c
 *         .is(uint(0, 3), () -> assign(y, a))
 *         .is(uint(1, 3), () -> assign(y, b))
 *         .otherwise(() -> assign(y, c)));
 * }</pre>
 *
 * A value no case names runs {@code otherwise} (or nothing without one); cases are literals of the
 * switched signal's type and width, each at most once.
 */
public final class Switch {
    private boolean ended;

    private Switch() {
    }

    /** Switches on {@code value}; {@code cases} adds the cases (they must be added inside it). */
    public static void on(BaseType value, Consumer<Switch> cases) {
        Switch s = new Switch();
        switch$.MODULE$.apply(value, true, true, Hdl.unit(() -> cases.accept(s)), CallSite.location());
    }

    /** The case {@code value == literal}: a literal of the switched type (or an enumeration element). */
    public Switch is(Object literal, Runnable body) {
        if (ended) {
            throw new HdlException("Switch: a case after otherwise at " + CallSite.describe());
        }
        is$.MODULE$.apply(literal, List$.MODULE$.empty(), Hdl.unit(body));
        return this;
    }

    /** Every value no case named. */
    public void otherwise(Runnable body) {
        ended = true;
        default$.MODULE$.apply(Hdl.unit(body));
    }
}
