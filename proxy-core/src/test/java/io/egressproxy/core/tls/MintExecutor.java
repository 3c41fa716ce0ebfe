package io.egressproxy.core.tls;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mint executor for tests: threads named {@code test-mint-N}, records which thread ran each task,
 * and can hold tasks until {@link #release()} so a mint stays in flight. Thread-safe; close it to
 * stop its threads.
 */
final class MintExecutor implements Executor, AutoCloseable {
  static final String THREAD_PREFIX = "test-mint-";

  private final AtomicInteger threads = new AtomicInteger();
  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          2,
          task -> {
            Thread thread = new Thread(task, THREAD_PREFIX + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });
  private final CountDownLatch gate;
  private final List<String> ranOn = new CopyOnWriteArrayList<>();

  private MintExecutor(boolean held) {
    gate = new CountDownLatch(held ? 1 : 0);
  }

  static MintExecutor running() {
    return new MintExecutor(false);
  }

  /** Tasks wait until {@link #release()}. */
  static MintExecutor held() {
    return new MintExecutor(true);
  }

  void release() {
    gate.countDown();
  }

  /** Names of the threads that ran tasks, in order. */
  List<String> ranOn() {
    return List.copyOf(ranOn);
  }

  @Override
  public void execute(Runnable command) {
    pool.execute(
        () -> {
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          ranOn.add(Thread.currentThread().getName());
          command.run();
        });
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
