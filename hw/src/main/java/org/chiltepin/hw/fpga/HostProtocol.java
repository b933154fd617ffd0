package org.chiltepin.hw.fpga;

import static org.chiltepin.hdl.Hdl.*;

import org.chiltepin.hdl.Block;
import org.chiltepin.hw.gemm.GemmCommand;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.gemm.GemmEngine;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Data;
import spinal.core.Mem;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The UART host protocol (docs/fpga.md has it byte by byte): decodes frames from the host,
 * tunnels the GEMM engine's own command words and data beats, and answers every frame with a
 * frame.
 *
 * <p>Host → board: {@code A5, CMD, LEN, PAYLOAD[LEN], CRC_HI, CRC_LO}; board → host:
 * {@code 5A, TYPE, LEN, PAYLOAD[LEN], CRC_HI, CRC_LO}. CRC-16/CCITT-FALSE (polynomial 0x1021,
 * initial value 0xFFFF) over CMD/TYPE, LEN and the payload, sent most significant byte first.
 * Commands: WRITE_CMD (16-byte engine command), WRITE_DATA (whole operand beats), READ_RESP (pop
 * one engine response), READ_DATA (pop up to N result beats), STATUS. A reply's TYPE is
 * {@code CMD | 0x80}; errors answer {@code TYPE = 0xEE} with {@code [code, cmd, detail]}. A frame is
 * received completely into a 256-byte buffer (one block RAM) and checked before anything reaches
 * the engine; bytes arriving while a frame is executed or answered are dropped.
 *
 * <p>Ports: {@code rx_valid}, {@code rx_data} (bytes from {@link UartRx});
 * {@code m_axis_tx_*} (bytes to {@link UartTx}); {@code m_axis_cmd_*} and {@code m_axis_data_*}
 * to the engine's {@code s_axis_cmd} and {@code s_axis_data}; {@code s_axis_row_*} and
 * {@code s_axis_resp_*} from its {@code m_axis_data} and {@code m_axis_resp}; {@code led_error}
 * (the last frame was answered with an error) and {@code led_activity} (toggles with every good
 * frame). Parameters: {@link BoardConfig}.
 */
public final class HostProtocol extends Block {
    public static final int MAX_PAYLOAD = 255;
    public static final int SYNC_HOST = 0xA5;
    public static final int SYNC_BOARD = 0x5A;
    public static final int TYPE_ERROR = 0xEE;

    public static final int WRITE_CMD = 0x01;
    public static final int WRITE_DATA = 0x02;
    public static final int READ_RESP = 0x03;
    public static final int READ_DATA = 0x04;
    public static final int STATUS = 0x05;

    public static final int ERR_BAD_CRC = 1;
    public static final int ERR_TIMEOUT = 2;
    public static final int ERR_UNKNOWN_CMD = 3;
    public static final int ERR_BAD_LENGTH = 4;
    public static final int ERR_ENGINE_BUSY = 5;

    /** Bytes of a READ_RESP reply: valid flag, tag, opcode, status, 48-bit value. */
    public static final int RESP_BYTES = 10;
    /** Bytes of a STATUS reply. */
    public static final int STATUS_BYTES = 4;

    // States.
    private static final int S_SYNC = 0;
    private static final int S_CMD = 1;
    private static final int S_LEN = 2;
    private static final int S_PAYLOAD = 3;
    private static final int S_CRC = 4;
    private static final int S_EXEC = 5;
    private static final int S_UNPACK = 6;
    private static final int S_PUSH_CMD = 7;
    private static final int S_PUSH_DATA = 8;
    private static final int S_PACK = 9;
    private static final int S_READ_WAIT = 10;
    private static final int S_TX_START = 11;
    private static final int S_TX = 12;
    private static final int S_BUSY = 13;
    private static final int S_CHECK = 14;
    private static final int S_BAD_CRC = 15;

    /** Cycles READ_DATA waits for the engine's next result beat before answering with what it has. */
    private static final int READ_PATIENCE = 15;

    final Bool rxValid;
    final UInt rxData;
    final Stream<Bits> mAxisTx;
    final Stream<Bits> mAxisCmd;
    final Stream<Bits> mAxisData;
    final Stream<GemmEngine.Row> sAxisRow;
    final Stream<GemmEngine.Response> sAxisResp;
    final Bool ledError;
    final Bool ledActivity;

