package org.chiltepin.gen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive use of a simulation workspace ({@code --work}) for one build and run: SpinalSim
 * writes every model's Verilog into the workspace's {@code rtl} folder and builds there, so two
 * runs at once would break each other's Verilator build. A second run waits for the first (and
 * says so on stderr); runs in different workspaces do not wait. The lock is the operating
 * system's (a file lock on {@code WORK/.chiltepin.lock}): it ends with the process that held it.
 */
final class WorkspaceLock implements AutoCloseable {
    static final String FILE = ".chiltepin.lock";

    /** Within one process (tests run commands in threads) the file lock cannot wait: this does. */
    private static final java.util.Map<Path, java.util.concurrent.Semaphore> LOCAL = new java.util.concurrent.ConcurrentHashMap<>();

    private final FileChannel channel;
    private final FileLock lock;
    private final java.util.concurrent.Semaphore local;

    private WorkspaceLock(FileChannel channel, FileLock lock, java.util.concurrent.Semaphore local) {
        this.channel = channel;
        this.lock = lock;
        this.local = local;
    }

    /** Waits until {@code work} is free, then holds it; {@code err} (null: silent) hears about the wait. */
    static WorkspaceLock acquire(Path work, String what, PrintWriter err) throws IOException {
        Files.createDirectories(work);
        Path file = work.resolve(FILE);
        var local = LOCAL.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new java.util.concurrent.Semaphore(1));
        boolean waited = !local.tryAcquire();
        if (waited) {
            if (err != null) {
                err.printf("chiltepin: waiting for the workspace %s, in use by another run of this process%n", work);
                err.flush();
            }
            local.acquireUninterruptibly();
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            local.release();
            throw e;
        }
        try {
            FileLock l = ch.tryLock();
            if (l == null) {
                if (err != null) {
                    String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
                    err.printf("chiltepin: waiting for the workspace %s, in use by %s%n", work,
                            holder.isEmpty() ? "another run" : holder);
                    err.flush();
                }
                l = ch.lock();
            }
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " (" + what + ")\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            return new WorkspaceLock(ch, l, local);
        } catch (IOException | RuntimeException e) {
            ch.close();
            local.release();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
            local.release();
        }
    }
}
