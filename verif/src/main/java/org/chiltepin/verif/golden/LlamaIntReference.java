package org.chiltepin.verif.golden;

import java.util.Arrays;
import org.chiltepin.verif.golden.LlamaInt8Weights.QMatrix;
import org.chiltepin.verif.golden.LlamaVectorOps.QVec;
import org.chiltepin.verif.golden.LlamaVectorOps.Scaled;
import org.chiltepin.verif.golden.LlamaVectorOps.Wide;
import org.chiltepin.verif.llm.LlamaConfig;
import org.chiltepin.verif.llm.LlamaEngine;

/**
 * The integer golden model of a llama2.c decode step (docs/llm.md): int8 weights with
 * per-output-channel scales ({@link LlamaInt8Weights}), int8 activations with dynamic per-vector
 * scales (8-bit mantissa, power-of-two exponent), GEMMs with wrapping int32 accumulators, and every other
 * operation through {@link LlamaVectorOps}. No floating point runs here. The chip must produce
 * the same next token at every position.
 *
 * <p>Per position: the token's embedding row becomes the residual stream x (int32, real
 * x·2^−{@value #FX}); each layer runs RMSNorm → Q, K, V GEMMs → RoPE on Q and K → per-head int8
 * Q, and K/V rows appended to the cache (int8 + exponent per key/value head) → per head: scores
 * Q·K (GEMM), scaled by each key row's scale to the largest key exponent → softmax →
 * probabilities scaled by each value row's scale and quantized → probabilities·V (GEMM) → heads
 * scaled to one exponent and quantized →
 * output GEMM → residual add; then RMSNorm → W1 and W3 GEMMs → SiLU(W1x)·W3x quantized → W2 GEMM
 * → residual add. Finally RMSNorm → classifier GEMM → argmax.
 */
public final class LlamaIntReference implements LlamaEngine {
    /** Fraction bits of the residual stream. */
    public static final int FX = 16;

    private final LlamaInt8Weights w;
    private final LlamaConfig c;
    private final LlamaVectorOps ops;
    private final MatVec matvec;
    private final KvRows cache;
    private final int[] x;
    /** Bits that keep the largest scaled score (headSize·127² times a 15-bit mantissa) within int32. */
    private final int scoreHeadroom;
    /** Bits that keep the largest scaled head output (seqLen·127² times an 8-bit mantissa) within int32. */
    private final int headHeadroom;

    /**
     * Where the weight GEMMs run: acc[j] = Σ_i W[j][i]·x[i] in wrapping int32 for an int8 weight
     * matrix and an int8 vector. The golden model multiplies in Java ({@link QMatrix#multiply});
     * the chip runtime runs the same operands on the GEMM tiles. Everything around the GEMMs (the
     * quantization of x, the rescale of acc) is this class's, whichever backend multiplies.
     */
    @FunctionalInterface
    public interface MatVec {
        long[] multiply(QMatrix m, byte[] x);
    }

    public LlamaIntReference(LlamaInt8Weights weights, LlamaVectorOps ops) {
        this(weights, ops, QMatrix::multiply);
    }

    /**
     * Where the key and value rows live (int8 with their scales, one row per key/value head): the
     * golden model keeps them in arrays ({@link #arrays}); the chip runtime in the KV tile.
     */
    public interface KvRows {
        /** Stores position {@code pos}'s K and V rows of {@code layer}, one per key/value head. */
        void append(int layer, int pos, QVec[] k, QVec[] v);

        /** {@code layer}'s K ({@code v} false) or V rows of positions 0..n−1, [position][key/value head]. */
        QVec[][] rows(int layer, boolean v, int n);

        /**
         * The attention's weighted values of every query head h over positions 0..n−1 of
         * {@code layer}: Σ_t p[h][t]·V[t][h / kvMul][i], in wrapping int32 (the GEMM's accumulators).
         */
        default int[][] weightedSums(int layer, byte[][] p, int n, int kvMul) {
            QVec[][] values = rows(layer, true, n);
            int[][] sums = new int[p.length][];
            for (int h = 0; h < p.length; h++) {
                sums[h] = new int[values[0][h / kvMul].q().length];
                for (int t = 0; t < n; t++) {
                    byte[] v = values[t][h / kvMul].q();
                    for (int i = 0; i < v.length; i++) {
                        sums[h][i] += p[h][t] * v[i];
                    }
                }
            }
            return sums;
        }

        /**
         * The attention's scores before scaling: q[h]·K[t][h / kvMul] of every query head h over
         * positions 0..n−1 of {@code layer}, in wrapping int32 (the GEMM's accumulators).
         */
        default int[][] scoreSums(int layer, byte[][] q, int n, int kvMul) {
            return dots(rows(layer, false, n), q, n, kvMul);
        }