    final Mem<Bits> frameBuf;
    final Bits bufWord;
    final UInt bufData;
    final Bool bufWrEn;
    final Bool bufRdEn;
    final UInt bufWrAddr;
    final UInt bufWrData;

    final UInt state;
    final UInt nextState;
    final UInt cmd;
    final UInt len;
    final UInt rxIndex;
    final UInt rxMod;
    final UInt rxBeats;
    final UInt crc;
    final Bool crcSecond;
    final UInt idle;
    /** The frame timeout, registered: set the cycle the silence reaches {@code frameTimeout}. */
    final Bool timedOut;
    /** High in the S_EXEC cycle of a well-formed READ_RESP frame: the engine's response is popped. */
    final Bool respPop;
    final UInt rdPtr;
    final Bool settle;
    final UInt wrPtr;
    final UInt count;
    /** Command and data words assembled from the buffer (shift only, no load). */
    final UInt rxWord;
    /** Reply bytes (response, status, result beat, error) packed into the buffer: load or shift. */
    final UInt reply;
    final Bool loadEn;
    final UInt loadValue;
    final UInt beatsLeft;
    final UInt beatsDone;
    final UInt maxBeats;
    final UInt readWait;
    final UInt engineWait;
    final UInt replyType;
    final UInt replyLen;
    final UInt txPhase;
    final UInt txIndex;
    final UInt txByte;
    /** The CRC after the received byte, and after the byte being sent. */
    final UInt crcNext;
    final UInt crcTxNext;
    final UInt errorCount;
    final Bool ledErrorReg;
    final Bool ledActivityReg;

    private final int loadWidth;

