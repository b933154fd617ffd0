package org.chiltepin.gen;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mutation sites of emitted Verilog ({@link MutateCommand}): single, local changes of the text
 * a bug could make, found by reading SpinalHDL's regular output line by line (one statement per
 * line, binary operators between spaces, every {@code if} with {@code begin}).
 *
 * <p>Operators: arithmetic {@code + -} swapped; logic {@code & | ^ && ||} ({@code &}↔{@code |},
 * {@code ^}→{@code |}, {@code &&}↔{@code ||}); comparison {@code < <= > >=} made strict or not,
 * {@code ==}↔{@code !=}; sized constants ±1; reset values (the constant a register gets under
 * {@code if(reset)}, its low bit flipped); {@code if} conditions inverted; ternary arms swapped;
 * assignments in {@code always} blocks dropped. Not mutated: declarations, bit selects and their
 * indices ({@code [7 : 0]}), shifts, and the {@code ifndef SYNTHESIS} debug blocks (they only name
 * enum states for a waveform viewer: every mutant there would be equivalent).
 */
final class MutationSites {
    private MutationSites() {
    }

    /**
     * One mutation: replace {@code original} at {@code column} (0-based) of {@code line} (1-based)
     * of {@code file} by {@code replacement}.
     *
     * @param operator the class: arith, logic, compare, const, reset, cond, ternary, drop
     */
    record Mutant(String file, int line, int column, String operator, String original, String replacement) {
        /** Stable name of the site: FILE:LINE:COL:OPERATOR (what {@code --only} takes). */
        String key() {
            return file + ":" + line + ":" + column + ":" + operator + (operator.equals("const") ? "=" + replacement : "");
        }

        /** "gemm_engine.v:636 arith: + -> -". */
        String describe() {
            return file + ":" + line + " " + operator + ": " + shorten(original) + " -> " + shorten(replacement);
        }

        private static String shorten(String s) {
            String t = s.strip();
            return t.length() <= 60 ? t : t.substring(0, 57) + "...";
        }
    }

    private static final Pattern LITERAL = Pattern.compile("(\\d+)'([bdh])([0-9a-fA-F_]+)\\b");
    private static final Pattern STATEMENT = Pattern.compile("^(\\s*)([A-Za-z_][\\w\\[\\]: ]*?)\\s*(<=|=)\\s*(.*);\\s*$");
    private static final Pattern IF = Pattern.compile("\\bif\\(");
    /** Binary operators, longest first, with their replacement. */
    private static final String[][] BINARY = {{"&&", "||", "logic"}, {"||", "&&", "logic"}, {"<=", "<", "compare"},
            {">=", ">", "compare"}, {"==", "!=", "compare"}, {"!=", "==", "compare"}, {"<", "<=", "compare"},
            {">", ">=", "compare"}, {"+", "-", "arith"}, {"-", "+", "arith"}, {"&", "|", "logic"}, {"|", "&", "logic"},
            {"^", "|", "logic"}};

