/// What the core knows about a detector. Only `ok` feeds decisions; every other state blocks
/// every "clear"/"release" that depends on the detector (DOMAIN.md safety principle 1).
public enum DetectorState: String, Sendable, Hashable, Codable, CaseIterable {
  /// Readings arrive on time and look like a working counter.
  case ok
  /// No reading within the expected interval (or none yet since start).
  case stale
  /// Readings arrive but cannot be trusted: silent tube, stuck count, over-range.
  case fault
  /// The driver lost the device (unplugged, port gone, read error).
  case disconnected
}
