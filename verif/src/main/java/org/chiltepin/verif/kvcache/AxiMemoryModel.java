package org.chiltepin.verif.kvcache;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.math3.random.RandomGenerator;
import spinal.core.BaseType;
import spinal.core.BitVector;
import spinal.core.Bool;
import spinal.lib.bus.amba4.axi.Axi4;

/**
 * An AXI4 slave memory for co-simulation, driven cycle by cycle from Java: INCR bursts on AR/R
 * and AW/W/B, random ready stalls on AR, AW and W, a random latency (minLatency..maxLatency cycles) before
 * each read burst's data and each write response, random gaps between R beats. Several bursts
 * may be outstanding. A write becomes visible when its B response is taken, and a read returns
 * the data as of the moment its AR was accepted: AXI does not order reads after unacknowledged
 * writes, so a master that reads before its write response gets the old data. It checks the master's side of the protocol: VALID held and payload
 * unchanged until READY, aligned addresses, AxSIZE equal to the data width, INCR bursts that
 * stay inside a 4 KiB page, WLAST on the burst's last beat, W beats only for announced bursts.
 * Never-written words read as a fixed pattern (0xA5 bytes).
 */
public final class AxiMemoryModel {
    /** The master's AXI signals, as fields of the design under test. */
    public record Ports(Bool awvalid, Bool awready, BitVector awaddr, BitVector awlen, BitVector awsize,
            BitVector awburst, Bool wvalid, Bool wready, BitVector wdata, BitVector wstrb, Bool wlast, Bool bvalid,
            Bool bready, BitVector bresp, Bool arvalid, Bool arready, BitVector araddr, BitVector arlen,
            BitVector arsize, BitVector arburst, Bool rvalid, Bool rready, BitVector rdata, BitVector rresp,
            Bool rlast) {
        /** The signals of an AXI4 port (the master's {@code m_axi}). */
        public static Ports of(Axi4 axi) {
            var aw = axi.aw().payload();
            var w = axi.w().payload();
            var ar = axi.ar().payload();
            var r = axi.r().payload();
            return new Ports(axi.aw().valid(), axi.aw().ready(), aw.addr(), aw.len(), aw.size(), aw.burst(),
                    axi.w().valid(), axi.w().ready(), w.data(), w.strb(), w.last(), axi.b().valid(), axi.b().ready(),
                    axi.b().payload().resp(), axi.ar().valid(), axi.ar().ready(), ar.addr(), ar.len(), ar.size(),
                    ar.burst(), axi.r().valid(), axi.r().ready(), r.data(), r.resp(), r.last());
        }
    }

    private static final spinal.core.sim.package$ SIM = spinal.core.sim.package$.MODULE$;

    private record Burst(long addr, int beats, long readyAt, List<BigInteger> data) {
    }

    private final Ports p;
    private final int bytes;
    private final RandomGenerator rng;
    private final double stall;
    private final int minLatency;
    private final int maxLatency;
    private final Consumer<String> fail;
    /**
     * Written words by {@link #key} of their byte address (not the address itself: aligned
     * addresses share their low bits, which would put every word into one bucket of eight).
     */
    private final Map<Long, BigInteger> words = new HashMap<>();
    private final int keyShift;
    private final Deque<Burst> reads = new ArrayDeque<>();
    private final Deque<Burst> writeAddrs = new ArrayDeque<>();
    private final List<BigInteger> writeBeats = new ArrayList<>();
    private final List<Boolean> writeLasts = new ArrayList<>();
    /** Completed write bursts waiting for their B handshake; their data becomes visible with it. */
    private final Deque<Burst> responses = new ArrayDeque<>();
    private final BigInteger fresh;
    private long now;
    private int readBeat;
    private boolean rShown;
    private boolean bShown;
    private long[] heldAr;
    private long[] heldAw;
    private BigInteger heldW;
    private long readBursts;
    private long writeBursts;
    private double bytesPerCycle = Double.POSITIVE_INFINITY;
    private double tokens;
    private long bytesRead;
    private long bytesWritten;

    public AxiMemoryModel(Ports ports, int dataBits, RandomGenerator rng, double stall, int minLatency, int maxLatency,
            Consumer<String> fail) {
        this.minLatency = minLatency;
        this.p = ports;
        this.bytes = dataBits / 8;
        this.keyShift = Integer.numberOfTrailingZeros(bytes);
        this.rng = rng;
        this.stall = stall;
        this.maxLatency = maxLatency;
        this.fail = fail;
        byte[] pattern = new byte[bytes];
        java.util.Arrays.fill(pattern, (byte) 0xA5);
        this.fresh = new BigInteger(1, pattern);
    }

