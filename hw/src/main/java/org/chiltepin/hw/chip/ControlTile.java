package org.chiltepin.hw.chip;

import static org.chiltepin.hdl.Hdl.*;

import java.util.List;
import org.chiltepin.hdl.Block;
import org.chiltepin.hdl.HdlBundle;
import org.chiltepin.hw.noc.NetworkInterface.Message;
import org.chiltepin.hw.noc.NocConfig;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Data;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The control tile: host commands in, each sent as a CMD message to its tile; DONE messages back,
 * each a host response (docs/chip.md §2, §4). A command for a node that holds no GEMM, KV or vector
 * tile is answered here with BAD_TILE and sent nowhere.
 *
 * <h2>Ports</h2>
 * <ul>
 *   <li>{@code s_axis_cmd_*} (in): {@code node} 8, {@code mem_addr} 32, {@code cmd} 128 bits;</li>
 *   <li>{@code m_axis_resp_*} (out): {@code node}, {@code tag}, {@code opcode}, {@code status}, {@code value};</li>
 *   <li>{@code req_out_*} (out): CMD messages to the request network;</li>
 *   <li>{@code resp_in_*} (in): DONE messages from the response network.</li>
 * </ul>
 *
 * <h2>Flow control and timing</h2>
 * A credit counter per GEMM, KV or vector tile starts at {@code cmdCredits}, is spent by each CMD and returned
 * by each DONE from that tile; a command for a tile without credit waits. A command is forwarded in
 * the cycle it is taken (the network interface registers it); a BAD_TILE response is registered
 * and offered from the next cycle, ahead of DONE messages.
 */
public final class ControlTile extends Block {
    /** A host command (docs/chip.md §2). */
    public static final class HostCommand extends HdlBundle {
        public final UInt node = field("node", uint(8));
        public final UInt memAddr = field("mem_addr", uint(32));
        public final Bits cmd = field("cmd", bits(128));

        @Override
        protected HostCommand copy() {
            return new HostCommand();
        }
    }

    /** A host response (docs/chip.md §2). */
    public static final class HostResponse extends HdlBundle {
        public final UInt node = field("node", uint(8));
        public final UInt tag = field("tag", uint(8));
        public final UInt opcode = field("opcode", uint(4));
        public final UInt status = field("status", uint(4));
        public final UInt value = field("value", uint(48));

        @Override
        protected HostResponse copy() {
            return new HostResponse();
        }
    }

    public final Stream<HostCommand> sAxisCmd;
    public final Stream<HostResponse> mAxisResp;
    public final Stream<Message> reqOut;
    public final Stream<Message> respIn;
    /** The host command's node holds a GEMM, the KV or the vector tile. */
    final Bool cmdTileOk;
    /** That tile has a command credit left. */
    final Bool cmdCreditOk;
    final UInt[] credits;
    final Bool errValid;
    final HostResponse err;
    /** The response offered last cycle was refused: offer the same source again. */
    final Bool holdErr;
    final Bool holdDone;
    /** The BAD_TILE response is the one offered this cycle. */
    final Bool pickErr;
    /** Node number of the DONE on {@code resp_in}. */
    final UInt doneNode;

