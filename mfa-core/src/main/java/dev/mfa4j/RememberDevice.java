package dev.mfa4j;

/** Whether the user ticked "remember this device" when answering the second step. */
public enum RememberDevice {
  /** Issue a remembered-device token if the practice policy allows remembering. */
  YES,
  /** Do not remember this browser. */
  NO
}
