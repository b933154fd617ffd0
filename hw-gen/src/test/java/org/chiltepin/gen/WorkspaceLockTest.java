package org.chiltepin.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two runs in one workspace: the second waits for the first and says so; another workspace does not wait. */
class WorkspaceLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondRunWaitsForTheFirstAndSaysSo() throws Exception {
        Path work = dir.resolve("work");
        List<String> order = new CopyOnWriteArrayList<>();
        StringWriter heard = new StringWriter();
        CountDownLatch started = new CountDownLatch(1);
        Thread second;
        try (WorkspaceLock first = WorkspaceLock.acquire(work, "first", null)) {
            order.add("first holds");
            assertTrue(Files.readString(work.resolve(WorkspaceLock.FILE)).startsWith("pid " + ProcessHandle.current().pid()));
            second = new Thread(() -> {
                started.countDown();
                try (WorkspaceLock l = WorkspaceLock.acquire(work, "second", new PrintWriter(heard, true))) {
                    order.add("second holds");
                } catch (Exception e) {
                    order.add("second failed: " + e);
                }
            });
            second.start();
            started.await();
            // Another workspace is free meanwhile.
            try (WorkspaceLock other = WorkspaceLock.acquire(dir.resolve("other"), "other", null)) {
                order.add("other holds");
            }
            // The second cannot hold the workspace before the first lets go: wait until it is
            // waiting (it says so), then let go.
            while (!heard.toString().contains("waiting for the workspace")) {
                Thread.onSpinWait();
            }
            order.add("first lets go");
        }
        second.join();
        assertEquals(List.of("first holds", "other holds", "first lets go", "second holds"), order);
        assertTrue(heard.toString().startsWith("chiltepin: waiting for the workspace " + work), heard.toString());
    }
}
