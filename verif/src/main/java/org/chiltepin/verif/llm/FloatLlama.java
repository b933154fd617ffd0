package org.chiltepin.verif.llm;

/**
 * The float reference: llama2.c's {@code run.c} forward pass in float32, with its order of
 * operations (sequential sums, the same casts, RoPE frequencies recomputed with powf/cosf/sinf),
 * so that greedy decoding prints run.c's text byte for byte. Transcendental functions are
 * computed in double and rounded to float; glibc's expf/powf/cosf/sinf are within about half an
 * ulp too, and the bundled model's texts do not depend on the difference (FloatLlamaTest).
 */
public final class FloatLlama implements LlamaEngine {
    private final Checkpoint w;
    private final LlamaConfig c;
    private final float[] x;
    private final float[] xb;
    private final float[] xb2;
    private final float[] hb;
    private final float[] hb2;
    private final float[] q;
    private final float[] att;
    private final float[] logits;
    private final float[][] keyCache;
    private final float[][] valueCache;

    public FloatLlama(Checkpoint checkpoint) {
        w = checkpoint;
        c = checkpoint.config();
        x = new float[c.dim()];
        xb = new float[c.dim()];
        xb2 = new float[c.dim()];
        hb = new float[c.hiddenDim()];
        hb2 = new float[c.hiddenDim()];
        q = new float[c.dim()];
        att = new float[c.seqLen()];
        logits = new float[c.vocabSize()];
        keyCache = new float[c.nLayers()][c.seqLen() * c.kvDim()];
        valueCache = new float[c.nLayers()][c.seqLen() * c.kvDim()];
    }

    @Override
    public String name() {
        return "float";
    }

    @Override
    public LlamaConfig config() {
        return c;
    }

    @Override
    public int step(int token, int pos) {
        return argmax(forward(token, pos));
    }

    /** run.c's sample_argmax: the first index of the largest value. */
    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The logits for {@code token} at {@code pos}; the returned array is reused by the next call. */
    public float[] forward(int token, int pos) {
        int dim = c.dim();
        int kvDim = c.kvDim();
        int hidden = c.hiddenDim();
        int hs = c.headSize();
        System.arraycopy(w.tokenEmbedding, token * dim, x, 0, dim);
        for (int l = 0; l < c.nLayers(); l++) {
            rmsnorm(xb, x, w.rmsAtt[l]);
            float[] kc = keyCache[l];
            float[] vc = valueCache[l];
            int row = pos * kvDim;
            matmul(q, 0, xb, w.wq[l], dim, dim);
            matmul(kc, row, xb, w.wk[l], dim, kvDim);
            matmul(vc, row, xb, w.wv[l], dim, kvDim);
            for (int i = 0; i < dim; i += 2) {
                int headDim = i % hs;
                float freq = 1.0f / (float) Math.pow(10000.0f, headDim / (float) hs);
                float val = pos * freq;
                float fcr = (float) Math.cos(val);
                float fci = (float) Math.sin(val);
                rotate(q, i, fcr, fci);
                if (i < kvDim) {
                    rotate(kc, row + i, fcr, fci);
                }
            }
            float sqrtHs = (float) Math.sqrt(hs);
            for (int h = 0; h < c.nHeads(); h++) {
                int qo = h * hs;
                int kvo = (h / c.kvMul()) * hs;
                for (int t = 0; t <= pos; t++) {
                    float score = 0.0f;
                    for (int i = 0; i < hs; i++) {
                        score += q[qo + i] * kc[t * kvDim + kvo + i];
                    }
                    att[t] = score / sqrtHs;
                }
                softmax(att, pos + 1);
                for (int i = 0; i < hs; i++) {
                    xb[qo + i] = 0.0f;
                }
                for (int t = 0; t <= pos; t++) {
                    float a = att[t];
                    for (int i = 0; i < hs; i++) {
                        xb[qo + i] += a * vc[t * kvDim + kvo + i];
                    }
                }
            }
            matmul(xb2, 0, xb, w.wo[l], dim, dim);
            for (int i = 0; i < dim; i++) {
                x[i] += xb2[i];
            }
            rmsnorm(xb, x, w.rmsFfn[l]);
            matmul(hb, 0, xb, w.w1[l], dim, hidden);
            matmul(hb2, 0, xb, w.w3[l], dim, hidden);
            for (int i = 0; i < hidden; i++) {
                float val = hb[i];
                val *= 1.0f / (1.0f + (float) Math.exp(-val));
                val *= hb2[i];
                hb[i] = val;
            }
            matmul(xb, 0, hb, w.w2[l], hidden, dim);
            for (int i = 0; i < dim; i++) {
                x[i] += xb[i];
            }
        }
        rmsnorm(x, x, w.rmsFinal);
        matmul(logits, 0, x, w.classifier, dim, c.vocabSize());
        return logits;
    }

    private static void rotate(float[] v, int i, float fcr, float fci) {
        float v0 = v[i];
        float v1 = v[i + 1];
        v[i] = v0 * fcr - v1 * fci;
        v[i + 1] = v0 * fci + v1 * fcr;
    }

    /** o = weight · (x / sqrt(mean(x²) + 1e-5)), as run.c computes it (o may be x). */
    static void rmsnorm(float[] o, float[] x, float[] weight) {
        float ss = 0.0f;
        for (float v : x) {
            ss += v * v;
        }
        ss /= x.length;
        ss += 1e-5f;
        ss = 1.0f / (float) Math.sqrt(ss);
        for (int j = 0; j < x.length; j++) {
            o[j] = weight[j] * (ss * x[j]);
        }
    }

    static void softmax(float[] v, int size) {
        float max = v[0];
        for (int i = 1; i < size; i++) {
            if (v[i] > max) {
                max = v[i];
            }
        }
        float sum = 0.0f;
        for (int i = 0; i < size; i++) {
            v[i] = (float) Math.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = 0; i < size; i++) {
            v[i] /= sum;
        }
    }

    /** out[at + i] = Σ_j w[i·n + j] · in[j] for i < d, summed in order of j. */
    static void matmul(float[] out, int at, float[] in, float[] w, int n, int d) {
        for (int i = 0; i < d; i++) {
            float val = 0.0f;
            int r = i * n;
            for (int j = 0; j < n; j++) {
                val += w[r + j] * in[j];
            }
            out[at + i] = val;
        }
    }
}
