package io.faultline.probe.topology;

/** An inventory file that cannot be applied; the message names the file, the item and why. */
public class InventoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InventoryException(String message) {
    super(message);
  }
}