    /**
     * Limits the port to {@code bytesPerCycle} data bytes per cycle, reads and writes together
     * (a token bucket: an R or W beat moves only with a whole beat's bytes saved up, at most two
     * beats' worth). Unlimited by default: one R and one W beat per cycle.
     */
    public void limitBandwidth(double bytesPerCycle) {
        if (!(bytesPerCycle > 0)) {
            throw new IllegalArgumentException("bytesPerCycle: must be > 0, got " + bytesPerCycle);
        }
        this.bytesPerCycle = bytesPerCycle;
        this.tokens = 0;
    }

    /** Stores {@code word} at byte address {@code addr} (aligned to the bus width), as if written earlier. */
    public void put(long addr, BigInteger word) {
        words.put(key(addr), word);
    }

    /** The word at byte address {@code addr}: the last write taken with its B response, or the fresh pattern. */
    public BigInteger peek(long addr) {
        return words.getOrDefault(key(addr), fresh);
    }

    /** Calls {@code each} with the byte address of every word written or put so far (any order). */
    public void forEachWritten(java.util.function.LongConsumer each) {
        for (long k : words.keySet()) {
            each.accept(Long.rotateLeft(k, keyShift));
        }
    }

    /** A one-to-one map of byte addresses whose low bits vary with the word index. */
    private long key(long addr) {
        return Long.rotateRight(addr, keyShift);
    }

