package org.chiltepin.gen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.chiltepin.hw.ConfigException;

/**
 * Output paths of the CLI: checked before any work starts (a folder or file that cannot be
 * written is a one-line error and exit 2, not a stack trace after a long run), and staging
 * folders that are removed however the command ends, Ctrl-C included.
 */
final class Outputs {
    /** Staging folders of this process, removed by a shutdown hook if the command is interrupted. */
    private static final Set<Path> STAGING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STAGING.forEach(Outputs::deleteQuietly)));
    }

    private Outputs() {
    }

    /**
     * {@code dir} can be created or written as a folder: it is a folder or absent, the nearest
     * existing ancestor is a writable folder.
     */
    static void checkDirectory(String option, Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new ConfigException(option, "must be a folder, not a file", dir);
        }
        checkAncestor(option, dir, Files.exists(abs) ? abs : abs.getParent());
    }

    /** {@code file} can be written: not a folder, not read-only, and its folder can be created or written. */
    static void checkFile(String option, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new ConfigException(option, "must be a file, not a folder", file);
        }
        if (Files.exists(abs) && !Files.isWritable(abs)) {
            throw new ConfigException(option, "must be a writable file", file);
        }
        checkAncestor(option, file, abs.getParent());
    }

    private static void checkAncestor(String option, Path given, Path from) {
        Path p = from;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return;
        }
        if (!Files.isDirectory(p)) {
            throw new ConfigException(option, "must be under a folder, but " + p + " is a file", given);
        }
        if (!Files.isWritable(p)) {
            throw new ConfigException(option, "must be under a writable folder, but " + p + " is not writable", given);
        }
    }

    /**
     * A new hidden folder beside {@code target} (same file system, so its files move into place
     * atomically), removed on {@link #release} or when the process is interrupted.
     */
    static Path staging(Path target) throws IOException {
        Path parent = target.toAbsolutePath().normalize().getParent();
        Files.createDirectories(parent);
        Path s = Files.createTempDirectory(parent, "." + target.getFileName() + ".staging-");
        STAGING.add(s);
        return s;
    }

    /** Removes a staging folder (what is left of it). */
    static void release(Path staging) {
        deleteQuietly(staging);
        STAGING.remove(staging);
    }

    /** Removes a file or folder tree; what cannot be removed stays. */
    static void deleteQuietly(Path root) {
        if (root == null) {
            return;
        }
        try {
            deleteTree(root);
        } catch (IOException | UncheckedIOException e) {
            // best effort: this runs on the way out
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** True if {@code dir} is absent or holds nothing. */
    static boolean isEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
