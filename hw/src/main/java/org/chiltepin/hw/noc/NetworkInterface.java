package org.chiltepin.hw.noc;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.HdlBundle;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * A network interface between one endpoint and its router's local port: it splits each message
 * taken from {@code s_axis} into a head flit and {@code length} body flits, and reassembles the
 * flits arriving from the router into whole messages on {@code m_axis}.
 *
 * <h2>Ports</h2>
 * <ul>
 *   <li>{@code s_axis_*} (valid/ready stream, in): a message: {@code dest_x}, {@code dest_y},
 *       {@code length} (payload words, 0..maxPayloadFlits), {@code tag} ({@link NocConfig#tagWidth()}
 *       bits, carried in the head flit) and {@code data_0..data_{maxPayloadFlits-1}}
 *       ({@code flitWidth} bits each; words from {@code length} on are ignored). The source is this
 *       interface's own position, stamped into the head flit.</li>
 *   <li>{@code m_axis_*} (valid/ready stream, out): a delivered message with the same fields plus
 *       {@code src_x}, {@code src_y}; words from {@code length} on are unspecified.</li>
 *   <li>{@code dropped} (out): high in the cycle {@code s_axis} takes a message that cannot be
 *       delivered (destination outside the k × m mesh, or {@code length > maxPayloadFlits}); such a
 *       message is consumed and never sent.</li>
 *   <li>{@code inj_valid}, {@code inj_last}, {@code inj_data} (out) and {@code inj_credit} (in):
 *       flits to the router's local input, sent only with a credit (the counter starts at
 *       {@code bufferDepth}).</li>
 *   <li>{@code ej_valid}, {@code ej_last}, {@code ej_data} (in) and {@code ej_credit} (out):
 *       flits from the router's local output into a {@code bufferDepth}-flit ejection buffer; a
 *       credit returns as each flit leaves it.</li>
 *   <li>{@code my_x}, {@code my_y}: this node's coordinates (constant inputs).</li>
 * </ul>
 *
 * <h2>Timing</h2>
 * A message accepted at edge t has its head flit written into the router's buffer at edge t + 1
 * and its other flits on the following edges, one per cycle while credits last; {@code s_axis} is
 * ready again in the cycle the last flit leaves, so messages of L words stream at one message per
 * L + 1 cycles. A message's last flit written into the ejection buffer at edge t is absorbed at
 * t + 1 and offered on {@code m_axis} from then on. End to end at zero load:
 * {@link NocConfig#zeroLoadLatency}.
 */
public final class NetworkInterface extends Block {

    /** A message: destination, length, tag and payload; with the source when it is delivered. */
    public static final class Message extends HdlBundle {
        private final NocConfig config;
        private final boolean withSource;
        public final UInt destX;
        public final UInt destY;
        public final UInt srcX;
        public final UInt srcY;
        public final UInt length;
        public final Bits tag;
        public final Bits[] data;

        public Message(NocConfig config, boolean withSource) {
            this.config = config;
            this.withSource = withSource;
            destX = field("dest_x", uint(config.xBits()));
            destY = field("dest_y", uint(config.yBits()));
            srcX = withSource ? field("src_x", uint(config.xBits())) : null;
            srcY = withSource ? field("src_y", uint(config.yBits())) : null;
            length = field("length", uint(config.lenBits()));
            tag = field("tag", bits(config.tagWidth()));
            Bits[] d = new Bits[config.maxPayloadFlits()];
            for (int i = 0; i < d.length; i++) {
                d[i] = bits(config.flitWidth());
            }
            data = fields("data", d);
        }

        @Override
        protected Message copy() {
            return new Message(config, withSource);
        }
    }

    public final Stream<Message> sAxis;
    public final Stream<Message> mAxis;
    public final Bool dropped;
    final UInt myX;
    final UInt myY;
    final Bool injValid;
    final Bool injLast;
    final Bits injData;
    final Bool injCredit;
    final Bool ejValid;
    final Bool ejLast;
    final Bits ejData;
    final Bool ejCredit;

    // injection
    /** A message is being sent; {@code injIndex} is its next flit (0 = head). */
    final Bool injBusy;
    final UInt injIndex;
    final UInt injLength;
    final Bits injHead;
    final Bits[] injWords;
    final UInt injCredits;
    /** The accepted message can be delivered. */
    final Bool legal;

    // ejection
    final Mem<Bits> ejFifo;
    final UInt ejWr;
    final UInt ejRd;
    final UInt ejCount;
    final Bool ejPop;
    /** The next flit out of the ejection buffer is a head flit. */
    final Bool expectHead;
    /** A whole message is held in the assembly registers and offered on {@code m_axis}. */
    final Bool complete;
    final UInt asmIndex;
    final UInt asmDestX;
    final UInt asmDestY;
    final UInt asmSrcX;
    final UInt asmSrcY;
    final UInt asmLength;
    final Bits asmTag;
    final Bits[] asmWords;

    public NetworkInterface(NocConfig config) {
        int w = config.flitWidth();
        int xb = config.xBits();
        int yb = config.yBits();
        int lb = config.lenBits();
        int maxLen = config.maxPayloadFlits();
        int depth = config.bufferDepth();
        int ptrBits = Integer.numberOfTrailingZeros(depth);
        int cntBits = NocConfig.bitsFor(depth);

        sAxis = slaveStream(type(() -> new Message(config, false)));
        mAxis = masterStream(type(() -> new Message(config, true)));
        dropped = out(bool());
        myX = in(uint(xb));
        myY = in(uint(yb));
        injValid = out(bool());
        injLast = out(bool());
        injData = out(bits(w));
        injCredit = in(bool());
        ejValid = in(bool());
        ejLast = in(bool());
        ejData = in(bits(w));
        ejCredit = out(bool());

        // ---------------- injection: one message register, sent flit by flit
        injBusy = regInit(bool(), bool(false));
        injIndex = reg(uint(lb));
        injLength = reg(uint(lb));
        injHead = reg(bits(w));
        injWords = new Bits[maxLen];
        for (int i = 0; i < maxLen; i++) {
            injWords[i] = named(reg(bits(w)), "inj_word_" + i);
        }
        injCredits = regInit(uint(cntBits), uint(depth, cntBits));

        Message in = sAxis.payload();
        Bool destOk = and(inRange(in.destX, config.k()), inRange(in.destY, config.m()));
        legal = and(destOk, inRange(in.length, maxLen + 1));
        Bool send = and(injBusy, neq(injCredits, uint(0, cntBits)));
        Bool lastGoing = and(send, eq(injIndex, injLength));
        assign(sAxis.ready(), or(not(injBusy), lastGoing));
        Bool accept = sAxis.fire();
        assign(dropped, and(accept, not(legal)));

        Bits flit = injHead;
        for (int i = 0; i < maxLen; i++) {
            flit = mux(eq(injIndex, uint(i + 1, lb)), injWords[i], flit);
        }
        assign(injValid, send);
        assign(injLast, eq(injIndex, injLength));
        assign(injData, flit);

        when(send, () -> {
            assign(injIndex, add(injIndex, uint(1, lb)));
            when(lastGoing, () -> assign(injBusy, bool(false)));
        });
        Bits head = concat(in.tag, concat(in.length, concat(myY, concat(myX, concat(in.destY, in.destX)))));
        when(and(accept, legal), () -> {
            assign(injBusy, bool(true));
            assign(injIndex, uint(0, lb));
            assign(injLength, in.length);
            assign(injHead, head);
            for (int i = 0; i < maxLen; i++) {
                assign(injWords[i], in.data[i]);
            }
        });
        when(and(send, not(injCredit)), () -> assign(injCredits, sub(injCredits, uint(1, cntBits))))
                .elseWhen(and(injCredit, not(send)), () -> assign(injCredits, add(injCredits, uint(1, cntBits))));

        // ---------------- ejection: buffer, then reassembly
        ejFifo = mem(bits(w + 1), depth);
        ejWr = regInit(uint(ptrBits), uint(0, ptrBits));
        ejRd = regInit(uint(ptrBits), uint(0, ptrBits));
        ejCount = regInit(uint(cntBits), uint(0, cntBits));
        ejPop = bool();
        write(ejFifo, ejWr, concat(ejLast, ejData), ejValid);
        Bits word = named(bits(w + 1), "ej_head_word");
        assign(word, readAsync(ejFifo, ejRd));
        Bool fLast = bit(word, w);
        Bits fData = slice(word, w - 1, 0);

        expectHead = regInit(bool(), bool(true));
        complete = regInit(bool(), bool(false));
        asmIndex = reg(uint(lb));
        asmDestX = reg(uint(xb));
        asmDestY = reg(uint(yb));
        asmSrcX = reg(uint(xb));
        asmSrcY = reg(uint(yb));
        asmLength = reg(uint(lb));
        asmTag = reg(bits(config.tagWidth()));
        asmWords = new Bits[maxLen];
        for (int i = 0; i < maxLen; i++) {
            asmWords[i] = named(reg(bits(w)), "asm_word_" + i);
        }

        assign(ejPop, and(neq(ejCount, uint(0, cntBits)), or(not(complete), mAxis.ready())));
        assign(ejCredit, ejPop);
        when(ejValid, () -> assign(ejWr, add(ejWr, uint(1, ptrBits))));
        when(ejPop, () -> assign(ejRd, add(ejRd, uint(1, ptrBits))));
        when(and(ejValid, not(ejPop)), () -> assign(ejCount, add(ejCount, uint(1, cntBits))))
                .elseWhen(and(ejPop, not(ejValid)), () -> assign(ejCount, sub(ejCount, uint(1, cntBits))));

        when(mAxis.fire(), () -> assign(complete, bool(false)));
        int o = 0;
        UInt hDestX = asUInt(slice(fData, o + xb - 1, o));
        o += xb;
        UInt hDestY = asUInt(slice(fData, o + yb - 1, o));
        o += yb;
        UInt hSrcX = asUInt(slice(fData, o + xb - 1, o));
        o += xb;
        UInt hSrcY = asUInt(slice(fData, o + yb - 1, o));
        o += yb;
        UInt hLen = asUInt(slice(fData, o + lb - 1, o));
        o += lb;
        Bits hTag = slice(fData, w - 1, o);
        when(ejPop, () -> {
            when(expectHead, () -> {
                assign(asmDestX, hDestX);
                assign(asmDestY, hDestY);
                assign(asmSrcX, hSrcX);
                assign(asmSrcY, hSrcY);
                assign(asmLength, hLen);
                assign(asmTag, hTag);
                assign(asmIndex, uint(0, lb));
                when(fLast, () -> assign(complete, bool(true)))
                        .otherwise(() -> assign(expectHead, bool(false)));
            }).otherwise(() -> {
                for (int i = 0; i < maxLen; i++) {
                    Bits target = asmWords[i];
                    when(eq(asmIndex, uint(i, lb)), () -> assign(target, fData));
                }
                assign(asmIndex, add(asmIndex, uint(1, lb)));
                when(fLast, () -> {
                    assign(complete, bool(true));
                    assign(expectHead, bool(true));
                });
            });
        });

        Message outMsg = mAxis.payload();
        assign(mAxis.valid(), complete);
        assign(outMsg.destX, asmDestX);
        assign(outMsg.destY, asmDestY);
        assign(outMsg.srcX, asmSrcX);
        assign(outMsg.srcY, asmSrcY);
        assign(outMsg.length, asmLength);
        assign(outMsg.tag, asmTag);
        for (int i = 0; i < maxLen; i++) {
            assign(outMsg.data[i], asmWords[i]);
        }
    }

    /** {@code value < limit}, constant true when every value of the field is below the limit. */
    private static Bool inRange(UInt value, int limit) {
        int width = widthOf(value);
        if (limit >= 1 << width) {
            return bool(true);
        }
        return lt(value, uint(limit, width));
    }
}
