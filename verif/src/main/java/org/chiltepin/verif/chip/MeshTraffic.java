package org.chiltepin.verif.chip;

import java.util.HashMap;
import java.util.Map;

/**
 * Flits per directed mesh link of a chip program, counted from its messages along the XY routes
 * (docs/chip.md §4): a command is 3 flits control → tile and its response 2 flits back; a DMA
 * transfer moves in bursts that do not cross a 16-word boundary, a read as a 1-flit request and a
 * (1 + words)-flit reply, a write as a (1 + words)-flit request and a 1-flit reply. A model of the
 * chip's messages, not a count from the RTL's routers.
 *
 * <p>Keys are {@code "x,y->x,y"} for mesh links, {@code "mem.inject"} and {@code "mem.eject"} for
 * the memory tile's local ports.
 */
public final class MeshTraffic {
    private final int k;
    private final int control;
    private final int memory;
    private final Map<String, Long> flits = new HashMap<>();

    /** Traffic of a {@code k}-column mesh with its control and memory tiles on those nodes. */
    public MeshTraffic(int k, int control, int memory) {
        this.k = k;
        this.control = control;
        this.memory = memory;
    }

    /** Flits per directed link so far (the map is live). */
    public Map<String, Long> flits() {
        return flits;
    }

    /** Flit-hops so far: each flit counted once per mesh link it crosses (local ports excluded). */
    public long flitHops() {
        return flits.entrySet().stream().filter(e -> e.getKey().contains("->")).mapToLong(Map.Entry::getValue).sum();
    }

    /** A command to {@code node} whose DMA reads and writes those words of external memory from {@code memAddr}. */
    public void command(int node, long memAddr, int readWords, int writeWords) {
        command(node);
        transfer(memory, node, memAddr, readWords, true);
        transfer(memory, node, memAddr, writeWords, false);
    }

    /** A command to {@code node} and its response, without DMA. */
    public void command(int node) {
        route(control, node, 3);
        route(node, control, 2);
    }

    /**
     * {@code words} moved between {@code source} (external memory or another tile that serves DMA
     * requests) and {@code node}, in bursts; {@code read} moves them to {@code node}.
     */
    public void transfer(int source, int node, long addr, int words, boolean read) {
        long a = addr;
        int left = words;
        while (left > 0) {
            int chunk = (int) Math.min(left, 16 - (a % 16));
            route(node, source, read ? 1 : 1 + chunk);
            route(source, node, read ? 1 + chunk : 1);
            a += chunk;
            left -= chunk;
        }
    }

    private void route(int from, int to, int n) {
        if (from == memory) {
            flits.merge("mem.inject", (long) n, Long::sum);
        }
        if (to == memory) {
            flits.merge("mem.eject", (long) n, Long::sum);
        }
        int x = from % k;
        int y = from / k;
        int dx = to % k;
        int dy = to / k;
        while (x != dx) {
            int nx = x + Integer.signum(dx - x);
            flits.merge(x + "," + y + "->" + nx + "," + y, (long) n, Long::sum);
            x = nx;
        }
        while (y != dy) {
            int ny = y + Integer.signum(dy - y);
            flits.merge(x + "," + y + "->" + x + "," + ny, (long) n, Long::sum);
            y = ny;
        }
    }
}
