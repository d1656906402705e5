package io.faultline.stack;

/**
 * Test helper run as a separate JVM: starts an attached stack, prints the two pids, then waits
 * to be killed. The test kills it with SIGKILL to check that the children follow it.
 */
public final class AttachedStackMain {
  private AttachedStackMain() {}

  public static void main(String[] args) throws InterruptedException {
    LocalStack stack = LocalStack.start(StackOptions.defaults());
    System.out.println("PIDS " + stack.brokerPid().getAsLong() + " " + stack.registryPid().getAsLong()
        + " " + stack.dataDir());
    System.out.flush();
    Thread.currentThread().join();
  }
}
