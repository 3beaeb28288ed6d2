import DoseCore

/// What an alarm is about. One occurrence of an alarm is one key raised from one `since`; its
/// `id` is the wire's `alarm_id` and the records' `alarm_state` key, so the text form never
/// changes (`fault:DETECTOR`, `dose:LOCATION:LEVEL`, `storage`, `storage:LOCATION`,
/// `orphan:LOCATION`, `test:LOCATION`). Decisions use the cases, never the text.
enum AlarmKey: Hashable, Sendable, Comparable {
  /// A detector that is not `ok`.
  case fault(detector: String)
  /// A location's dose rate at a level.
  case dose(location: String, level: AlarmLevel)
  /// The records cannot be written (no location), or one location's records cannot be read.
  case storage(location: String?)
  /// A room or store the records hold but the configuration no longer has.
  case orphan(location: String)
  /// A chain test at a location (`alarm_test`): never a real alarm, ended by its acknowledgement.
  case test(location: String)

  var kind: AlarmKind {
    switch self {
    case .fault: .fault
    case .dose: .dose
    case .storage: .storage
    case .orphan: .orphan
    case .test: .test
    }
  }

  var id: String {
    switch self {
    case .fault(let detector): "fault:\(detector)"
    case .dose(let location, let level): "dose:\(location):\(level.rawValue)"
    case .storage(nil): "storage"
    case .storage(let location?): "storage:\(location)"
    case .orphan(let location): "orphan:\(location)"
    case .test(let location): "test:\(location)"
    }
  }

  var location: String? {
    switch self {
    case .fault: nil
    case .dose(let location, _), .orphan(let location), .test(let location): location
    case .storage(let location): location
    }
  }

  var detector: String? {
    if case .fault(let detector) = self { return detector }
    return nil
  }

  /// Reads a recorded id back; nil for text no version of dosed wrote.
  init?(id: String) {
    guard let colon = id.firstIndex(of: ":") else {
      guard id == AlarmKind.storage.rawValue else { return nil }
      self = .storage(location: nil)
      return
    }
    let head = id[..<colon]
    let rest = String(id[id.index(after: colon)...])
    guard !rest.isEmpty, let kind = AlarmKind(rawValue: String(head)) else { return nil }
    switch kind {
    case .fault: self = .fault(detector: rest)
    case .storage: self = .storage(location: rest)
    case .orphan: self = .orphan(location: rest)
    case .test: self = .test(location: rest)
    case .dose:
      guard let last = rest.lastIndex(of: ":"),
        let level = AlarmLevel(rawValue: String(rest[rest.index(after: last)...])),
        level > .none, last > rest.startIndex
      else { return nil }
      self = .dose(location: String(rest[..<last]), level: level)
    }
  }

  static func < (lhs: AlarmKey, rhs: AlarmKey) -> Bool { lhs.id < rhs.id }
}

/// The wire's and the records' alarm `kind`.
enum AlarmKind: String, Sendable, CaseIterable {
  case fault, dose, storage, orphan, test
}
