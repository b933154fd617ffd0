package org.chiltepin.hw.noc;

import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.chiltepin.hw.ConfigException;

/**
 * The channel-dependency graph (Dally and Seitz) of a routing function on a k × m mesh: one vertex
 * per directed router-to-router link, and an edge c1 → c2 when a packet holding c1 may next
 * request c2. Wormhole routing on the mesh is free of routing deadlock if and only if this graph
 * is acyclic (for deterministic routing; for adaptive routing an acyclic graph is sufficient).
 *
 * <p>The graph is built from the routing function over the actual topology: for every destination,
 * the set of links a packet bound there can occupy is explored from every source, and each
 * (link, next link) pair the routing function allows becomes an edge. The same routing function
 * decides which input-to-output turns each {@link Router} implements ({@link #turns}).
 */
public final class ChannelDependencyGraph {
    /** Port indices of a router: the four neighbours and the local network interface. */
    public static final int N = 0, E = 1, S = 2, W = 3, L = 4;
    /** Port names, in index order. */
    public static final String[] PORT = {"n", "e", "s", "w", "l"};
    private static final int[] DX = {0, 1, 0, -1};
    private static final int[] DY = {-1, 0, 1, 0};

    /** A routing function: the output directions a packet at (x, y) bound for (tx, ty) may take next (never L). */
    @FunctionalInterface
    public interface RoutingFunction {
        List<Integer> next(int x, int y, int tx, int ty);
    }

    private final int k;
    private final int m;
    private final String name;
    private final RoutingFunction routing;
    /** successors[c] = links that may follow link c; a link is (x, y, direction) leaving router (x, y). */
    private final List<Set<Integer>> successors = new ArrayList<>();

    private ChannelDependencyGraph(int k, int m, String name, RoutingFunction routing) {
        this.k = k;
        this.m = m;
        this.name = name;
        this.routing = routing;
        for (int c = 0; c < k * m * 4; c++) {
            successors.add(new LinkedHashSet<>());
        }
        build();
    }

    /** The graph of a named routing ({@code xy}, {@code yx}, {@code adaptive}) on a k × m mesh. */
    public static ChannelDependencyGraph of(int k, int m, String routing) {
        return new ChannelDependencyGraph(k, m, routing, function(routing));
    }

    /** The graph of any routing function, e.g. one under test. */
    public static ChannelDependencyGraph of(int k, int m, String name, RoutingFunction routing) {
        return new ChannelDependencyGraph(k, m, name, routing);
    }

    /** The routing function of a named routing. */
    public static RoutingFunction function(String routing) {
        return switch (routing) {
            case "xy" -> (x, y, tx, ty) -> tx != x ? List.of(tx > x ? E : W) : ty != y ? List.of(ty > y ? S : N) : List.of();
            case "yx" -> (x, y, tx, ty) -> ty != y ? List.of(ty > y ? S : N) : tx != x ? List.of(tx > x ? E : W) : List.of();
            case "adaptive" -> (x, y, tx, ty) -> {
                List<Integer> out = new ArrayList<>();
                if (tx != x) {
                    out.add(tx > x ? E : W);
                }
                if (ty != y) {
                    out.add(ty > y ? S : N);
                }
                return out;
            };
            default -> throw new ConfigException("routing", "unknown routing", routing);
        };
    }

    private int link(int x, int y, int dir) {
        return (y * k + x) * 4 + dir;
    }

    private String describe(int c) {
        int node = c / 4;
        int dir = c % 4;
        int x = node % k;
        int y = node / k;
        return "(" + x + "," + y + ")" + PORT[dir].toUpperCase() + "->(" + (x + DX[dir]) + "," + (y + DY[dir]) + ")";
    }

    private List<Integer> route(int x, int y, int tx, int ty) {
        List<Integer> dirs = routing.next(x, y, tx, ty);
        for (int d : dirs) {
            int nx = x + DX[d];
            int ny = y + DY[d];
            if (nx < 0 || nx >= k || ny < 0 || ny >= m) {
                throw new ConfigException("routing", name + " leaves the " + k + "×" + m + " mesh at (" + x + "," + y
                        + ") towards (" + tx + "," + ty + ")", name);
            }
        }
        return dirs;
    }

