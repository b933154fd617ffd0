package org.chiltepin.verif.array;

/**
 * One tile for the array: A is rows × K, B is K × cols, elements signed.
 *
 * @param name what the case exercises, for failure messages ("random #12", "all -128, K=8")
 */
public record MatMulCase(String name, int[][] a, int[][] b) {
    public int k() {
        return b.length;
    }
}
