/// Why a serial exchange failed. `gone` means the device vanished: the detector is
/// `disconnected` at once and the port is reopened with backoff.
public enum SerialError: Error, Sendable, Hashable, CustomStringConvertible {
  case cannotOpen(path: String, reason: String)
  /// Another process holds the port (TIOCEXCL or flock).
  case busy(path: String)
  case unsupportedBaud(Int)
  /// EOF, POLLHUP, EIO, ENODEV, ENXIO: unplugged or closed.
  case gone(String)
  /// No (complete) answer in time.
  case timeout(String)
  /// The device answered, but not in its protocol (wrong device or baud).
  case protocolMismatch(String)
  /// The driver was asked to stop.
  case stopped

  public var description: String {
    switch self {
    case .cannotOpen(let path, let reason): "cannot open \(path): \(reason)"
    case .busy(let path): "\(path) is in use by another process"
    case .unsupportedBaud(let baud): "unsupported baud rate \(baud)"
    case .gone(let reason): "device gone: \(reason)"
    case .timeout(let what): "timed out waiting for \(what)"
    case .protocolMismatch(let what): "unexpected answer: \(what)"
    case .stopped: "stopped"
    }
  }
}
