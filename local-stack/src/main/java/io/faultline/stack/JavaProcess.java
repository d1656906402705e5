package io.faultline.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One child JVM (broker, storage formatter or registry) with its output in a log file.
 *
 * <p>Attached processes run their main class through {@link ParentWatch} so they die with this
 * JVM. Detached ones are started through {@code setsid} (when present) in their own session with
 * stdin from {@code /dev/null}, so closing the terminal or exiting the CLI that started them does
 * not reach them; {@link #stop(ProcessHandle, Duration)} stops them later by pid.
 */
final class JavaProcess {

  /** Marks the processes of one stack in their command line, so `stack down` never kills a stranger. */
  static final String STACK_MARKER_PROPERTY = "faultline.stack";

  private final String name;
  private final Process process;
  private final Path log;

  private JavaProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code java JVM_OPTIONS -cp CLASSPATH MAIN ARGS}.
   *
   * @param marker the stack's data directory, recorded as {@code -Dfaultline.stack=...}
   */
  static JavaProcess start(String name, List<String> jvmOptions, String classpath, String mainClass,
      List<String> args, Map<String, String> env, Path log, boolean detached, String marker) {
    List<String> cmd = new ArrayList<>();
    if (detached && new File("/usr/bin/setsid").canExecute()) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.add(javaExecutable());
    cmd.addAll(jvmOptions);
    cmd.add("-D" + STACK_MARKER_PROPERTY + "=" + marker);
    if (detached) {
      cmd.add("-cp");
      cmd.add(classpath);
      cmd.add(mainClass);
    } else {
      cmd.add("-cp");
      cmd.add(classpath + File.pathSeparator + ownLocation());
      cmd.add(ParentWatch.class.getName());
      cmd.add(mainClass);
    }
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (detached) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    pb.environment().putAll(env);
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(log, "[faultline] " + String.join(" ", cmd) + System.lineSeparator(),
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      return new JavaProcess(name, pb.start(), log);
    } catch (IOException e) {
      throw new StackException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /** Runs a short-lived tool to completion and fails with its output if it does not exit 0. */
  static void run(String name, List<String> jvmOptions, String classpath, String mainClass,
      List<String> args, Path log, Duration timeout, String marker) {
    JavaProcess p = start(name, jvmOptions, classpath, mainClass, args, Map.of(), log, false, marker);
    try {
      if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.stop(Duration.ofSeconds(5));
        throw new StackException(name + " did not finish within " + timeout.toSeconds() + "s" + p.logTail());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.stop(Duration.ofSeconds(5));
      throw new StackException("interrupted while running " + name, e);
    }
    if (p.process.exitValue() != 0) {
      throw new StackException(name + " failed with exit code " + p.process.exitValue() + p.logTail());
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** Fails with the log tail if the process has exited. */
  void checkAlive() {
    if (!process.isAlive()) {
      throw new StackException(name + " exited with code " + process.exitValue() + " while starting" + logTail());
    }
  }

  /** SIGTERM, then SIGKILL after {@code grace}; returns once the process is gone. */
  void stop(Duration grace) {
    stop(process.toHandle(), grace);
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // Only releases our end of the stdin pipe.
    }
  }

  /** SIGTERM, then SIGKILL after {@code grace}; true once the process is gone. */
  static boolean stop(ProcessHandle handle, Duration grace) {
    if (!handle.isAlive()) {
      return true;
    }
    handle.destroy();
    try {
      handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      handle.destroyForcibly();
      try {
        handle.onExit().get(10, TimeUnit.SECONDS);
        return true;
      } catch (Exception again) {
        return !handle.isAlive();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handle.destroyForcibly();
      return !handle.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !handle.isAlive();
    }
  }

  /** The last lines of the log, prefixed for an error message. */
  String logTail() {
    return tail(log, 40);
  }

  static String tail(Path log, int lines) {
    try {
      if (!Files.exists(log)) {
        return "";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
      return System.lineSeparator() + "--- last lines of " + log + " ---" + System.lineSeparator()
          + String.join(System.lineSeparator(), last);
    } catch (IOException | UncheckedIOException e) {
      return " (log " + log + " unreadable: " + e.getMessage() + ")";
    }
  }

  static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The classes directory or jar holding this module, for the child's classpath. */
  static String ownLocation() {
    try {
      return Path.of(JavaProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      throw new StackException("cannot locate the local-stack classes: " + e.getMessage(), e);
    }
  }
}
