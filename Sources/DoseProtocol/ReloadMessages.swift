import Foundation

/// `reload`: re-read the configuration file (as SIGHUP does). A control command.
///
/// The reply says what changed, by id. Detectors whose settings did not change keep running
/// without a gap; changed ones restart with a fresh estimate. An invalid file is rejected with
/// `invalid_config` and the running configuration stays; a change to a setting that needs a
/// restart (socket, state directory, …) is `refused` and nothing is applied.
public struct ReloadReply: Codable, Sendable, Hashable {
  public var `class` = "reload"
  public var id: RequestID?
  /// The file that was read.
  public var config: String
  public var detectors: ReloadChanges
  public var locations: ReloadChanges

  public init(id: RequestID?, config: String, detectors: ReloadChanges, locations: ReloadChanges) {
    self.id = id
    self.config = config
    self.detectors = detectors
    self.locations = locations
  }
}

/// Ids by what a reload did to them, each list in configuration order.
public struct ReloadChanges: Codable, Sendable, Hashable {
  /// Same settings: kept running, state and estimates intact.
  public var unchanged: [String] = []
  /// Settings changed: rebuilt (a detector's driver restarts and its estimate starts afresh).
  public var changed: [String] = []
  public var added: [String] = []
  public var removed: [String] = []

  public init(
    unchanged: [String] = [], changed: [String] = [], added: [String] = [],
    removed: [String] = []
  ) {
    self.unchanged = unchanged
    self.changed = changed
    self.added = added
    self.removed = removed
  }

  /// "1 changed (r2), 1 added (r9)", or "no change".
  public var summary: String {
    let parts = [("changed", changed), ("added", added), ("removed", removed)]
      .filter { !$0.1.isEmpty }
      .map { "\($0.1.count) \($0.0) (\($0.1.joined(separator: ", ")))" }
    return parts.isEmpty ? "no change" : parts.joined(separator: ", ")
  }
}
