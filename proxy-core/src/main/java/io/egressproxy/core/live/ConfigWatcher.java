package io.egressproxy.core.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

/**
 * Reloads when the config file changes: watches its directory on a daemon thread of its own (never
 * an event loop) and calls {@code reload} once the file has been quiet for a moment, so an editor's
 * several writes make one reload. A failed reload is the reload's business (it keeps the old config).
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
    private static final long QUIET_MILLIS = 300;

    private final WatchService watcher;
    private final Thread thread;

    public ConfigWatcher(Path configFile, Runnable reload) throws IOException {
        Path file = configFile.toAbsolutePath();
        Path dir = file.getParent();
        this.watcher = FileSystems.getDefault().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE);
        this.thread = new Thread(() -> loop(file, reload), "egress-proxy-config-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(Path file, Runnable reload) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean ours = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    ours |= event.context() instanceof Path p && p.equals(file.getFileName());
                }
                key.reset();
                if (!ours) {
                    continue;
                }
                // Wait until the writes stop, then reload once.
                WatchKey more;
                while ((more = watcher.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                log.info("config file {} changed; reloading", file);
                reload.run();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
        thread.interrupt();
    }
}