    public ControlTile(ChipConfig config) {
        NocConfig noc = config.noc();
        int k = config.k();
        List<Integer> gemms = config.commandNodes();
        int creditBits = NocConfig.bitsFor(config.cmdCredits());
        sAxisCmd = slaveStream(type(HostCommand::new));
        mAxisResp = masterStream(type(HostResponse::new));
        reqOut = masterStream(type(() -> new Message(noc, false)));
        respIn = slaveStream(type(() -> new Message(noc, true)));

        HostCommand c = sAxisCmd.payload();
        Message done = respIn.payload();
        cmdTileOk = bool();
        cmdCreditOk = bool();
        doneNode = uint(8);
        assign(cmdTileOk, bool(false));
        assign(cmdCreditOk, bool(false));
        UInt destX = named(uint(noc.xBits()), "dest_x");
        UInt destY = named(uint(noc.yBits()), "dest_y");
        assign(destX, uint(0, noc.xBits()));
        assign(destY, uint(0, noc.yBits()));
        assign(doneNode, resize(done.srcX, 8));
        credits = new UInt[gemms.size()];
        for (int i = 0; i < gemms.size(); i++) {
            int node = gemms.get(i);
            UInt credit = named(regInit(uint(creditBits), uint(config.cmdCredits(), creditBits)), "credits_" + node);
            credits[i] = credit;
            Bool mine = eq(c.node, uint(node, 8));
            when(mine, () -> {
                assign(cmdTileOk, bool(true));
                assign(cmdCreditOk, neq(credit, uint(0, creditBits)));
                assign(destX, uint(node % k, noc.xBits()));
                assign(destY, uint(node / k, noc.yBits()));
            });
        }
        for (int node = 0; node < config.nodes(); node++) {
            int n = node;
            when(and(eq(done.srcX, uint(n % k, noc.xBits())), eq(done.srcY, uint(n / k, noc.yBits()))),
                    () -> assign(doneNode, uint(n, 8)));
        }

        // host command -> CMD message, or a BAD_TILE response
        errValid = regInit(bool(), bool(false));
        err = reg(new HostResponse());
        assign(reqOut.valid(), and(sAxisCmd.valid(), and(cmdTileOk, cmdCreditOk)));
        assign(sAxisCmd.ready(), mux(cmdTileOk, and(cmdCreditOk, reqOut.ready()), not(errValid)));
        ChipMessage.drive(reqOut.payload(), destX, destY,
                ChipMessage.tag(noc.tagWidth(), ChipMessage.CMD, c.memAddr, uint(0, ChipMessage.WORDS_BITS)),
                uint(2, 2), new Bits[] {slice(c.cmd, 63, 0), slice(c.cmd, 127, 64)});
        when(and(sAxisCmd.fire(), not(cmdTileOk)), () -> {
            assign(errValid, bool(true));
            assign(err.node, c.node);
            assign(err.tag, asUInt(slice(c.cmd, 11, 4)));
            assign(err.opcode, asUInt(slice(c.cmd, 3, 0)));
            assign(err.status, uint(ChipConfig.BAD_TILE, 4));
            assign(err.value, uint(0, 48));
        });
        holdErr = regInit(bool(), bool(false));
        holdDone = regInit(bool(), bool(false));
        pickErr = bool();
        assign(pickErr, or(holdErr, and(not(holdDone), errValid)));
        when(and(mAxisResp.fire(), pickErr), () -> assign(errValid, bool(false)));

        // DONE -> host response (a refused response is offered again before anything else); credits
        Bits word = done.data[0];
        // only one-word DONE messages arrive here: their source and first word are all it reads
        Data[] ignored = new Data[done.data.length + 3];
        ignored[0] = done.destX;
        ignored[1] = done.destY;
        ignored[2] = done.length;
        ignored[3] = done.tag;
        System.arraycopy(done.data, 1, ignored, 4, done.data.length - 1);
        unused("resp_in_fields", ignored);
        HostResponse r = mAxisResp.payload();
        assign(mAxisResp.valid(), or(pickErr, respIn.valid()));
        assign(respIn.ready(), and(not(pickErr), mAxisResp.ready()));
        assign(holdErr, and(pickErr, not(mAxisResp.ready())));
        assign(holdDone, and(not(pickErr), and(respIn.valid(), not(mAxisResp.ready()))));
        assign(r.node, mux(pickErr, err.node, doneNode));
        assign(r.tag, mux(pickErr, err.tag, asUInt(slice(word, 7, 0))));
        assign(r.opcode, mux(pickErr, err.opcode, asUInt(slice(word, 11, 8))));
        assign(r.status, mux(pickErr, err.status, asUInt(slice(word, 15, 12))));
        assign(r.value, mux(pickErr, err.value, asUInt(slice(word, 63, 16))));
        for (int i = 0; i < gemms.size(); i++) {
            int node = gemms.get(i);
            UInt credit = credits[i];
            Bool spend = and(reqOut.fire(), eq(c.node, uint(node, 8)));
            Bool back = and(respIn.fire(), eq(doneNode, uint(node, 8)));
            when(and(spend, not(back)), () -> assign(credit, sub(credit, uint(1, creditBits))))
                    .elseWhen(and(back, not(spend)), () -> assign(credit, add(credit, uint(1, creditBits))));
        }
    }
}
