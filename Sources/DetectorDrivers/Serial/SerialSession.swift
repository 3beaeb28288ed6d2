import DoseCore

/// One protocol conversation with a device, from the moment its port opens until it fails.
///
/// A new session is made for every (re)connection, so per-connection state (pulse-count
/// baselines, last device second) never survives an unplug.
public protocol SerialSession {
  /// Identifies the device after the port opened. Throws `protocolMismatch` or `timeout` when
  /// the device does not answer in this protocol (the runner then tries the next baud rate).
  mutating func start(link: SerialLink, clock: DoseClock) throws(SerialError) -> DeviceIdentity

  /// Does one exchange (a poll, or waiting for the next line) and returns the readings it
  /// produced, possibly none. Throws `gone` when the device vanished.
  mutating func step(link: SerialLink, clock: DoseClock) throws(SerialError) -> [Reading]
}
