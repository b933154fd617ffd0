package org.chiltepin.gen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.chiltepin.gen.RegressCommand.Result;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** The regression's reports: JUnit XML (one testcase per entry), Markdown and HTML summaries. */
record RegressReport(String command, List<Result> results, int matrixSize, int shardIndex, int shardCount, int jobs,
        double wallSeconds, Map<String, Coverage.Summary> coverage, Instant started) {

    long failures() {
        return results.stream().filter(r -> r.status().equals("FAIL")).count();
    }

    long errors() {
        return results.stream().filter(r -> r.status().equals("ERROR")).count();
    }

    Set<String> simulators() {
        Set<String> s = new LinkedHashSet<>();
        for (Result r : results) {
            if (!r.simulator().isEmpty()) {
                s.add(r.entry().suite() + ": " + r.simulator());
            }
        }
        return s;
    }

    /** JUnit XML: suite per block-config-suite, testcase per seed; failures carry the reproduce command. */
    void writeJUnit(Path file) throws IOException {
        try {
            Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
            Element suites = d.createElement("testsuites");
            suites.setAttribute("name", "chiltepin-regress");
            suites.setAttribute("tests", Integer.toString(results.size()));
            suites.setAttribute("failures", Long.toString(failures()));
            suites.setAttribute("errors", Long.toString(errors()));
            suites.setAttribute("time", String.format(Locale.ROOT, "%.3f", wallSeconds));
            d.appendChild(suites);
            Map<String, List<Result>> bySuite = new java.util.LinkedHashMap<>();
            for (Result r : results) {
                var e = r.entry();
                bySuite.computeIfAbsent("chiltepin." + e.block() + "." + e.config() + "." + e.suite(), k -> new ArrayList<>())
                        .add(r);
            }
            for (var g : bySuite.entrySet()) {
                Element ts = d.createElement("testsuite");
                ts.setAttribute("name", g.getKey());
                ts.setAttribute("tests", Integer.toString(g.getValue().size()));
                ts.setAttribute("failures", Long.toString(g.getValue().stream().filter(r -> r.status().equals("FAIL")).count()));
                ts.setAttribute("errors", Long.toString(g.getValue().stream().filter(r -> r.status().equals("ERROR")).count()));
                ts.setAttribute("time", String.format(Locale.ROOT, "%.3f", g.getValue().stream().mapToDouble(Result::seconds).sum()));
                ts.setAttribute("timestamp", started.toString());
                for (Result r : g.getValue()) {
                    Element tc = d.createElement("testcase");
                    tc.setAttribute("classname", g.getKey());
                    tc.setAttribute("name", "seed" + r.entry().seed());
                    tc.setAttribute("time", String.format(Locale.ROOT, "%.3f", r.seconds()));
                    if (!r.passed()) {
                        Element f = d.createElement(r.status().equals("FAIL") ? "failure" : "error");
                        f.setAttribute("message", r.message());
                        f.setTextContent("reproduce: " + r.reproduce() + "\nwaveform: " + (r.wave() == null ? "(none)" : r.wave())
                                + "\nlog: " + r.log());
                        tc.appendChild(f);
                    }
                    Element so = d.createElement("system-out");
                    so.setTextContent(tail(r.log(), 40));
                    tc.appendChild(so);
                    ts.appendChild(tc);
                }
                suites.appendChild(ts);
            }
            var t = TransformerFactory.newInstance().newTransformer();
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.transform(new DOMSource(d), new StreamResult(file.toFile()));
        } catch (ParserConfigurationException | TransformerException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String tail(Path log, int n) {
        try {
            List<String> l = Files.readAllLines(log);
            return String.join("\n", l.subList(Math.max(0, l.size() - n), l.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private String verdict() {
        return failures() + errors() == 0 ? "PASS" : "FAIL";
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Chiltepin regression: ").append(verdict()).append("\n\n");
        b.append("- command: `").append(command).append("`\n");
        b.append("- started: ").append(started).append(", wall time ").append(RegressCommand.Progress.clock(wallSeconds))
                .append(String.format(Locale.ROOT, " (%.1f s)", wallSeconds)).append(", ").append(jobs).append(" jobs\n");
        b.append("- shard ").append(shardIndex).append('/').append(shardCount).append(": ").append(results.size())
                .append(" of ").append(matrixSize).append(" matrix entries; ")
                .append(results.size() - failures() - errors()).append(" passed, ").append(failures()).append(" failed, ")
                .append(errors()).append(" errors\n");
        for (String s : simulators()) {
            b.append("- simulator ").append(s).append('\n');
        }
        b.append("\n| block | config | seed | suite | result | time (s) |\n| --- | --- | ---: | --- | --- | ---: |\n");
        for (Result r : results) {
            var e = r.entry();
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %.1f |%n", e.block(), e.config(), e.seed(),
                    e.suite(), r.passed() ? "PASS" : "**" + r.status() + "**", r.seconds()));
        }
        if (!coverage.isEmpty()) {
            b.append("\n## Coverage (Verilator line and toggle, co-simulations merged)\n\n");
            b.append("| block-config | line | toggle |\n| --- | ---: | ---: |\n");
            coverage.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v.line()).append(" | ")
                    .append(v.toggle()).append(" |\n"));
            b.append("\nMerged `.dat` files and annotated sources: `coverage/` (`verilator_coverage --annotate`).\n");
        }
        List<Result> failed = results.stream().filter(r -> !r.passed()).toList();
        if (!failed.isEmpty()) {
            b.append("\n## Failures\n");
            for (Result r : failed) {
                b.append("\n### ").append(r.entry().id()).append(" — ").append(r.status()).append("\n\n");
                b.append("- first failure: ").append(r.message().replace("|", "\\|")).append('\n');
                b.append("- reproduce: `").append(r.reproduce()).append("`\n");
                b.append("- waveform: ").append(r.wave() == null ? "(none)" : "`" + r.wave() + "`").append('\n');
                b.append("- log: `").append(r.log()).append("`\n");
            }
        }
        return b.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    String html() {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Chiltepin regression: ").append(verdict())
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #bbb;padding:3px 8px;text-align:left}td.n{text-align:right}"
                        + ".PASS{background:#d8f5d0}.FAIL,.ERROR{background:#f8d0d0}code{background:#eee;padding:1px 3px}"
                        + "</style></head><body>\n");
        b.append("<h1>Chiltepin regression: <span class=\"").append(verdict()).append("\">").append(verdict())
                .append("</span></h1>\n<ul>\n");
        b.append("<li>command: <code>").append(esc(command)).append("</code></li>\n");
        b.append("<li>started ").append(started).append(", wall time ").append(RegressCommand.Progress.clock(wallSeconds))
                .append(", ").append(jobs).append(" jobs</li>\n");
        b.append("<li>shard ").append(shardIndex).append('/').append(shardCount).append(": ").append(results.size())
                .append(" of ").append(matrixSize).append(" entries; ").append(failures()).append(" failed, ")
                .append(errors()).append(" errors</li>\n");
        for (String s : simulators()) {
            b.append("<li>simulator ").append(esc(s)).append("</li>\n");
        }
        b.append("</ul>\n<table><tr><th>block</th><th>config</th><th>seed</th><th>suite</th><th>result</th><th>time (s)</th>"
                + "<th>reproduce</th><th>waveform</th></tr>\n");
        for (Result r : results) {
            var e = r.entry();
            b.append("<tr><td>").append(e.block()).append("</td><td>").append(e.config()).append("</td><td class=\"n\">")
                    .append(e.seed()).append("</td><td>").append(e.suite()).append("</td><td class=\"").append(r.status())
                    .append("\">").append(r.status()).append("</td><td class=\"n\">")
                    .append(String.format(Locale.ROOT, "%.1f", r.seconds())).append("</td><td>")
                    .append(r.passed() ? "" : "<code>" + esc(r.reproduce()) + "</code><br>" + esc(r.message()))
                    .append("</td><td>").append(r.wave() == null ? "" : esc(r.wave().toString())).append("</td></tr>\n");
        }
        b.append("</table>\n");
        if (!coverage.isEmpty()) {
            b.append("<h2>Coverage (Verilator line and toggle, co-simulations merged)</h2>\n<table><tr><th>block-config</th>"
                    + "<th>line</th><th>toggle</th></tr>\n");
            coverage.forEach((k, v) -> b.append("<tr><td>").append(esc(k)).append("</td><td class=\"n\">").append(v.line())
                    .append("</td><td class=\"n\">").append(v.toggle()).append("</td></tr>\n"));
            b.append("</table>\n");
        }
        b.append("</body></html>\n");
        return b.toString();
    }
}
