package org.chiltepin.verif.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntUnaryOperator;
import org.chiltepin.verif.golden.LlamaInt8Weights.QMatrix;
import org.chiltepin.verif.golden.LlamaIntReference;

/**
 * B sequences of the integer model stepped in lockstep, their GEMVs gathered into one batched
 * matmul per weight matrix: every sequence's {@link LlamaIntReference} runs on its own thread with
 * a {@link #backend(int) MatVec} of this; each call waits until all B sequences have called with the
 * same matrix, then one {@link Batch#matmul} multiplies the B activation rows (the weights read once)
 * and every sequence takes its row. All sequences run the same matrices in the same order at a
 * position (the model's structure), so the calls line up; a different matrix is an error.
 */
public final class LockstepMatVec {
    /** A matmul of B activation rows against one weight matrix: acc[b] = W·xs[b]. */
    @FunctionalInterface
    public interface Batch {
        long[][] matmul(QMatrix m, byte[][] xs);
    }

    private final Batch batch;
    private final int n;
    private final QMatrix[] matrices;
    private final byte[][] xs;
    private long[][] results;
    private final CyclicBarrier arrive;
    private final CyclicBarrier leave;
    private long calls;

    public LockstepMatVec(int n, Batch batch) {
        this.n = n;
        this.batch = batch;
        matrices = new QMatrix[n];
        xs = new byte[n][];
        arrive = new CyclicBarrier(n, this::multiply);
        leave = new CyclicBarrier(n);
    }

    /** Batched matmuls run so far. */
    public long calls() {
        return calls;
    }

    /** Sequence {@code b}'s GEMV backend. */
    public LlamaIntReference.MatVec backend(int b) {
        return (m, x) -> {
            matrices[b] = m;
            xs[b] = x;
            await(arrive);
            long[] r = results[b];
            await(leave); // nobody overwrites its slot before all have read
            return r;
        };
    }

    private void multiply() {
        for (QMatrix m : matrices) {
            if (m != matrices[0]) {
                throw new IllegalStateException("lockstep: the sequences called different matrices");
            }
        }
        results = batch.matmul(matrices[0], xs.clone());
        calls++;
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("lockstep interrupted", e);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("lockstep: another sequence failed", e);
        }
    }

    /**
     * Runs {@code step.applyAsInt(b)} for every sequence b on its own thread (each makes its GEMV
     * calls through {@link #backend(int)}) and returns the results in order.
     */
    public int[] each(IntUnaryOperator step) {
        int[] out = new int[n];
        List<Thread> threads = new ArrayList<>();
        RuntimeException[] failure = new RuntimeException[1];
        for (int b = 0; b < n; b++) {
            int seq = b;
            Thread t = new Thread(() -> {
                try {
                    out[seq] = step.applyAsInt(seq);
                } catch (RuntimeException e) {
                    synchronized (failure) {
                        if (failure[0] == null || failure[0].getMessage() != null && failure[0].getMessage().startsWith("lockstep: another")) {
                            failure[0] = e;
                        }
                    }
                    arrive.reset();
                    leave.reset();
                }
            }, "lockstep-" + b);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("lockstep interrupted", e);
            }
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        return out;
    }
}