    private void build() {
        int guard = 4 * k * m * 8;
        for (int ty = 0; ty < m; ty++) {
            for (int tx = 0; tx < k; tx++) {
                // Links a packet bound for (tx, ty) can occupy, explored from every source.
                boolean[] seen = new boolean[k * m * 4];
                Deque<Integer> work = new ArrayDeque<>();
                for (int sy = 0; sy < m; sy++) {
                    for (int sx = 0; sx < k; sx++) {
                        for (int d : route(sx, sy, tx, ty)) {
                            int c = link(sx, sy, d);
                            if (!seen[c]) {
                                seen[c] = true;
                                work.add(c);
                            }
                        }
                    }
                }
                int steps = 0;
                while (!work.isEmpty()) {
                    if (++steps > guard * 4) {
                        throw new ConfigException("routing", name + " does not reach its destinations", name);
                    }
                    int c = work.poll();
                    int node = c / 4;
                    int nx = node % k + DX[c % 4];
                    int ny = node / k + DY[c % 4];
                    for (int d : route(nx, ny, tx, ty)) {
                        int c2 = link(nx, ny, d);
                        successors.get(c).add(c2);
                        if (!seen[c2]) {
                            seen[c2] = true;
                            work.add(c2);
                        }
                    }
                }
            }
        }
    }

    /** Number of dependency edges. */
    public int edges() {
        return successors.stream().mapToInt(Set::size).sum();
    }

    /** A cycle of links, in order, or an empty list when the graph is acyclic. */
    public List<String> findCycle() {
        int n = successors.size();
        int[] state = new int[n]; // 0 new, 1 on stack, 2 done
        int[] parent = new int[n];
        for (int root = 0; root < n; root++) {
            if (state[root] != 0) {
                continue;
            }
            Deque<int[]> stack = new ArrayDeque<>();
            stack.push(new int[] {root, 0});
            state[root] = 1;
            parent[root] = -1;
            while (!stack.isEmpty()) {
                int[] top = stack.peek();
                List<Integer> succ = new ArrayList<>(successors.get(top[0]));
                if (top[1] < succ.size()) {
                    int next = succ.get(top[1]++);
                    if (state[next] == 1) {
                        List<String> cycle = new ArrayList<>();
                        for (int v = top[0]; v != next; v = parent[v]) {
                            cycle.add(describe(v));
                        }
                        cycle.add(describe(next));
                        Collections.reverse(cycle);
                        return cycle;
                    }
                    if (state[next] == 0) {
                        state[next] = 1;
                        parent[next] = top[0];
                        stack.push(new int[] {next, 0});
                    }
                } else {
                    state[top[0]] = 2;
                    stack.pop();
                }
            }
        }
        return List.of();
    }

    /** Throws a {@link ConfigException} on field {@code routing} naming a dependency cycle, if there is one. */
    public void requireAcyclic() {
        List<String> cycle = findCycle();
        if (!cycle.isEmpty()) {
            throw new ConfigException("routing", "channel-dependency graph on the " + k + "×" + m
                    + " mesh has a cycle, so packets can deadlock: " + String.join(" => ", cycle) + " => " + cycle.get(0),
                    name);
        }
    }

    /**
     * The turns the routing uses at router (x, y): {@code turns[in][out]} when some packet enters on
     * port {@code in} (the side it arrives from, or L when injected) and leaves on {@code out}.
     */
    public boolean[][] turns(int x, int y) {
        boolean[][] t = new boolean[5][5];
        for (int sy = 0; sy < m; sy++) {
            for (int sx = 0; sx < k; sx++) {
                for (int ty = 0; ty < m; ty++) {
                    for (int tx = 0; tx < k; tx++) {
                        walk(sx, sy, tx, ty, L, x, y, t);
                    }
                }
            }
        }
        return t;
    }

    private void walk(int cx, int cy, int tx, int ty, int in, int x, int y, boolean[][] t) {
        List<Integer> dirs = route(cx, cy, tx, ty);
        if (dirs.isEmpty()) {
            if (cx == x && cy == y) {
                t[in][L] = true;
            }
            return;
        }
        for (int d : dirs) {
            if (cx == x && cy == y) {
                t[in][d] = true;
            }
            walk(cx + DX[d], cy + DY[d], tx, ty, (d + 2) % 4, x, y, t);
        }
    }
}
