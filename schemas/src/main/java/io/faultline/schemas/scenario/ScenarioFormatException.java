package io.faultline.schemas.scenario;

/** A scenario line that does not follow shared/scenarios/FORMAT.md; the message names the line. */
public class ScenarioFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long lineNumber;

  public ScenarioFormatException(long lineNumber, String reason) {
    super("line " + lineNumber + ": " + reason);
    this.lineNumber = lineNumber;
  }

  public long lineNumber() {
    return lineNumber;
  }
}
