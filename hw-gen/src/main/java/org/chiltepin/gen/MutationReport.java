package org.chiltepin.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.chiltepin.gen.MutateCommand.Outcome;
import org.chiltepin.gen.MutationSites.Mutant;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * What {@code chiltepin mutate} reports (the figures of YosysHQ's mcy): killed, survived, invalid
 * and error counts, the score killed / (killed + survived) for the block and per file, and each
 * survivor with its site, the mutation and two reproduce commands (the mutant again through
 * {@code mutate --only}, and its kept RTL through the cocotb runner with a waveform).
 */
record MutationReport(String block, String config, String command, List<Outcome> results, double wallSeconds,
        Function<Mutant, String> reproduce, Function<Mutant, String> cocotbReproduce) {

    long count(String status) {
        return results.stream().filter(r -> r.status().equals(status)).count();
    }

    /** Percent of the valid mutants (killed or survived) that were killed; 100 when there are none. */
    double score() {
        return score(results);
    }

    private static double score(List<Outcome> rs) {
        long k = rs.stream().filter(r -> r.status().equals("KILLED")).count();
        long s = rs.stream().filter(r -> r.status().equals("SURVIVED")).count();
        return k + s == 0 ? 100.0 : 100.0 * k / (k + s);
    }

    static String percent(double x) {
        return String.format(Locale.ROOT, "%.1f %%", x);
    }

    private Map<String, List<Outcome>> byFile() {
        Map<String, List<Outcome>> m = new LinkedHashMap<>();
        for (Outcome r : results) {
            m.computeIfAbsent(r.mutant().file(), f -> new java.util.ArrayList<>()).add(r);
        }
        return m;
    }

    private static String counts(List<Outcome> rs) {
        long k = rs.stream().filter(r -> r.status().equals("KILLED")).count();
        long s = rs.stream().filter(r -> r.status().equals("SURVIVED")).count();
        long i = rs.stream().filter(r -> r.status().equals("INVALID")).count();
        long e = rs.stream().filter(r -> r.status().equals("ERROR")).count();
        return String.format(Locale.ROOT, "%d/%d killed = %s (%d invalid%s)", k, k + s, percent(score(rs)), i,
                e > 0 ? ", " + e + " errors" : "");
    }

    private List<Outcome> survivors() {
        return results.stream().filter(r -> r.status().equals("SURVIVED")).toList();
    }

    /** The console summary: per file, the survivors, the errors, the block's score line. */
    void print(PrintWriter o) {
        byFile().forEach((f, rs) -> o.printf("  file        %-28s %s%n", f, counts(rs)));
        for (Outcome r : survivors()) {
            o.printf("  SURVIVED    %s%n    reproduce: %s%n    cocotb:    %s%n", r.mutant().describe(),
                    reproduce.apply(r.mutant()), cocotbReproduce.apply(r.mutant()));
        }
        results.stream().filter(r -> r.status().equals("ERROR"))
                .forEach(r -> o.printf("  ERROR       %s: %s%n", r.mutant().describe(), r.detail()));
        o.printf("mutation score %s %s: %s%n", block, config, counts(results));
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Mutation testing: ").append(block).append(' ').append(config).append("\n\n");
        b.append("Command: `").append(command).append("`  \nWall time: ")
                .append(String.format(Locale.ROOT, "%.1f s", wallSeconds)).append("\n\n");
        b.append("**Score: ").append(counts(results)).append("**\n\n");
        b.append("| file | killed | survived | invalid | score |\n|---|---:|---:|---:|---:|\n");
        byFile().forEach((f, rs) -> b.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s |%n", f,
                rs.stream().filter(r -> r.status().equals("KILLED")).count(),
                rs.stream().filter(r -> r.status().equals("SURVIVED")).count(),
                rs.stream().filter(r -> r.status().equals("INVALID")).count(), percent(score(rs)))));
        b.append("\n## Survivors\n\n");
        if (survivors().isEmpty()) {
            b.append("None.\n");
        }
        for (Outcome r : survivors()) {
            Mutant m = r.mutant();
            b.append("- `").append(m.file()).append(':').append(m.line()).append("` ").append(m.operator()).append(": `")
                    .append(m.original().strip()).append("` → `").append(m.replacement().strip()).append("`  \n  reproduce: `")
                    .append(reproduce.apply(m)).append("`  \n  cocotb: `").append(cocotbReproduce.apply(m)).append("`\n");
        }
        b.append("\n## Every mutant\n\n| site | operator | mutation | result | detail |\n|---|---|---|---|---|\n");
        for (Outcome r : results) {
            Mutant m = r.mutant();
            b.append(String.format("| `%s:%d` | %s | `%s` → `%s` | %s | %s |%n", m.file(), m.line(), m.operator(),
                    cell(m.original()), cell(m.replacement()), r.status(), cell(r.detail())));
        }
        return b.toString();
    }

    private static String cell(String s) {
        String t = s.strip().replace("|", "\\|").replace("`", "'");
        return t.length() <= 120 ? t : t.substring(0, 117) + "...";
    }

    /** One testcase per mutant: a survivor is a failure (with its reproduce commands), an invalid mutant skipped. */
    void writeJUnit(Path file) throws IOException {
        try {
            Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            Element ts = d.createElement("testsuite");
            ts.setAttribute("name", "chiltepin.mutate." + block + "." + config);
            ts.setAttribute("tests", Integer.toString(results.size()));
            ts.setAttribute("failures", Long.toString(count("SURVIVED")));
            ts.setAttribute("errors", Long.toString(count("ERROR")));
            ts.setAttribute("skipped", Long.toString(count("INVALID")));
            ts.setAttribute("time", String.format(Locale.ROOT, "%.3f", wallSeconds));
            d.appendChild(ts);
            for (Outcome r : results) {
                Mutant m = r.mutant();
                Element tc = d.createElement("testcase");
                tc.setAttribute("classname", "chiltepin.mutate." + block + "." + m.file());
                tc.setAttribute("name", m.key());
                tc.setAttribute("time", String.format(Locale.ROOT, "%.3f", r.seconds()));
                Element child = switch (r.status()) {
                    case "SURVIVED" -> d.createElement("failure");
                    case "INVALID" -> d.createElement("skipped");
                    case "ERROR" -> d.createElement("error");
                    default -> null;
                };
                if (child != null) {
                    child.setAttribute("message", (r.status().equals("SURVIVED") ? "survived: " : "") + m.describe() + "; "
                            + r.detail());
                    if (r.status().equals("SURVIVED")) {
                        child.setTextContent("reproduce: " + reproduce.apply(m) + "\ncocotb: " + cocotbReproduce.apply(m));
                    }
                    tc.appendChild(child);
                }
                ts.appendChild(tc);
            }
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.transform(new DOMSource(d), new StreamResult(file.toFile()));
        } catch (ParserConfigurationException | TransformerException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
