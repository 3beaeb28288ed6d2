import DoseProtocol
import Foundation

/// What the notifier has told and not yet cleared, kept in `state_file` across its restarts:
/// without it, an alarm that cleared while the notifier was stopped would never be told as
/// cleared, and a beacon switched on for it would stay on.
public struct NotifierMemory: Codable, Sendable, Equatable {
  /// Alarms told as raised (with their `since`), not yet told as cleared.
  public var told: [AlarmView]
  /// Escalation actions told about each of them (by alarm id), so they hear the clear too.
  public var escalated: [String: [String]]
  /// The notifier's own `unmonitored`, if it was active.
  public var unmonitored: AlarmView?
  /// Events each action had not yet delivered (queued, or retrying while its target is down),
  /// by action name, in order: a restart sends them again, so a `clear` that was waiting for a
  /// dead pager is not lost with the process. Absent in files from before it was kept.
  public var owed: [String: [NotifyEvent]]?

  public init(
    told: [AlarmView], escalated: [String: [String]], unmonitored: AlarmView?,
    owed: [String: [NotifyEvent]]? = nil
  ) {
    self.told = told
    self.escalated = escalated
    self.unmonitored = unmonitored
    self.owed = owed
  }

  enum CodingKeys: String, CodingKey {
    case told, escalated, unmonitored, owed
  }

  /// `owed` is read leniently: an unreadable one is dropped, never the rest (without `told`, a
  /// beacon switched on before the restart would stay on).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    told = try container.decode([AlarmView].self, forKey: .told)
    escalated = try container.decode([String: [String]].self, forKey: .escalated)
    unmonitored = try container.decodeIfPresent(AlarmView.self, forKey: .unmonitored)
    owed = try? container.decodeIfPresent([String: [NotifyEvent]].self, forKey: .owed)
  }

  /// The events as kept: without the door states (a restart stamps today's) and drop counts
  /// (the action's own), which are most of an event's size on a large ward.
  public static func keepable(_ events: [NotifyEvent]) -> [NotifyEvent] {
    events.map { event in
      var event = event
      event.active = [:]
      event.dropped = nil
      return event
    }
  }

  /// Reads `path`: nil when there is none yet. A file that cannot be read as a memory throws,
  /// for the caller to log (the notifier then starts without it: it forgets, it never stops).
  public static func load(path: String) throws -> NotifierMemory? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard data.count <= 16 << 20 else {
      throw CocoaError(.fileReadTooLarge, userInfo: [NSFilePathErrorKey: path])
    }
    return try WireCoding.decoder().decode(NotifierMemory.self, from: data)
  }

  /// Writes `path` whole or not at all (a temporary file renamed over it).
  public func save(path: String) throws {
    let data = try WireCoding.encoder().encode(self)
    try data.write(to: URL(fileURLWithPath: path), options: .atomic)
  }
}
