package org.chiltepin.verif.golden;

import org.chiltepin.verif.llm.Checkpoint;
import org.chiltepin.verif.llm.LlamaConfig;

/**
 * A llama2.c checkpoint quantized for the integer model (docs/llm.md, "Quantization"). This is
 * the only place that touches floating point: it runs once on the host, like a compiler; what
 * it produces is integers.
 *
 * <ul>
 * <li>Every matrix row (output channel) j: int8 weights q = round(w / s_j), s_j = max|w_j| / 127,
 * so q ∈ [−127, 127]; s_j = mult_j · 2^exp with mult_j an int16 and exp shared by the matrix
 * (the largest mult is in [16384, 32767]).</li>
 * <li>Query rows carry the attention's 1/sqrt(headSize) in their scale.</li>
 * <li>RMSNorm gains: int16 with a per-vector power-of-two scale 2^−frac.</li>
 * </ul>
 */
public final class LlamaInt8Weights {

    /**
     * An int8 matrix, row-major, rows = output channels. The GEMM result y = W·x for an int8 x of
     * exponent e is {@code rescale(acc, mult, shift)} with exponent e + exp + shift, where
     * {@code shift} is the smallest that keeps every possible |acc·mult| (|x|, |w| ≤ 127) within
     * int32 after rounding.
     */
    public record QMatrix(int rows, int cols, byte[] w, short[] mult, int exp, int shift) {
        /** acc[j] = Σ_i w[j][i]·x[i], in wrapping int32 like the GEMM engine's accumulators. */
        public long[] multiply(byte[] x) {
            long[] acc = new long[rows];
            for (int j = 0; j < rows; j++) {
                int sum = 0;
                int r = j * cols;
                for (int i = 0; i < cols; i++) {
                    sum += w[r + i] * x[i];
                }
                acc[j] = sum;
            }
            return acc;
        }

        /** Row j as an int8 vector. */
        public byte[] row(int j) {
            byte[] r = new byte[cols];
            System.arraycopy(w, j * cols, r, 0, cols);
            return r;
        }
    }

    /** An int16 gain vector, real g·2^−frac. */
    public record Gain(short[] g, int frac) {
    }

    public final LlamaConfig config;
    public final QMatrix embedding;
    public final QMatrix classifier;
    public final QMatrix[] wq;
    public final QMatrix[] wk;
    public final QMatrix[] wv;
    public final QMatrix[] wo;
    public final QMatrix[] w1;
    public final QMatrix[] w2;
    public final QMatrix[] w3;
    public final Gain[] rmsAtt;
    public final Gain[] rmsFfn;
    public final Gain rmsFinal;

    public LlamaInt8Weights(Checkpoint c) {
        config = c.config();
        int d = config.dim();
        int kv = config.kvDim();
        int h = config.hiddenDim();
        int n = config.nLayers();
        embedding = quantize(c.tokenEmbedding, config.vocabSize(), d, 1);
        classifier = c.classifier == c.tokenEmbedding ? embedding : quantize(c.classifier, config.vocabSize(), d, 1);
        double attention = 1 / Math.sqrt(config.headSize());
        wq = new QMatrix[n];
        wk = new QMatrix[n];
        wv = new QMatrix[n];
        wo = new QMatrix[n];
        w1 = new QMatrix[n];
        w2 = new QMatrix[n];
        w3 = new QMatrix[n];
        rmsAtt = new Gain[n];
        rmsFfn = new Gain[n];
        for (int l = 0; l < n; l++) {
            wq[l] = quantize(c.wq[l], d, d, attention);
            wk[l] = quantize(c.wk[l], kv, d, 1);
            wv[l] = quantize(c.wv[l], kv, d, 1);
            wo[l] = quantize(c.wo[l], d, d, 1);
            w1[l] = quantize(c.w1[l], h, d, 1);
            w2[l] = quantize(c.w2[l], d, h, 1);
            w3[l] = quantize(c.w3[l], h, d, 1);
            rmsAtt[l] = gain(c.rmsAtt[l]);
            rmsFfn[l] = gain(c.rmsFfn[l]);
        }
        rmsFinal = gain(c.rmsFinal);
    }

    /** Per-row symmetric int8 quantization; {@code factor} multiplies every row's scale. */
    static QMatrix quantize(float[] m, int rows, int cols, double factor) {
        byte[] q = new byte[rows * cols];
        double[] scale = new double[rows];
        double maxScale = 0;
        for (int j = 0; j < rows; j++) {
            double amax = 0;
            for (int i = 0; i < cols; i++) {
                amax = Math.max(amax, Math.abs(m[j * cols + i]));
            }
            double s = amax / 127;
            for (int i = 0; i < cols && s > 0; i++) {
                q[j * cols + i] = (byte) Math.max(-127, Math.min(127, Math.round(m[j * cols + i] / s)));
            }
            scale[j] = s * factor;
            maxScale = Math.max(maxScale, scale[j]);
        }
        int exp = maxScale == 0 ? 0 : (int) Math.ceil(StrictMath.log(maxScale / 32767) / StrictMath.log(2));
        while (maxScale > 0 && Math.round(maxScale * Math.pow(2, -exp)) > 32767) {
            exp++;
        }
        short[] mult = new short[rows];
        int maxMult = 0;
        for (int j = 0; j < rows; j++) {
            mult[j] = (short) Math.round(scale[j] * Math.pow(2, -exp));
            maxMult = Math.max(maxMult, mult[j]);
        }
        long worst = (long) cols * 127 * 127 * maxMult;
        int shift = Math.max(0, 64 - Long.numberOfLeadingZeros(worst) - 30);
        return new QMatrix(rows, cols, q, mult, exp, shift);
    }

    /** int16 gains with the largest power-of-two scale that fits (at most 2^−15). */
    static Gain gain(float[] g) {
        double amax = 0;
        for (float v : g) {
            amax = Math.max(amax, Math.abs(v));
        }
        int frac = 15;
        while (frac > -16 && Math.round(amax * Math.pow(2, frac)) > 32767) {
            frac--;
        }
        short[] q = new short[g.length];
        for (int i = 0; i < g.length; i++) {
            q[i] = (short) Math.round(g[i] * Math.pow(2, frac));
        }
        return new Gain(q, frac);
    }
}