    /** Data bytes moved by R beats / W beats so far. */
    public long bytesRead() {
        return bytesRead;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    private boolean beatAllowed() {
        return tokens >= bytes;
    }

    public long readBursts() {
        return readBursts;
    }

    public long writeBursts() {
        return writeBursts;
    }

    /** Whether the model still owes the master data or responses. */
    public boolean busy() {
        return !reads.isEmpty() || !responses.isEmpty() || !writeAddrs.isEmpty() || !writeBeats.isEmpty();
    }

    private static long get(BitVector v) {
        return SIM.SimBitVectorPimper(v).toLong();
    }

    private static boolean get(Bool b) {
        return SIM.SimBoolPimper(b).toBoolean();
    }

    private static void set(BaseType b, long v) {
        SIM.setLong(b, v);
    }

    /** Sets the slave's outputs for the coming edge. */
    public void drive() {
        if (bytesPerCycle != Double.POSITIVE_INFINITY) {
            tokens = Math.min(tokens + bytesPerCycle, 2.0 * bytes);
        } else {
            tokens = 2.0 * bytes;
        }
        set(p.arready(), rng.nextDouble() >= stall ? 1 : 0);
        set(p.awready(), rng.nextDouble() >= stall ? 1 : 0);
        boolean wOk = rng.nextDouble() >= stall && (bytesPerCycle == Double.POSITIVE_INFINITY || beatAllowed());
        set(p.wready(), wOk ? 1 : 0);
        if (!rShown && !reads.isEmpty() && reads.peek().readyAt() <= now && rng.nextDouble() >= stall / 2
                && (bytesPerCycle == Double.POSITIVE_INFINITY || beatAllowed())) {
            rShown = true;
        }
        if (rShown) {
            Burst b = reads.peek();
            SIM.setBigInt(p.rdata(), scala.math.BigInt.apply(b.data().get(readBeat)));
            set(p.rlast(), readBeat == b.beats() - 1 ? 1 : 0);
            set(p.rresp(), 0);
        } else {
            SIM.setBigInt(p.rdata(), scala.math.BigInt.apply(new BigInteger(8 * bytes, new java.util.Random(rng.nextLong()))));
            set(p.rlast(), rng.nextBoolean() ? 1 : 0);
            set(p.rresp(), rng.nextInt(4));
        }
        set(p.rvalid(), rShown ? 1 : 0);
        if (!bShown && !responses.isEmpty() && responses.peek().readyAt() <= now) {
            bShown = true;
        }
        set(p.bvalid(), bShown ? 1 : 0);
        set(p.bresp(), bShown ? 0 : rng.nextInt(4));
    }

    /** Observes the handshakes of the edge that just passed. */
    public void observe() {
        now++;
        // AR
        if (get(p.arvalid())) {
            long[] ar = {get(p.araddr()), get(p.arlen()), get(p.arsize()), get(p.arburst())};
            if (heldAr != null && !java.util.Arrays.equals(heldAr, ar)) {
                fail.accept("axi: AR payload changed while waiting for ARREADY");
            }
            heldAr = null;
            if (get(p.arready())) {
                int beats = checkBurst("AR", ar);
                List<BigInteger> data = new ArrayList<>(beats);
                for (int i = 0; i < beats; i++) {
                    data.add(peek(ar[0] + (long) i * bytes));
                }
                reads.add(new Burst(ar[0], beats, now + latency(), data));
                readBursts++;
            } else {
                heldAr = ar;
            }
        } else if (heldAr != null) {
            fail.accept("axi: ARVALID dropped before ARREADY");
            heldAr = null;
        }
        // AW
        if (get(p.awvalid())) {
            long[] aw = {get(p.awaddr()), get(p.awlen()), get(p.awsize()), get(p.awburst())};
            if (heldAw != null && !java.util.Arrays.equals(heldAw, aw)) {
                fail.accept("axi: AW payload changed while waiting for AWREADY");
            }
            heldAw = null;
            if (get(p.awready())) {
                writeAddrs.add(new Burst(aw[0], checkBurst("AW", aw), 0, null));
                writeBursts++;
                commitWrites();
            } else {
                heldAw = aw;
            }
        } else if (heldAw != null) {
            fail.accept("axi: AWVALID dropped before AWREADY");
            heldAw = null;
        }
        // W
        if (get(p.wvalid())) {
            BigInteger w = SIM.SimBitVectorPimper(p.wdata()).toBigInt().bigInteger();
            if (heldW != null && !heldW.equals(w)) {
                fail.accept("axi: WDATA changed while waiting for WREADY");
            }
            heldW = null;
            if (get(p.wready())) {
                if (bytes < 63 && get(p.wstrb()) != (1L << bytes) - 1) {
                    fail.accept("axi: partial WSTRB");
                }
                writeBeats.add(w);
                bytesWritten += bytes;
                tokens -= bytesPerCycle == Double.POSITIVE_INFINITY ? 0 : bytes;
                writeLasts.add(get(p.wlast()));
                commitWrites();
            } else {
                heldW = w;
            }
        } else if (heldW != null) {
            fail.accept("axi: WVALID dropped before WREADY");
            heldW = null;
        }
        // R
        if (rShown && get(p.rready())) {
            rShown = false;
            bytesRead += bytes;
            tokens -= bytesPerCycle == Double.POSITIVE_INFINITY ? 0 : bytes;
            if (++readBeat == reads.peek().beats()) {
                reads.poll();
                readBeat = 0;
            }
        }
        // B
        if (bShown && get(p.bready())) {
            bShown = false;
            Burst b = responses.poll();
            for (int i = 0; i < b.beats(); i++) {
                put(b.addr() + (long) i * bytes, b.data().get(i));
            }
        }
    }

    private int latency() {
        return minLatency + rng.nextInt(maxLatency - minLatency + 1);
    }

    /** Matches W beats (which may come before their AW) with announced bursts, in order. */
    private void commitWrites() {
        while (!writeAddrs.isEmpty() && !writeBeats.isEmpty()) {
            Burst aw = writeAddrs.peek();
            int have = Math.min(writeBeats.size(), aw.beats());
            for (int i = 0; i < have; i++) {
                if (writeLasts.get(i) != (i == aw.beats() - 1)) {
                    fail.accept("axi: WLAST " + writeLasts.get(i) + " on beat " + (i + 1) + " of " + aw.beats());
                }
            }
            if (have < aw.beats()) {
                return;
            }
            writeAddrs.poll();
            List<BigInteger> data = new ArrayList<>(writeBeats.subList(0, aw.beats()));
            writeBeats.subList(0, aw.beats()).clear();
            writeLasts.subList(0, aw.beats()).clear();
            responses.add(new Burst(aw.addr(), aw.beats(), now + latency(), data));
        }
    }

    private int checkBurst(String ch, long[] a) {
        int beats = (int) a[1] + 1;
        if (a[0] % bytes != 0) {
            fail.accept("axi: " + ch + " address " + a[0] + " not aligned to " + bytes + " bytes");
        }
        if (1L << a[2] != bytes) {
            fail.accept("axi: " + ch + "SIZE " + a[2] + " does not match the " + bytes + "-byte bus");
        }
        if (a[3] != 1) {
            fail.accept("axi: " + ch + "BURST " + a[3] + " is not INCR");
        }
        if (a[0] / 4096 != (a[0] + (long) beats * bytes - 1) / 4096) {
            fail.accept("axi: " + ch + " burst at " + a[0] + " of " + beats + " beats crosses a 4 KiB boundary");
        }
        return beats;
    }
}
