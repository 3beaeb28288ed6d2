/// Records that could not be written (disk full, read-only, I/O error), kept in memory in order
/// until the database takes writes again, so that an outage of the state directory costs the
/// records nothing unless it outlasts the backlog.
struct StorageBacklog: Sendable {
  /// 10 000 events (hours of state changes on a busy ward) and 50 000 detector-minutes (about
  /// two days of 16 detectors): project choice, a few MB at most. The oldest are kept: they
  /// hold the start of whatever went wrong.
  static let maxEvents = 10_000
  static let maxMinutes = 50_000

  private(set) var events: [StoredEvent] = []
  private(set) var minutes: [MinuteAggregate] = []
  /// Records that did not fit and are lost.
  private(set) var lost = 0

  var isEmpty: Bool { events.isEmpty && minutes.isEmpty }
  var count: Int { events.count + minutes.count }

  mutating func add(_ event: StoredEvent) {
    if events.count < Self.maxEvents { events.append(event) } else { lost += 1 }
  }

  mutating func add(_ aggregates: [MinuteAggregate]) {
    let room = Swift.max(0, Self.maxMinutes - minutes.count)
    minutes += aggregates.prefix(room)
    lost += Swift.max(0, aggregates.count - room)
  }

  /// Writes everything, oldest first; what was written leaves the backlog even if a later
  /// write fails. Returns how many were written and lost, for the recovery record.
  mutating func flush(to store: RecordStore) throws -> (written: Int, lost: Int) {
    var written = 0
    while let event = events.first {
      try store.append(event)
      events.removeFirst()
      written += 1
    }
    if !minutes.isEmpty {
      try store.save(minutes)
      written += minutes.count
      minutes = []
    }
    defer { lost = 0 }
    return (written, lost)
  }
}