        /** q[h]·keys[t][h / kvMul] over t < n, in wrapping int32. */
        static int[][] dots(QVec[][] keys, byte[][] q, int n, int kvMul) {
            int[][] sums = new int[q.length][n];
            for (int h = 0; h < q.length; h++) {
                for (int t = 0; t < n; t++) {
                    byte[] k = keys[t][h / kvMul].q();
                    for (int i = 0; i < k.length; i++) {
                        sums[h][t] += q[h][i] * k[i];
                    }
                }
            }
            return sums;
        }

        /** Rows kept in arrays, for {@code c}'s layers, positions and key/value heads. */
        static KvRows arrays(LlamaConfig c) {
            QVec[][][][] rows = new QVec[2][c.nLayers()][c.seqLen()][];
            return new KvRows() {
                @Override
                public void append(int layer, int pos, QVec[] k, QVec[] v) {
                    rows[0][layer][pos] = k;
                    rows[1][layer][pos] = v;
                }

                @Override
                public QVec[][] rows(int layer, boolean v, int n) {
                    return Arrays.copyOf(rows[v ? 1 : 0][layer], n);
                }
            };
        }
    }

    public LlamaIntReference(LlamaInt8Weights weights, LlamaVectorOps ops, MatVec matvec) {
        this(weights, ops, matvec, KvRows.arrays(weights.config));
    }

    public LlamaIntReference(LlamaInt8Weights weights, LlamaVectorOps ops, MatVec matvec, KvRows cache) {
        this.matvec = matvec;
        this.cache = cache;
        w = weights;
        c = weights.config;
        this.ops = ops;
        x = new int[c.dim()];
        scoreHeadroom = headroom((long) c.headSize() * 127 * 127 * 32767);
        headHeadroom = headroom((long) c.seqLen() * 127 * 127 * 255);
    }

    private static int headroom(long worst) {
        return Math.max(0, 64 - Long.numberOfLeadingZeros(worst) - 31);
    }

    @Override
    public String name() {
        return "golden";
    }

    @Override
    public LlamaConfig config() {
        return c;
    }

    /**
     * A GEMM with per-channel scaling: W·x as wide integers with their exponent, the scaling not
     * yet applied ({@link LlamaVectorOps#wide} applies it). Row j's scale times the input's
     * mantissa, rounded to an int16, is the multiplier of the GEMM rule.
     */
    private Scaled gemm(QMatrix m, QVec in) {
        short[] mult = new short[m.rows()];
        int[] shift = new int[m.rows()];
        for (int j = 0; j < m.rows(); j++) {
            mult[j] = (short) LlamaVectorOps.roundShift((long) m.mult()[j] * in.mant(), 8);
            shift[j] = m.shift();
        }
        return new Scaled(matvec.multiply(m, in.q()), mult, shift, in.exp() + m.exp() + 8 + m.shift());
    }

