package io.faultline.processor.api;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Fans incident changes out to the connected SSE clients. Each client has a bounded queue; a
 * client too slow to keep up is cut off (its browser reconnects and starts again from a fresh
 * snapshot) rather than slowing everyone down or growing memory without bound.
 */
public final class IncidentBroadcaster {

  private final int queueCapacity;
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();

  public IncidentBroadcaster(int queueCapacity) {
    this.queueCapacity = queueCapacity;
  }

  public Subscription subscribe() {
    Subscription s = new Subscription(this, queueCapacity);
    subscriptions.add(s);
    return s;
  }

  public void publish(Views.Incident incident) {
    for (Subscription s : subscriptions) {
      if (!s.queue.offer(incident)) {
        s.overflowed = true;
      }
    }
  }

  public int subscribers() {
    return subscriptions.size();
  }

  /** One client's view of the stream. */
  public static final class Subscription implements AutoCloseable {
    private final IncidentBroadcaster owner;
    private final BlockingQueue<Views.Incident> queue;
    private volatile boolean overflowed;

    private Subscription(IncidentBroadcaster owner, int capacity) {
      this.owner = owner;
      this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** The next change, or null after {@code timeoutMs} without one. */
    public Views.Incident next(long timeoutMs) throws InterruptedException {
      return queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** True once a change was dropped because this client fell behind. */
    public boolean overflowed() {
      return overflowed;
    }

    @Override
    public void close() {
      owner.subscriptions.remove(this);
    }
  }
}
