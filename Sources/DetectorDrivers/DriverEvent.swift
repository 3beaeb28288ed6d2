import DoseCore

/// What a driver tells the engine. Drivers never compute dose; they report readings and
/// whether they still have their device.
public enum DriverEvent: Sendable, Hashable {
  /// The device is (again) available and says who it is.
  case connected(detectorID: String, identity: DeviceIdentity)
  case reading(Reading)
  /// The device is gone (unplugged, port error, simulated disconnect) or cannot be opened. The
  /// detector must show `disconnected` at once.
  case disconnected(detectorID: String, reason: String)
  /// The link's error counters changed.
  case counters(detectorID: String, LinkCounters)

  public var detectorID: String {
    switch self {
    case .connected(let id, _), .disconnected(let id, _), .counters(let id, _): id
    case .reading(let reading): reading.detectorID
    }
  }
}