    public HostProtocol(BoardConfig config) {
        GemmConfig g = config.gemm();
        int dataBytes = g.dataBytes();
        int dataBits = 8 * dataBytes;
        int cols = g.cols();
        int beatBytes = config.beatBytes();
        int capacity = config.beatsPerReply();
        // Everything packed into a reply (result beat, response, status, error) is loaded through
        // one multiplexer into the reply register, which only holds, shifts or loads.
        loadWidth = Math.max(8 * beatBytes, 8 * RESP_BYTES);
        int w = Math.max(GemmCommand.WIDTH, dataBits);
        int lw = loadWidth;
        int idleBits = BoardConfig.bitsFor(config.frameTimeout());
        int waitBits = BoardConfig.bitsFor(config.engineTimeout());
        int modBits = BoardConfig.bitsFor(dataBytes);

        rxValid = in(bool());
        rxData = in(uint(8));
        mAxisTx = masterStream(type(() -> bits(8)));
        mAxisCmd = masterStream(type(() -> bits(GemmCommand.WIDTH)));
        mAxisData = masterStream(type(() -> bits(dataBits)));
        sAxisRow = slaveStream(type(() -> new GemmEngine.Row(cols)));
        sAxisResp = slaveStream(type(GemmEngine.Response::new));
        ledError = out(bool());
        ledActivity = out(bool());

        state = regInit(uint(4), uint(S_SYNC, 4));
        nextState = regInit(uint(4), uint(S_SYNC, 4));
        cmd = regInit(uint(8), uint(0, 8));
        len = regInit(uint(8), uint(0, 8));
        rxIndex = regInit(uint(8), uint(0, 8));
        rxMod = regInit(uint(modBits), uint(0, modBits));
        rxBeats = regInit(uint(8), uint(0, 8));
        crc = regInit(uint(16), uint(0xFFFF, 16));
        crcSecond = regInit(bool(), bool(false));
        idle = regInit(uint(idleBits), uint(0, idleBits));
        timedOut = regInit(bool(), bool(false));
        respPop = regInit(bool(), bool(false));
        rdPtr = regInit(uint(8), uint(0, 8));
        settle = regInit(bool(), bool(false));
        wrPtr = regInit(uint(8), uint(0, 8));
        count = regInit(uint(8), uint(0, 8));
        rxWord = regInit(uint(w), uint(0, w));
        reply = regInit(uint(lw), uint(0, lw));
        beatsLeft = regInit(uint(8), uint(0, 8));
        beatsDone = regInit(uint(8), uint(0, 8));
        maxBeats = regInit(uint(8), uint(0, 8));
        readWait = regInit(uint(4), uint(0, 4));
        engineWait = regInit(uint(waitBits), uint(0, waitBits));
        replyType = regInit(uint(8), uint(0, 8));
        replyLen = regInit(uint(8), uint(0, 8));
        txPhase = regInit(uint(3), uint(0, 3));
        txIndex = regInit(uint(8), uint(0, 8));
        errorCount = regInit(uint(8), uint(0, 8));
        ledErrorReg = regInit(bool(), bool(false));
        ledActivityReg = regInit(bool(), bool(false));

        loadEn = bool();
        loadValue = uint(lw);
        assign(loadEn, bool(false));
        assign(loadValue, uint(0, lw));
        frameBuf = mem(bits(8), 256);
        bufWrEn = bool();
        bufRdEn = not(bufWrEn);
        bufWord = readSync(frameBuf, rdPtr, bufRdEn);
        bufData = asUInt(bufWord);
        bufWrAddr = uint(8);
        bufWrData = uint(8);
        assign(bufWrEn, bool(false));
        assign(bufWrAddr, rxIndex);
        assign(bufWrData, rxData);
        write(frameBuf, bufWrAddr, asBits(bufWrData), bufWrEn);

        // Bytes out, and the CRC register (receive and transmit never overlap, so one register serves both).
        Bool inTx = isState(S_TX);
        txByte = uint(8);
        assign(txByte, uint(SYNC_BOARD, 8));
        when(eq(txPhase, uint(1, 3)), () -> assign(txByte, replyType))
                .elseWhen(eq(txPhase, uint(2, 3)), () -> assign(txByte, replyLen))
                .elseWhen(eq(txPhase, uint(3, 3)), () -> assign(txByte, bufData))
                .elseWhen(eq(txPhase, uint(4, 3)), () -> assign(txByte, slice(crc, 15, 8)))
                .elseWhen(eq(txPhase, uint(5, 3)), () -> assign(txByte, slice(crc, 7, 0)));
        // Receive and transmit have their own update networks: sharing one behind a mux put
        // the transmit byte select on the receive side's CRC check, the design's longest path.
        crcNext = Crc16.update(crc, rxData);
        crcTxNext = Crc16.update(crc, txByte);

        // Engine-side defaults.
        assign(mAxisTx.valid(), and(inTx, not(and(eq(txPhase, uint(3, 3)), settle))));
        assign(mAxisTx.payload(), asBits(txByte));
        assign(mAxisCmd.valid(), isState(S_PUSH_CMD));
        assign(mAxisCmd.payload(), asBits(slice(rxWord, w - 1, w - GemmCommand.WIDTH)));
        assign(mAxisData.valid(), isState(S_PUSH_DATA));
        assign(mAxisData.payload(), asBits(slice(rxWord, w - 1, w - dataBits)));
        // The pop of a READ_RESP frame, decided in S_CHECK (the only way into S_EXEC, which lasts a
        // cycle) so the engine's response handshake starts from a flip-flop.
        // The CRC over a message followed by its own CRC is 0.
        Bool crcOk = eq(crc, uint(0, 16));
        assign(respPop, and(isState(S_CHECK), and(crcOk, and(eq(cmd, uint(READ_RESP, 8)), eq(len, uint(0, 8))))));
        assign(sAxisResp.ready(), respPop);
        Bool rowPop = and(isState(S_READ_WAIT), neq(beatsDone, maxBeats));
        assign(sAxisRow.ready(), rowPop);

        assign(settle, bool(false));

        // ------------------------------------------------------------ receiving a frame
        Bool inFrame = and(ge(state, uint(S_CMD, 4)), le(state, uint(S_CRC, 4)));
        when(inFrame, () -> {
            when(rxValid, () -> assign(idle, uint(0, idleBits)))
                    .otherwise(() -> assign(idle, add(idle, uint(1, idleBits))));
        });
        when(isState(S_SYNC), () -> {
            assign(rdPtr, uint(0, 8));
            when(and(rxValid, eq(rxData, uint(SYNC_HOST, 8))), () -> {
                assign(crc, uint(0xFFFF, 16));
                assign(idle, uint(0, idleBits));
                assign(state, uint(S_CMD, 4));
            });
        });
        when(and(isState(S_CMD), rxValid), () -> {
            assign(cmd, rxData);
            assign(crc, crcNext);
            assign(state, uint(S_LEN, 4));
        });
        when(and(isState(S_LEN), rxValid), () -> {
            assign(len, rxData);
            assign(crc, crcNext);
            assign(rxIndex, uint(0, 8));
            assign(rxMod, uint(0, modBits));
            assign(rxBeats, uint(0, 8));
            assign(crcSecond, bool(false));
            assign(state, mux(eq(rxData, uint(0, 8)), uint(S_CRC, 4), uint(S_PAYLOAD, 4)));
        });
        when(and(isState(S_PAYLOAD), rxValid), () -> {
            assign(bufWrEn, bool(true));
            assign(crc, crcNext);
            assign(rxIndex, add(rxIndex, uint(1, 8)));
            when(eq(rxMod, uint(dataBytes - 1, modBits)), () -> {
                assign(rxMod, uint(0, modBits));
                assign(rxBeats, add(rxBeats, uint(1, 8)));
            }).otherwise(() -> assign(rxMod, add(rxMod, uint(1, modBits))));
            when(eq(rxIndex, sub(len, uint(1, 8))), () -> {
                assign(crcSecond, bool(false));
                assign(state, uint(S_CRC, 4));
            });
        });
        when(and(isState(S_CRC), rxValid), () -> {
            assign(crc, crcNext);
            assign(crcSecond, bool(true));
            when(crcSecond, () -> assign(state, uint(S_CHECK, 4)));
        });
        // The frame timeout, compared a cycle ahead (idle one short of the limit, no byte now) so
        // the error starts from a flip-flop, at the same cycle as an unregistered compare would.
        // A frame state is left only on a byte, so the state is still inFrame when it fires; it
        // comes after the byte handlers so that a byte arriving in that very cycle cannot undo it.
        assign(timedOut, and(inFrame, and(not(rxValid), eq(idle, uint(config.frameTimeout() - 1, idleBits)))));
        when(timedOut, () -> startError(ERR_TIMEOUT, uint(0, 8)));
        // The check a cycle later, from the CRC register, and the error reply a cycle after that:
        // the update network, the zero test and the reply register's load are three paths.
        when(isState(S_CHECK), () -> assign(state, mux(crcOk, uint(S_EXEC, 4), uint(S_BAD_CRC, 4))));
        when(isState(S_BAD_CRC), () -> startError(ERR_BAD_CRC, uint(0, 8)));

        // ------------------------------------------------------------ executing it
        when(isState(S_EXEC), () -> {
            assign(engineWait, uint(0, waitBits));
            assign(wrPtr, uint(0, 8));
            assign(beatsDone, uint(0, 8));
            when(eq(cmd, uint(WRITE_CMD, 8)), () -> {
                when(eq(len, uint(16, 8)), () -> {
                    assign(count, uint(16, 8));
                    assign(nextState, uint(S_PUSH_CMD, 4));
                    assign(state, uint(S_UNPACK, 4));
                }).otherwise(() -> startError(ERR_BAD_LENGTH, len));
            }).elseWhen(eq(cmd, uint(WRITE_DATA, 8)), () -> {
                when(and(neq(len, uint(0, 8)), eq(rxMod, uint(0, modBits))), () -> {
                    assign(count, uint(dataBytes, 8));
                    assign(beatsLeft, rxBeats);
                    assign(nextState, uint(S_PUSH_DATA, 4));
                    assign(state, uint(S_UNPACK, 4));
                }).otherwise(() -> startError(ERR_BAD_LENGTH, len));
            }).elseWhen(eq(cmd, uint(READ_RESP, 8)), () -> {
                when(eq(len, uint(0, 8)), () -> {
                    GemmEngine.Response r = sAxisResp.payload();
                    Bits packed = cat(r.value, resize(r.status, 8), resize(r.opcode, 8), r.tag, uint(1, 8));
                    load(mux(sAxisResp.valid(), resize(asUInt(packed), lw), uint(0, lw)));
                    startPack(RESP_BYTES, S_TX_START);
                    assign(replyLen, uint(RESP_BYTES, 8));
                    assign(replyType, uint(0x80 | READ_RESP, 8));
                }).otherwise(() -> startError(ERR_BAD_LENGTH, len));
            }).elseWhen(eq(cmd, uint(READ_DATA, 8)), () -> {
                when(eq(len, uint(1, 8)), () -> {
                    // rdPtr has been 0 since the sync byte: bufData is the payload's first byte.
                    assign(maxBeats, mux(gt(bufData, uint(capacity, 8)), uint(capacity, 8), bufData));
                    assign(readWait, uint(0, 4));
                    assign(state, uint(S_READ_WAIT, 4));
                }).otherwise(() -> startError(ERR_BAD_LENGTH, len));
            }).elseWhen(eq(cmd, uint(STATUS, 8)), () -> {
                when(eq(len, uint(0, 8)), () -> {
                    Bits flags = cat(uint(0, 4), mAxisData.ready(), mAxisCmd.ready(), sAxisRow.valid(), sAxisResp.valid());
                    Bits packed = cat(uint(cols, 8), uint(g.rows(), 8), errorCount, flags);
                    load(resize(asUInt(packed), lw));
                    startPack(STATUS_BYTES, S_TX_START);
                    assign(replyLen, uint(STATUS_BYTES, 8));
                    assign(replyType, uint(0x80 | STATUS, 8));
                }).otherwise(() -> startError(ERR_BAD_LENGTH, len));
            }).otherwise(() -> startError(ERR_UNKNOWN_CMD, uint(0, 8)));
        });

        // Buffer bytes into the top of rxWord, little-endian (one byte per two cycles); reply bytes
        // leave from the bottom of reply. Two registers: the receive side only shifts, and only
        // the narrower reply register has the many-source load multiplexer.
        when(and(isState(S_UNPACK), not(settle)), () -> {
            assign(rdPtr, add(rdPtr, uint(1, 8)));
            assign(settle, bool(true));
            assign(count, sub(count, uint(1, 8)));
            when(eq(count, uint(1, 8)), () -> assign(state, nextState));
        });

        when(isState(S_PUSH_CMD), () -> {
            assign(engineWait, add(engineWait, uint(1, waitBits)));
            when(mAxisCmd.ready(), () -> replyOk(uint(0, 8)))
                    .elseWhen(eq(engineWait, uint(config.engineTimeout(), waitBits)),
                            () -> assign(state, uint(S_BUSY, 4)));
        });

        when(isState(S_PUSH_DATA), () -> {
            assign(engineWait, add(engineWait, uint(1, waitBits)));
            when(mAxisData.ready(), () -> {
                assign(engineWait, uint(0, waitBits));
                assign(beatsDone, add(beatsDone, uint(1, 8)));
                assign(beatsLeft, sub(beatsLeft, uint(1, 8)));
                when(eq(beatsLeft, uint(1, 8)), () -> replyOk(uint(0, 8))).otherwise(() -> {
                    assign(count, uint(dataBytes, 8));
                    assign(state, uint(S_UNPACK, 4));
                });
            }).elseWhen(eq(engineWait, uint(config.engineTimeout(), waitBits)),
                    () -> assign(state, uint(S_BUSY, 4)));
        });
        // A separate state keeps the engine's ready out of the reply register's input logic.
        when(isState(S_BUSY), () -> startError(ERR_ENGINE_BUSY, beatsDone));

        // The reply register's low bytes into the frameBuf, one per cycle.
        when(isState(S_PACK), () -> {
            assign(bufWrEn, bool(true));
            assign(bufWrAddr, wrPtr);
            assign(bufWrData, slice(reply, 7, 0));
            assign(wrPtr, add(wrPtr, uint(1, 8)));
            assign(count, sub(count, uint(1, 8)));
            when(eq(count, uint(1, 8)), () -> assign(state, nextState));
        });

        when(isState(S_READ_WAIT), () -> {
            when(eq(beatsDone, maxBeats), () -> replyOk(wrPtr)).elseWhen(sAxisRow.valid(), () -> {
                GemmEngine.Row row = sAxisRow.payload();
                Data packed = concat(uint(0, 7), row.last);
                for (int j = 0; j < cols; j++) {
                    packed = concat(row.c[j], packed);
                }
                load(resize(asUInt((Bits) packed), lw));
                assign(beatsDone, add(beatsDone, uint(1, 8)));
                assign(readWait, uint(0, 4));
                startPack(beatBytes, S_READ_WAIT);
            }).otherwise(() -> {
                assign(readWait, add(readWait, uint(1, 4)));
                when(eq(readWait, uint(READ_PATIENCE, 4)), () -> replyOk(wrPtr));
            });
        });

        // ------------------------------------------------------------ answering
        when(isState(S_TX_START), () -> {
            assign(rdPtr, uint(0, 8));
            assign(settle, bool(true));
            assign(txPhase, uint(0, 3));
            assign(state, uint(S_TX, 4));
        });
        when(mAxisTx.fire(), () -> {
            assign(txPhase, add(txPhase, uint(1, 3)));
            // The CRC covers TYPE, LEN and the payload; it holds while its own bytes go out.
            when(eq(txPhase, uint(0, 3)), () -> assign(crc, uint(0xFFFF, 16)))
                    .elseWhen(le(txPhase, uint(3, 3)), () -> assign(crc, crcTxNext));
            when(eq(txPhase, uint(2, 3)), () -> {
                assign(txIndex, uint(0, 8));
                when(eq(replyLen, uint(0, 8)), () -> assign(txPhase, uint(4, 3)));
            });
            when(eq(txPhase, uint(3, 3)), () -> {
                assign(rdPtr, add(rdPtr, uint(1, 8)));
                assign(settle, bool(true));
                assign(txIndex, add(txIndex, uint(1, 8)));
                when(neq(txIndex, sub(replyLen, uint(1, 8))), () -> assign(txPhase, uint(3, 3)));
            });
            when(eq(txPhase, uint(5, 3)), () -> {
                assign(txPhase, uint(0, 3));
                assign(state, uint(S_SYNC, 4));
            });
        });

        when(and(isState(S_UNPACK), not(settle)),
                () -> assign(rxWord, asUInt(concat(bufData, slice(rxWord, w - 1, 8)))));
        when(loadEn, () -> assign(reply, loadValue))
                .elseWhen(isState(S_PACK), () -> assign(reply, resize(slice(reply, lw - 1, 8), lw)));

        assign(ledError, ledErrorReg);
        assign(ledActivity, ledActivityReg);
    }

