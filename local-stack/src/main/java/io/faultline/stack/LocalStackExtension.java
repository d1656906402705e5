package io.faultline.stack;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests a real {@link LocalStack}: {@code @ExtendWith(LocalStackExtension.class)}
 * and a {@code LocalStack} parameter (constructor, lifecycle or test method).
 *
 * <p>One stack serves the whole test JVM: it is started on first use, with the Faultline topics
 * created once, and kept in the root context's store, which closes it when the test run ends
 * (JUnit 5.13+ closes {@link AutoCloseable} store values; {@code Store.CloseableResource} is
 * deprecated). Tests share the broker, so each should use its own consumer group ids and, for
 * topics of its own, unique names. A killed test JVM still leaves no process behind (see
 * {@link ParentWatch}).
 */
public final class LocalStackExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalStackExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    stack(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    return parameter.getParameter().getType() == LocalStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    return stack(extension);
  }

  /** The stack of this test JVM, started on first call. */
  public static LocalStack stack(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(SharedStack.class, k -> new SharedStack(), SharedStack.class).get();
  }

  /**
   * Store value: closed by JUnit at the end of the run. A failed start is kept too, so every
   * later test class fails at once with the same reason instead of waiting out another start.
   */
  private static final class SharedStack implements AutoCloseable {
    private final LocalStack stack;
    private final RuntimeException failure;

    SharedStack() {
      LocalStack started = null;
      RuntimeException failed = null;
      try {
        started = LocalStack.start(StackOptions.defaults());
        started.createFaultlineTopics();
      } catch (RuntimeException e) {
        if (started != null) {
          started.close();
          started = null;
        }
        failed = e;
      }
      stack = started;
      failure = failed;
    }

    LocalStack get() {
      if (failure != null) {
        throw new StackException("the local stack of this test run could not start: " + failure.getMessage(), failure);
      }
      return stack;
    }

    @Override
    public void close() {
      if (stack != null) {
        stack.close();
      }
    }
  }
}
