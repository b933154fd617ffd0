package org.chiltepin.hw.array;

import static org.chiltepin.hdl.Hdl.*;

import java.util.ArrayList;
import java.util.List;
import org.chiltepin.hdl.Block;
import scala.jdk.javaapi.CollectionConverters;
import spinal.core.Component;
import spinal.core.SInt;

/**
 * Two independent signed products for two neighbouring processing elements of a row
 * ({@code PE(i, 2j)} and {@code PE(i, 2j+1)}), kept in one module so that a technology mapping
 * can replace it as a whole: on the iCE40 one {@code SB_MAC16} in its two-8×8-products mode
 * computes both (see {@code org.chiltepin.gen.Ice40ProductPair} and docs/fpga.md). The emitted
 * Verilog is the behavioural {@code *}, which every other target infers as it likes.
 *
 * <p>Ports (module {@code ProductPair}):
 * <ul>
 *   <li>{@code a_0}, {@code b_0}, {@code a_1}, {@code b_1}: signed {@code inputWidth}-bit
 *       operands (at most 8 bits: the width of the SB_MAC16's 8×8 multipliers);</li>
 *   <li>{@code p_0 = a_0 × b_0}, {@code p_1 = a_1 × b_1}: the exact signed products,
 *       {@code 2 × inputWidth} bits.</li>
 * </ul>
 *
 * <p>Purely combinational (no clock, no registers): latency 0, so a PE that takes its product
 * from here behaves cycle for cycle like one that multiplies itself.
 */
public final class ProductPair extends Block {
    /** The widest operand an SB_MAC16 8×8 multiplier takes. */
    public static final int MAX_INPUT_WIDTH = 8;

    /** Operands of PE(i, 2j) (index 0) and PE(i, 2j+1) (index 1): ports {@code a_0, a_1}. */
    final SInt[] a = new SInt[2];
    /** Ports {@code b_0, b_1}. */
    final SInt[] b = new SInt[2];
    /** Products: ports {@code p_0, p_1}. */
    final SInt[] p = new SInt[2];

    private final int inputWidth;

    /** @param inputWidth operand width, 2..{@value #MAX_INPUT_WIDTH} */
    public ProductPair(int inputWidth) {
        this.inputWidth = inputWidth;
        if (inputWidth > MAX_INPUT_WIDTH) {
            throw new IllegalArgumentException("ProductPair takes operands of at most " + MAX_INPUT_WIDTH
                    + " bits, got " + inputWidth);
        }
        moduleName("ProductPair");
        // Declared port by port so the Verilog port order reads a_0, b_0, a_1, b_1, p_0, p_1.
        for (int k = 0; k < 2; k++) {
            a[k] = in(sint(inputWidth));
            b[k] = in(sint(inputWidth));
        }
        for (int k = 0; k < 2; k++) {
            p[k] = out(sint(2 * inputWidth));
            assign(p[k], mul(a[k], b[k]));
        }
    }

    /** Operand width of this pair. */
    public int inputWidth() {
        return inputWidth;
    }

    /** Every ProductPair in the elaborated hierarchy under {@code top} (for technology mappings). */
    public static List<ProductPair> instancesIn(Component top) {
        List<ProductPair> found = new ArrayList<>();
        collect(top, found);
        return found;
    }

    private static void collect(Component c, List<ProductPair> found) {
        if (c instanceof ProductPair p) {
            found.add(p);
        }
        for (Component child : CollectionConverters.asJava(c.children())) {
            collect(child, found);
        }
    }
}
