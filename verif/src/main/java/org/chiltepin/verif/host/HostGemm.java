package org.chiltepin.verif.host;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.MersenneTwister;
import org.apache.commons.math3.random.RandomGenerator;
import org.chiltepin.hw.fpga.BoardConfig;
import org.chiltepin.hw.gemm.GemmConfig;
import org.chiltepin.hw.fpga.HostProtocol;
import org.chiltepin.verif.gemm.GemmHarness;
import org.chiltepin.verif.gemm.GemmProgram;
import org.chiltepin.verif.golden.GemmReference;

/**
 * One int8 GEMM on the board through the host protocol: random operands from a seed, the tiled
 * command program of {@link GemmProgram}, every result beat and response compared with
 * {@link GemmReference}, and the assembled C compared with {@link GemmReference#gemm}.
 */
public final class HostGemm {
    private static final int MAX_REPORTED = 10;
    private static final int MAX_RETRIES = 100;

    /** Outcome of one GEMM. */
    public record Result(int m, int k, int n, int commands, int dataBeats, int resultBeats, long frames,
            long cycles, double seconds, List<String> mismatches) {
        public boolean passed() {
            return mismatches.isEmpty();
        }
    }

    private final HostClient client;
    private final GemmConfig config;
    private final BoardConfig board;
    private final List<String> mismatches = new ArrayList<>();
    private final Map<Integer, Deque<GemmReference.Response>> expectedResponses = new HashMap<>();
    private List<GemmReference.Beat> expectedBeats;
    private final List<GemmReference.Beat> got = new ArrayList<>();
    private int responsesLeft;

    public HostGemm(HostClient client, BoardConfig board) {
        this.client = client;
        this.board = board;
        this.config = board.gemm();
    }

    private void fail(String m) {
        if (mismatches.size() < MAX_REPORTED) {
            mismatches.add(m);
        }
    }

    public Result run(HostLink link, int m, int k, int n, long seed) {
        RandomGenerator rng = new MersenneTwister(seed);
        int[][] a = GemmProgram.randomInt8(rng, m, k);
        int[][] b = GemmProgram.randomInt8(rng, k, n);
        int[] mult = new int[n];
        int[] shift = new int[n];
        for (int j = 0; j < n; j++) {
            mult[j] = 8192 + rng.nextInt(24576);
            shift[j] = 18 + rng.nextInt(6);
        }
        boolean relu = rng.nextBoolean();
        GemmProgram program = new GemmProgram(GemmHarness.params(config));
        List<GemmProgram.Block> blocks = program.gemm(a, b, mult, shift, relu);
        program.fence();
        GemmReference golden = new GemmReference(program.params());
        golden.run(program.commands(), program.data());
        expectedBeats = golden.beats();
        for (GemmReference.Response r : golden.responses()) {
            expectedResponses.computeIfAbsent(r.tag(), t -> new ArrayDeque<>()).add(r);
        }
        responsesLeft = golden.responses().size();

        long c0 = link.cycles();
        long t0 = System.nanoTime();
        try {
            execute(program);
        } catch (HostException e) {
            fail(e.getMessage());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long cycles = link.cycles() < 0 ? -1 : link.cycles() - c0;

        if (mismatches.isEmpty() && got.size() == expectedBeats.size()) {
            int[][] c = GemmProgram.assemble(blocks, got, m, n, config.cols());
            int[][] want = GemmReference.gemm(a, b, mult, shift, relu);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    if (c[i][j] != want[i][j]) {
                        fail("C[" + i + "][" + j + "] = " + c[i][j] + ", expected " + want[i][j]);
                    }
                }
            }
        }
        return new Result(m, k, n, program.commands().size(), program.data().size(), got.size(), client.frames(),
                cycles, seconds, List.copyOf(mismatches));
    }

    private void execute(GemmProgram program) {
        int dataAt = 0;
        for (GemmReference.Command cmd : program.commands()) {
            retrying(() -> client.writeCommand(cmd.word()));
            int op = cmd.opcode();
            if (op == GemmReference.LOAD_A || op == GemmReference.LOAD_B || op == GemmReference.LOAD_SCALE) {
                sendData(program.data().subList(dataAt, dataAt + cmd.count()));
                dataAt += cmd.count();
            }
            drain();
        }
        for (int polls = 0; polls < 1000 && (responsesLeft > 0 || got.size() < expectedBeats.size()); polls++) {
            drain();
        }
        if (responsesLeft > 0 || got.size() != expectedBeats.size()) {
            fail("incomplete: " + responsesLeft + " responses outstanding, " + got.size() + "/" + expectedBeats.size()
                    + " result beats");
        }
    }

    private void sendData(List<byte[]> beats) {
        int at = 0;
        int retries = 0;
        while (at < beats.size()) {
            int end = Math.min(beats.size(), at + board.dataBeatsPerFrame());
            try {
                client.writeData(beats.subList(at, end));
                at = end;
            } catch (HostException e) {
                if (e.code() != HostProtocol.ERR_ENGINE_BUSY || ++retries > MAX_RETRIES) {
                    throw e;
                }
                at += e.detail();
                drain();
            }
        }
    }

    private void retrying(Runnable frame) {
        for (int retries = 0; ; retries++) {
            try {
                frame.run();
                return;
            } catch (HostException e) {
                if (e.code() != HostProtocol.ERR_ENGINE_BUSY || retries >= MAX_RETRIES) {
                    throw e;
                }
                drain();
            }
        }
    }

    /** Pops every response and result beat the engine has ready, checking each. */
    private void drain() {
        for (GemmReference.Response r = client.readResponse(); r != null; r = client.readResponse()) {
            Deque<GemmReference.Response> q = expectedResponses.get(r.tag());
            GemmReference.Response e = q == null ? null : q.poll();
            if (e == null) {
                fail("unexpected response " + r);
                continue;
            }
            responsesLeft--;
            boolean counter = e.opcode() == GemmReference.READ_COUNTER;
            if (e.opcode() != r.opcode() || e.status() != r.status() || (!counter && e.value() != r.value())) {
                fail("response tag " + r.tag() + ": expected " + e + ", got " + r);
            }
        }
        while (true) {
            List<GemmReference.Beat> beats = client.readData(board.beatsPerReply());
            for (GemmReference.Beat beat : beats) {
                int i = got.size();
                if (i >= expectedBeats.size()) {
                    fail("unexpected result beat " + beat);
                } else if (!expectedBeats.get(i).equals(beat)) {
                    fail("result beat " + i + ": expected " + expectedBeats.get(i) + ", got " + beat);
                }
                got.add(beat);
            }
            if (beats.isEmpty()) {
                return;
            }
        }
    }

    /**
     * Reads a performance counter ({@code GemmCommand.CYCLES}, {@code MAC_ACTIVE}, ...): a
     * READ_COUNTER command through WRITE_CMD, then READ_RESP until its response (tag 0xFC) arrives.
     * Returns -1 when the engine does not answer within 100 polls.
     */
    public static long readCounter(HostClient client, int index) {
        int tag = 0xFC;
        client.writeCommand(GemmReference.Command.of(GemmReference.READ_COUNTER, tag, false, index, 0, 0, 0, 0, 0).word());
        for (int polls = 0; polls < 100; polls++) {
            GemmReference.Response r = client.readResponse();
            if (r != null && r.tag() == tag) {
                return r.status() == GemmReference.OK ? r.value() : -1;
            }
        }
        return -1;
    }
}