    /** Every site of one file, in line and column order. */
    static List<Mutant> of(String file, String text) {
        List<Mutant> sites = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int skipDepth = 0;
        int depth = 0;
        int resetDepth = -1;
        boolean inAlways = false;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            String t = l.strip();
            int n = i + 1;
            if (t.startsWith("`ifndef SYNTHESIS") || skipDepth > 0 && (t.startsWith("`ifdef") || t.startsWith("`ifndef"))) {
                skipDepth++;
                continue;
            }
            if (skipDepth > 0) {
                if (t.startsWith("`endif")) {
                    skipDepth--;
                }
                continue;
            }
            if (t.startsWith("always ")) {
                inAlways = true;
                depth = 0;
            }
            int before = depth;
            depth += count(t, "\\bbegin\\b") - count(t, "\\bend\\b");
            if (resetDepth >= 0 && t.startsWith("end") && before == resetDepth) {
                resetDepth = -1;
            }
            if (inAlways && depth <= 0 && t.startsWith("end")) {
                inAlways = false;
            }
            if (t.startsWith("//") || t.isEmpty()) {
                continue;
            }
            if (t.startsWith("assign ")) {
                int eq = l.indexOf(" = ");
                if (eq > 0) {
                    expression(sites, file, n, l, eq + 3, l.lastIndexOf(';'), false);
                }
                continue;
            }
            if (!inAlways) {
                continue;
            }
            Matcher ifm = IF.matcher(l);
            if (ifm.find()) {
                int open = ifm.end() - 1;
                int close = matching(l, open);
                if (close > 0) {
                    String cond = l.substring(open + 1, close);
                    if (cond.equals("reset")) {
                        resetDepth = before + 1;
                        continue;
                    }
                    sites.add(new Mutant(file, n, open, "cond", "(" + cond + ")", "(!(" + cond + "))"));
                    expression(sites, file, n, l, open + 1, close, false);
                }
                continue;
            }
            Matcher st = STATEMENT.matcher(l);
            if (st.matches()) {
                boolean reset = resetDepth >= 0;
                int rhs = st.start(4);
                int end = st.end(4);
                String stmt = l.substring(st.start(2), l.lastIndexOf(';') + 1);
                sites.add(new Mutant(file, n, st.start(2), "drop", stmt, ";"));
                expression(sites, file, n, l, rhs, end, reset);
            }
        }
        return sites;
    }

    /** The sites in {@code l[from, to)}: operators, constants (reset values under reset), ternaries. */
    private static void expression(List<Mutant> sites, String file, int n, String l, int from, int to, boolean reset) {
        int bracket = 0;
        for (int c = from; c < to; c++) {
            char ch = l.charAt(c);
            if (ch == '[') {
                bracket++;
            } else if (ch == ']') {
                bracket--;
            }
            if (bracket > 0) {
                continue;
            }
            if (ch == '?' && l.charAt(c - 1) == ' ') {
                ternary(sites, file, n, l, c);
                continue;
            }
            if (ch == ' ' && c > from && operandEnd(l.charAt(c - 1))) {
                for (String[] op : BINARY) {
                    String pat = " " + op[0] + " ";
                    if (l.startsWith(pat, c)) {
                        sites.add(new Mutant(file, n, c + 1, op[2], op[0], op[1]));
                        break;
                    }
                }
            }
            if (Character.isDigit(ch) && (c == 0 || !Character.isLetterOrDigit(l.charAt(c - 1)) && l.charAt(c - 1) != '_')) {
                Matcher m = LITERAL.matcher(l).region(c, to);
                if (m.lookingAt()) {
                    constant(sites, file, n, c, m, reset);
                    c = m.end() - 1;
                }
            }
        }
    }

    private static void constant(List<Mutant> sites, String file, int n, int c, Matcher m, boolean reset) {
        int width = Integer.parseInt(m.group(1));
        if (width > 62) {
            return;
        }
        int radix = switch (m.group(2)) {
            case "b" -> 2;
            case "h" -> 16;
            default -> 10;
        };
        long v = Long.parseLong(m.group(3).replace("_", ""), radix);
        long mask = (1L << width) - 1;
        String orig = m.group();
        if (reset) {
            sites.add(new Mutant(file, n, c, "reset", orig, literal(width, (v ^ 1) & mask)));
            return;
        }
        sites.add(new Mutant(file, n, c, "const", orig, literal(width, (v + 1) & mask)));
        if (width > 1) {
            sites.add(new Mutant(file, n, c, "const", orig, literal(width, (v - 1) & mask)));
        }
    }

    private static String literal(int width, long v) {
        return width + "'h" + Long.toHexString(v);
    }

    /** {@code (c ? a : b)} → {@code (c ? b : a)}; the site is the whole parenthesised ternary. */
    private static void ternary(List<Mutant> sites, String file, int n, String l, int q) {
        int open = -1;
        int d = 0;
        for (int c = q - 1; c >= 0; c--) {
            char ch = l.charAt(c);
            if (ch == ')' || ch == ']' || ch == '}') {
                d++;
            } else if (ch == '(' || ch == '[' || ch == '{') {
                if (d == 0) {
                    open = ch == '(' ? c : -1;
                    break;
                }
                d--;
            }
        }
        if (open < 0) {
            return;
        }
        int close = matching(l, open);
        int colon = -1;
        d = 0;
        for (int c = q + 1; c < close; c++) {
            char ch = l.charAt(c);
            if (ch == '(' || ch == '[' || ch == '{') {
                d++;
            } else if (ch == ')' || ch == ']' || ch == '}') {
                d--;
            } else if (ch == '?' && d == 0) {
                return; // a nested ternary without parentheses: not SpinalHDL's style
            } else if (ch == ':' && d == 0) {
                colon = c;
                break;
            }
        }
        if (close < 0 || colon < 0) {
            return;
        }
        String whole = l.substring(open, close + 1);
        String cond = l.substring(open + 1, q).strip();
        String a = l.substring(q + 1, colon).strip();
        String b = l.substring(colon + 1, close).strip();
        sites.add(new Mutant(file, n, open, "ternary", whole, "(" + cond + " ? " + b + " : " + a + ")"));
    }

    /** Index of the parenthesis closing the one at {@code open}, or -1. */
    private static int matching(String l, int open) {
        int d = 0;
        for (int c = open; c < l.length(); c++) {
            if (l.charAt(c) == '(') {
                d++;
            } else if (l.charAt(c) == ')' && --d == 0) {
                return c;
            }
        }
        return -1;
    }

    private static boolean operandEnd(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ')' || c == ']' || c == '}';
    }

    private static int count(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int k = 0;
        while (m.find()) {
            k++;
        }
        return k;
    }

    /** {@code text} with {@code m} applied; throws if the site's text is not where the mutant says. */
    static String apply(String text, Mutant m) {
        String[] lines = text.split("\n", -1);
        String l = lines[m.line() - 1];
        if (!l.startsWith(m.original(), m.column())) {
            throw new IllegalStateException("site " + m.key() + " does not hold '" + m.original() + "'");
        }
        lines[m.line() - 1] = l.substring(0, m.column()) + m.replacement() + l.substring(m.column() + m.original().length());
        return String.join("\n", lines);
    }

    /** {@code budget} sites drawn without replacement, deterministic in {@code seed}; all if the budget covers them. */
    static List<Mutant> sample(List<Mutant> sites, int budget, long seed) {
        List<Mutant> all = new ArrayList<>(sites);
        all.sort(Comparator.comparing(Mutant::file).thenComparingInt(Mutant::line).thenComparingInt(Mutant::column)
                .thenComparing(Mutant::operator).thenComparing(Mutant::replacement));
        java.util.Collections.shuffle(all, new Random(seed));
        return all.subList(0, Math.min(budget, all.size()));
    }
}
