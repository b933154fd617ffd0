package org.chiltepin.hw.array;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import spinal.core.Bool;
import spinal.core.SInt;

/**
 * One output-stationary processing element: multiplies the A element arriving from the west by
 * the B element arriving from the north and accumulates the product in place. A and B, with the
 * beat's flags, are passed on (registered) to the east and south neighbours.
 *
 * <p>Ports (all registers update only while {@code enable} is high):
 * <ul>
 *   <li>{@code in_a}, {@code in_b}: signed {@code inputWidth}-bit operands;</li>
 *   <li>{@code in_product} (only with {@code externalProduct}): the signed
 *       {@code 2 × inputWidth}-bit product {@code in_a × in_b}, computed outside (by a
 *       {@link ProductPair} shared with the row neighbour). Such a PE has no multiplier, and
 *       {@code in_a} / {@code in_b} exist only where they are forwarded ({@code forwardA} /
 *       {@code forwardB}), so no port goes unread;</li>
 *   <li>{@code in_valid}, {@code in_first}, {@code in_last}: the beat carries data; it is the
 *       first / last of a tile's K beats;</li>
 *   <li>{@code out_a}, {@code out_first} (only if the PE has an east neighbour),
 *       {@code out_b} (only if it has a south neighbour), {@code out_valid}, {@code out_last}:
 *       the inputs delayed by one cycle;</li>
 *   <li>{@code result}: the tile's dot product, captured when the last beat arrives; it holds
 *       until the next tile's last beat.</li>
 * </ul>
 *
 * <p>Arithmetic: {@code acc <= (in_first ? 0 : acc) + in_a × in_b}, in {@code accWidth}-bit two's
 * complement, wrapping on overflow; the product is exact ({@code 2 × inputWidth} bits,
 * sign-extended). Latency: {@code result} is valid one cycle after the last beat.
 * Edge PEs omit the outputs nobody reads, so the emitted Verilog has no unused signals.
 */
public final class ProcessingElement extends Block {
    final Bool enable;
    final SInt inA;
    final SInt inB;
    final Bool inValid;
    final Bool inFirst;
    final Bool inLast;
    final SInt outA;
    final SInt outB;
    final Bool outValid;
    final Bool outFirst;
    final Bool outLast;
    final SInt result;
    final SInt acc;
    /** The product from outside; null when the PE multiplies itself. */
    final SInt inProduct;
    /** The exact product, sign-extended to the accumulator width. */
    final SInt product;
    /** The accumulator's next value: product alone on a tile's first beat. */
    final SInt sum;

    /**
     * @param config   array parameters (input and accumulator widths)
     * @param forwardA the PE has an east neighbour: emit {@code out_a} and {@code out_first}
     * @param forwardB the PE has a south neighbour: emit {@code out_b}
     */
    public ProcessingElement(ArrayConfig config, boolean forwardA, boolean forwardB) {
        this(config, forwardA, forwardB, false);
    }

    /**
     * @param config          array parameters (input and accumulator widths)
     * @param forwardA        the PE has an east neighbour: emit {@code out_a} and {@code out_first}
     * @param forwardB        the PE has a south neighbour: emit {@code out_b}
     * @param externalProduct take the product from {@code in_product} instead of multiplying
     *                        (the array's operands then reach the multiplier outside the PE)
     */
    public ProcessingElement(ArrayConfig config, boolean forwardA, boolean forwardB, boolean externalProduct) {
        moduleName("ProcessingElement" + (forwardA ? "" : "_e") + (forwardB ? "" : "_s"));
        int w = config.inputWidth();
        int accWidth = config.accWidth();
        enable = in(bool());
        // With an external product the operands are only forwarded: an edge PE does without them.
        inA = !externalProduct || forwardA ? in(sint(w)) : null;
        inB = !externalProduct || forwardB ? in(sint(w)) : null;
        inValid = in(bool());
        inFirst = in(bool());
        inLast = in(bool());
        inProduct = externalProduct ? in(sint(config.productWidth())) : null;
        outA = forwardA ? out(reg(sint(w))) : null;
        outFirst = forwardA ? out(reg(bool())) : null;
        outB = forwardB ? out(reg(sint(w))) : null;
        outValid = out(regInit(bool(), bool(false)));
        outLast = out(reg(bool()));
        result = out(reg(sint(accWidth)));
        acc = reg(sint(accWidth));

        product = resize(externalProduct ? inProduct : mul(inA, inB), accWidth);
        sum = mux(inFirst, product, add(acc, product));
        when(enable, () -> {
            if (forwardA) {
                assign(outA, inA);
                assign(outFirst, inFirst);
            }
            if (forwardB) {
                assign(outB, inB);
            }
            assign(outValid, inValid);
            assign(outLast, inLast);
            when(inValid, () -> {
                assign(acc, sum);
                when(inLast, () -> assign(result, sum));
            });
        });
    }
}
