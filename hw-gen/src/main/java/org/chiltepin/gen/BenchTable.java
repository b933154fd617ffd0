package org.chiltepin.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark's result table: printed aligned for people, written as CSV for tools. Cells are
 * strings, longs or doubles (doubles printed with the column's precision).
 */
final class BenchTable {
    private final List<String> columns;
    private final List<List<Object>> rows = new ArrayList<>();

    BenchTable(String... columns) {
        this.columns = List.of(columns);
    }

    void add(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("expected " + columns.size() + " cells, got " + cells.length);
        }
        rows.add(List.of(cells));
    }

    List<List<Object>> rows() {
        return rows;
    }

    private static String format(Object cell) {
        if (cell instanceof Double d) {
            return Math.abs(d) >= 100 || d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d)
                    : String.format(Locale.ROOT, "%.4f", d);
        }
        return String.valueOf(cell);
    }

    void print(PrintWriter out) {
        int[] width = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            width[c] = columns.get(c).length();
            for (List<Object> r : rows) {
                width[c] = Math.max(width[c], format(r.get(c)).length());
            }
        }
        StringBuilder header = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
            header.append(String.format("%" + width[c] + "s  ", columns.get(c)));
        }
        out.println(header.toString().stripTrailing());
        for (List<Object> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns.size(); c++) {
                line.append(String.format("%" + width[c] + "s  ", format(r.get(c))));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    void writeCsv(Path file) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
        for (List<Object> r : rows) {
            List<String> cells = new ArrayList<>();
            for (Object cell : r) {
                String s = cell instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : String.valueOf(cell);
                cells.add(s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s);
            }
            b.append(String.join(",", cells)).append('\n');
        }
        Files.writeString(file, b, StandardCharsets.UTF_8);
    }
}
