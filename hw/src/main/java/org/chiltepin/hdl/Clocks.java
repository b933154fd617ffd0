package org.chiltepin.hdl;

import java.util.function.Supplier;
import spinal.core.BOOT$;
import spinal.core.Bool;
import spinal.core.ClockDomain;
import spinal.core.ClockDomain$;
import spinal.core.ClockDomainConfig;
import spinal.core.ClockDomainConfig$;
import spinal.core.HIGH$;
import spinal.core.RISING$;
import spinal.core.SYNC$;

/**
 * Clock domains other than a block's own {@code clk}/{@code reset}: for a board top that makes its
 * clock (a PLL, a divider) and its reset (a synchronizer) and runs the design from them. Registers
 * and sub-blocks built inside {@link #on} belong to the given domain; a sub-block gets input ports
 * named after the domain's clock and reset signals, so name those {@code clk} and {@code reset}.
 */
public final class Clocks {
    private Clocks() {
    }

    /** Rising-edge {@code clock} with {@code reset} synchronous, active high (the blocks' convention). */
    public static ClockDomain synchronous(Bool clock, Bool reset) {
        return domain(clock, reset, ClockDomainConfig$.MODULE$.apply(RISING$.MODULE$, SYNC$.MODULE$, HIGH$.MODULE$,
                HIGH$.MODULE$, HIGH$.MODULE$));
    }

    /**
     * Rising-edge {@code clock} without a reset signal: a register's init value is its value when
     * the FPGA is configured (Verilog {@code initial}), as a reset synchronizer needs.
     */
    public static ClockDomain boot(Bool clock) {
        return domain(clock, null, ClockDomainConfig$.MODULE$.apply(RISING$.MODULE$, BOOT$.MODULE$, HIGH$.MODULE$,
                HIGH$.MODULE$, HIGH$.MODULE$));
    }

    /** Builds what {@code body} makes (registers, sub-blocks) in {@code domain}. */
    public static <T> T on(ClockDomain domain, Supplier<T> body) {
        return domain.on(body::get);
    }

    private static ClockDomain domain(Bool clock, Bool reset, ClockDomainConfig config) {
        ClockDomain$ f = ClockDomain$.MODULE$;
        return f.apply(clock, reset, f.apply$default$3(), f.apply$default$4(), f.apply$default$5(), config,
                f.apply$default$7(), f.apply$default$8());
    }
}