    private void load(UInt value) {
        assign(loadEn, bool(true));
        assign(loadValue, value);
    }

    private Bool isState(int s) {
        return eq(state, uint(s, 4));
    }

    /** Packs the reply register's low {@code bytes} bytes into the buffer from {@code wrPtr} on. */
    private void startPack(int bytes, int then) {
        assign(count, uint(bytes, 8));
        assign(nextState, uint(then, 4));
        assign(state, uint(S_PACK, 4));
    }

    private void replyOk(UInt length) {
        assign(replyType, asUInt(concat(bool(true), slice(cmd, 6, 0))));
        assign(replyLen, length);
        assign(ledErrorReg, bool(false));
        assign(ledActivityReg, not(ledActivityReg));
        assign(state, uint(S_TX_START, 4));
    }

    private void startError(int code, UInt detail) {
        load(resize(asUInt(cat(detail, cmd, uint(code, 8))), loadWidth));
        assign(wrPtr, uint(0, 8));
        startPack(3, S_TX_START);
        assign(replyType, uint(TYPE_ERROR, 8));
        assign(replyLen, uint(3, 8));
        assign(errorCount, add(errorCount, uint(1, 8)));
        assign(ledErrorReg, bool(true));
    }

    /** {@code a ## b ## …}, the first argument in the high bits. */
    private static Bits cat(Data... parts) {
        Data acc = parts[parts.length - 1];
        for (int i = parts.length - 2; i >= 0; i--) {
            acc = concat(parts[i], acc);
        }
        return acc instanceof Bits b ? b : asBits(acc);
    }
}
