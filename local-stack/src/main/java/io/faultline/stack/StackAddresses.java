package io.faultline.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Where a stack started by {@code ./faultline stack up} answers, as written to
 * {@code $FAULTLINE_HOME/stack/addresses} (Java properties: {@code bootstrap.servers},
 * {@code registry.url}). Other CLIs read it to default their connection settings.
 */
public record StackAddresses(String bootstrapServers, String registryUrl) {

  public static final String FILE_NAME = "addresses";

  /** The addresses of the stack under {@code faultlineHome}, if one was started there. */
  public static Optional<StackAddresses> read(Path faultlineHome) {
    Path file = faultlineHome.resolve(StackCli.STACK_DIR).resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    String bootstrap = p.getProperty("bootstrap.servers");
    String registry = p.getProperty("registry.url");
    return bootstrap == null || registry == null ? Optional.empty() : Optional.of(new StackAddresses(bootstrap, registry));
  }

  void write(Path stackDir) {
    // Plain key=value lines (no Properties escaping) so shells can read them too.
    String text = "# Written by ./faultline stack up\n"
        + "bootstrap.servers=" + bootstrapServers + "\n"
        + "registry.url=" + registryUrl + "\n";
    Path tmp = stackDir.resolve(FILE_NAME + ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + tmp, e);
    }
    try {
      Files.move(tmp, stackDir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + stackDir.resolve(FILE_NAME), e);
    }
  }
}
