package org.chiltepin.hdl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the names a reader of emitted Verilog cannot follow: SpinalHDL's anonymous
 * {@code _zz_…} names, and names made of a Java file and line ({@code when_GemmEngine_l1042},
 * {@code switch_Foo_l12}), which change with every edit of the Java source. Names are counted
 * distinct per file and summed over the files of a block; rates are per 1 000 lines.
 */
public final class VerilogNames {
    /** An anonymous name. */
    public static final Pattern ANONYMOUS = Pattern.compile("\\b_zz_\\w+");
    /** A name derived from a Java line: {@code when_File_lNNN} or {@code switch_File_lNNN}, with any prefix or suffix. */
    public static final Pattern LINE_NUMBER = Pattern.compile("\\b\\w*(?:when|switch)_[A-Za-z0-9]+_l\\d+\\w*");

    private VerilogNames() {
    }

    /** The counts of one block's Verilog. */
    public record Count(int files, long lines, int anonymous, int lineNumber, Set<String> lineNumberNames) {
        public double anonymousPer1000() {
            return lines == 0 ? 0 : anonymous * 1000.0 / lines;
        }

        public double lineNumberPer1000() {
            return lines == 0 ? 0 : lineNumber * 1000.0 / lines;
        }
    }

    /** Counts the names in {@code files}. */
    public static Count of(List<Path> files) {
        long lines = 0;
        int anonymous = 0;
        int lineNumber = 0;
        Set<String> lineNames = new TreeSet<>();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            lines += text.lines().count();
            anonymous += distinct(text, ANONYMOUS).size();
            Set<String> ln = distinct(text, LINE_NUMBER);
            lineNumber += ln.size();
            lineNames.addAll(ln);
        }
        return new Count(files.size(), lines, anonymous, lineNumber, lineNames);
    }

    /** The distinct matches of {@code pattern} in {@code text}. */
    public static Set<String> distinct(String text, Pattern pattern) {
        Set<String> found = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }
}
