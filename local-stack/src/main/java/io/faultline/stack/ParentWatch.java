package io.faultline.stack;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of an attached child process: {@code ParentWatch MAIN_CLASS ARGS...} runs
 * {@code MAIN_CLASS.main(ARGS)} in this JVM and exits it when the parent goes away.
 *
 * <p>A JVM shutdown hook in the parent covers a normal exit or SIGTERM but not SIGKILL or a crash
 * (a killed surefire fork, say). So the child watches the parent itself, two ways: its stdin is a
 * pipe from the parent and reads end-of-file when the parent dies, whatever killed it; and the
 * parent's {@link ProcessHandle#onExit()} is a second signal in case the pipe was inherited
 * elsewhere. Either one calls {@link System#exit}, which runs the server's own shutdown hook
 * (Kafka's controlled shutdown, Quarkus' stop); if that hangs, the JVM is halted after a grace
 * period.
 */
public final class ParentWatch {

  /** How long the server's own shutdown may take once the parent is gone. */
  static final long SHUTDOWN_GRACE_SECONDS = 20;

  private ParentWatch() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 1) {
      System.err.println("usage: ParentWatch MAIN_CLASS [ARGS...]");
      System.exit(2);
    }
    watch();
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void watch() {
    Thread stdin = new Thread(() -> {
      try (InputStream in = System.in) {
        byte[] buf = new byte[256];
        while (in.read(buf) >= 0) {
          // The parent never writes; anything read is ignored.
        }
      } catch (IOException e) {
        // A broken pipe means the same as end-of-file: the parent is gone.
      }
      exit("stdin closed");
    }, "faultline-parent-watch-stdin");
    stdin.setDaemon(true);
    stdin.start();
    ProcessHandle.current().parent().ifPresent(parent ->
        parent.onExit().thenRun(() -> exit("parent " + parent.pid() + " exited")));
  }

  private static void exit(String why) {
    System.err.println("[faultline] parent gone (" + why + "): shutting down");
    Thread halt = new Thread(() -> {
      try {
        TimeUnit.SECONDS.sleep(SHUTDOWN_GRACE_SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(1);
    }, "faultline-parent-watch-halt");
    halt.setDaemon(true);
    halt.start();
    System.exit(0);
  }
}
