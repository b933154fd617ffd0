package org.chiltepin.verif.vector;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.chiltepin.verif.golden.VectorMachine;
import org.chiltepin.verif.golden.VectorMachine.Command;
import org.chiltepin.verif.golden.VectorMachine.Response;

/**
 * A vector-unit program: commands with LOAD's data, and what the golden model
 * ({@link VectorMachine}) expects of it — the data beats the unit takes (legal LOADs only: an
 * illegal command consumes nothing), the STORE beats and the responses, in order.
 */
public final class VectorProgram {
    private final int lanes;
    private final int words;
    private final List<Command> commands = new ArrayList<>();
    private final List<long[]> loads = new ArrayList<>();

    public VectorProgram(int lanes, int words) {
        this.lanes = lanes;
        this.words = words;
    }

    public int lanes() {
        return lanes;
    }

    public int words() {
        return words;
    }

    /** Adds a command; {@code data} is LOAD's (len values, int32), null for the others. */
    public VectorProgram add(Command c, long[] data) {
        commands.add(c);
        loads.add(data);
        return this;
    }

    public List<Command> commands() {
        return List.copyOf(commands);
    }

    /** The 128-bit command word. */
    public static BigInteger word(Command c) {
        long[] w = c.encode();
        return BigInteger.valueOf(w[1]).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(w[0])));
    }

    /** What the golden model expects: data beats to send, STORE beats and responses to see. */
    public record Expected(List<long[]> dataBeats, List<long[]> storeBeats, List<Response> responses, long elements) {
    }

    public Expected expected() {
        VectorMachine m = new VectorMachine(lanes, words);
        List<long[]> in = new ArrayList<>();
        List<long[]> out = new ArrayList<>();
        List<Response> rsp = new ArrayList<>();
        long elements = 0;
        for (int i = 0; i < commands.size(); i++) {
            Command c = commands.get(i);
            long[] data = loads.get(i);
            boolean legal = m.check(c) == VectorMachine.OK;
            long[] stored = new long[Math.max(0, c.len())];
            rsp.add(m.execute(c, data, stored));
            if (!legal) {
                continue;
            }
            elements += c.len();
            if (c.op() == VectorMachine.LOAD) {
                in.addAll(rows(data, c.len(), false));
            } else if (c.op() == VectorMachine.STORE) {
                out.addAll(rows(stored, c.len(), true));
            }
        }
        return new Expected(in, out, rsp, elements);
    }

    /** Values in rows of lanes (0 past the length), with a last flag at index lanes when asked. */
    private List<long[]> rows(long[] v, int len, boolean last) {
        List<long[]> r = new ArrayList<>();
        for (int at = 0; at < len; at += lanes) {
            long[] beat = new long[lanes + 1];
            for (int j = 0; j < lanes && at + j < len; j++) {
                beat[j] = (int) v[at + j];
            }
            beat[lanes] = last && at + lanes >= len ? 1 : 0;
            r.add(beat);
        }
        return r;
    }
}
