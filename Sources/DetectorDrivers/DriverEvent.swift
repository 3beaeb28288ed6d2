import DoseCore

/// What a driver tells the engine. Drivers never compute dose; they report readings and
/// whether they still have their device.
public enum DriverEvent: Sendable, Hashable {
  /// The device is (again) available; `description` says what was opened.
  case connected(detectorID: String, description: String)
  case reading(Reading)
  /// The device is gone (unplugged, port error, simulated disconnect). The detector must show
  /// `disconnected` at once.
  case disconnected(detectorID: String, reason: String)

  public var detectorID: String {
    switch self {
    case .connected(let id, _), .disconnected(let id, _): id
    case .reading(let reading): reading.detectorID
    }
  }
}