    /**
     * Brings values of different scales (mant[i]·2^exp[i], mant ≤ 32767) to the largest exponent
     * plus {@code headroom} bits, which keep the largest products within int32 (the scaling not
     * yet applied).
     */
    private static Scaled align(long[] v, int[] mant, int[] exp, int headroom) {
        int max = Integer.MIN_VALUE;
        for (int e : exp) {
            max = Math.max(max, e);
        }
        short[] mult = new short[v.length];
        int[] shift = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            mult[i] = (short) mant[i];
            shift[i] = max - exp[i] + headroom;
        }
        return new Scaled(v, mult, shift, max + headroom);
    }

    @Override
    public int step(int token, int pos) {
        return ops.argmax(classifier(token, pos)); // the logits' rescale chained with MAX
    }

    /** The classifier's outputs (int32, one common scale per model) for {@code token} at {@code pos}. */
    public long[] logits(int token, int pos) {
        return ops.wide(classifier(token, pos)).v();
    }

    /** The classifier's int32 sums for {@code token} at {@code pos}, their scaling still to apply. */
    private Scaled classifier(int token, int pos) {
        int dim = c.dim();
        QMatrix e = w.embedding;
        byte[] row = e.row(token);
        long[] emb = new long[dim];
        short[] mult = new short[dim];
        int[] shift = new int[dim];
        for (int i = 0; i < dim; i++) {
            emb[i] = row[i];
            mult[i] = e.mult()[token];
            shift[i] = -(e.exp() + FX);
        }
        // every residual add is chained with the RMSNorm that reads its result (docs/llm.md §6.4)
        QVec xb = ops.embedNorm(x, new Scaled(emb, mult, shift, 0), FX, w.rmsAtt[0].g(), w.rmsAtt[0].frac());
        for (int l = 0; l < c.nLayers(); l++) {
            xb = attention(l, pos, xb);
            QVec hidden = ops.siluMul(gemm(w.w1[l], xb), gemm(w.w3[l], xb));
            var norm = l + 1 < c.nLayers() ? w.rmsAtt[l + 1] : w.rmsFinal;
            xb = ops.addNorm(x, FX, gemm(w.w2[l], hidden), norm.g(), norm.frac());
        }
        return gemm(w.classifier, xb);
    }

    /** Layer l's attention on xb (the RMSNorm of x); x += its output; returns the feed-forward's RMSNorm of x. */
    private QVec attention(int l, int pos, QVec xb) {
        int hs = c.headSize();
        QVec[] heads = ops.qkvHeads(gemm(w.wq[l], xb), gemm(w.wk[l], xb), gemm(w.wv[l], xb), hs, pos);
        int nh = c.nHeads();
        int nkv = c.nKvHeads();
        QVec[] kRow = Arrays.copyOfRange(heads, nh, nh + nkv);
        QVec[] vRow = Arrays.copyOfRange(heads, nh + nkv, nh + 2 * nkv);
        cache.append(l, pos, kRow, vRow);
        QVec[][] keys = cache.rows(l, false, pos + 1);
        QVec[][] values = cache.rows(l, true, pos + 1);
        byte[][] q = new byte[nh][];
        for (int h = 0; h < nh; h++) {
            q[h] = heads[h].q();
        }
        int[][] dots = cache.scoreSums(l, q, pos + 1, c.kvMul());
        Scaled[] scores = new Scaled[nh];
        short[][] pMult = new short[nh][];
        int[][] pShift = new int[nh][];
        int[] weightedExp = new int[nh];
        for (int h = 0; h < nh; h++) {
            int g = h / c.kvMul();
            scores[h] = scores(keys, pos, g, heads[h], dots[h]);
            Scaled weighting = valueScales(values, pos, g);
            pMult[h] = weighting.mult();
            pShift[h] = weighting.shift();
            weightedExp[h] = maxExp(values, pos + 1, g);
        }
        QVec[] pq = ops.attend(scores, pMult, pShift);
        byte[][] p = new byte[nh][];
        for (int h = 0; h < nh; h++) {
            p[h] = pq[h].q();
        }
        int[][] sums = cache.weightedSums(l, p, pos + 1, c.kvMul());
        long[] out = new long[c.dim()];
        int[] headMant = new int[c.dim()];
        int[] headExp = new int[c.dim()];
        for (int h = 0; h < nh; h++) {
            for (int i = 0; i < hs; i++) {
                out[h * hs + i] = sums[h][i];
                headMant[h * hs + i] = pq[h].mant();
                headExp[h * hs + i] = pq[h].exp() + weightedExp[h];
            }
        }
        QVec o = ops.quantize(align(out, headMant, headExp, headHeadroom));
        return ops.addNorm(x, FX, gemm(w.wo[l], o), w.rmsFfn[l].g(), w.rmsFfn[l].frac());
    }

    /** The largest value exponent of key/value head g over positions 0..n−1 (the weighted values' exponent). */
    private static int maxExp(QVec[][] values, int n, int g) {
        int max = Integer.MIN_VALUE;
        for (int t = 0; t < n; t++) {
            max = Math.max(max, values[t][g].exp());
        }
        return max;
    }

    /**
     * One head's attention scores over positions 0..pos on key/value head g of the layer's rows:
     * q·k_t ({@code dots}, {@link KvRows#scoreSums}) with the rows' scales, to be brought to one
     * exponent (the softmax's input, {@link LlamaVectorOps#attend}).
     */
    private Scaled scores(QVec[][] keys, int pos, int g, QVec q, int[] dots) {
        int n = pos + 1;
        long[] scores = new long[n];
        int[] scoreMant = new int[n];
        int[] scoreExp = new int[n];
        for (int t = 0; t < n; t++) {
            QVec k = keys[t][g];
            scores[t] = dots[t];
            scoreMant[t] = (int) LlamaVectorOps.roundShift((long) q.mant() * k.mant(), 1); // 16 bits halved into an int16
            scoreExp[t] = q.exp() + k.exp() + 1;
        }
        return align(scores, scoreMant, scoreExp, scoreHeadroom);
    }

    /**
     * The weighting of a head's probabilities: p_t·mant_v[t]·2^(e_v[t] − max e_v), every value row
     * at the largest value exponent ({@link #maxExp}); the weighted sums Σ_t p_t·v_t are
     * {@link KvRows#weightedSums}'.
     */
    private static Scaled valueScales(QVec[][] values, int pos, int g) {
        int n = pos + 1;
        int[] pMant = new int[n];
        int[] pExp = new int[n];
        for (int t = 0; t < n; t++) {
            QVec v = values[t][g];
            pMant[t] = v.mant();
            pExp[t] = v.exp();
        }
        return align(new long[n], pMant, pExp, 0);
    }
}
