import DoseProtocol
import Foundation
import TOMLKit

/// Reads and validates `board.toml`. Every problem is reported, each with its file and line;
/// unknown keys and tables are errors (a misspelt `show_patient_ref` must not silently mean
/// something else), and numbers must be finite and not negative.
public enum BoardConfigLoader {
  static let rootKeys = [
    "listen", "socket", "ward", "show_patient_ref", "trend_hours", "unmonitored_after_s",
    "stale_after_s", "visitor",
  ]
  static let visitorKeys = ["location", "max_stay_min", "min_distance_m", "note"]
  /// Bounds that keep a typo from asking dosed for years of minutes on every page.
  static let maxTrendHours = 168.0
  static let maxWatchSeconds = 30.0
  static let maxNoteLength = 500

  /// Loads `path`; the flags (`--socket`, `--listen`) override the file's values.
  public static func load(path: String, socket: String? = nil, listen: String? = nil) throws
    -> BoardConfig
  {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw BoardConfigErrors(errors: [
        BoardConfigError(
          file: path, line: nil, message: "cannot read: \(error.localizedDescription)")
      ])
    }
    var config = try parse(text, file: path)
    try apply(socket: socket, listen: listen, to: &config)
    return config
  }

  /// The flags over a configuration (also without a file).
  public static func apply(socket: String?, listen: String?, to config: inout BoardConfig) throws {
    if let socket {
      guard socket.hasPrefix("/") else {
        throw BoardConfigErrors(errors: [
          BoardConfigError(
            file: "--socket", line: nil, message: "must be an absolute path, not '\(socket)'")
        ])
      }
      config.socket = socket
    }
    if let listen {
      guard let (host, port) = parseListen(listen) else {
        throw BoardConfigErrors(errors: [
          BoardConfigError(
            file: "--listen", line: nil,
            message: "'\(listen)' is not HOST:PORT (e.g. 127.0.0.1:9854)")
        ])
      }
      config.listenHost = host
      config.listenPort = port
    }
  }

  public static func parse(_ text: String, file: String) throws -> BoardConfig {
    let lines = BoardTOMLLines(text)
    if let (line, header) = lines.unknownHeader {
      throw BoardConfigErrors(errors: [
        BoardConfigError(
          file: file, line: line,
          message: "unknown table \(DisplayText.escaped(header)) (expected [[visitor]])")
      ])
    }
    if let line = lines.dateValue {
      throw BoardConfigErrors(errors: [
        BoardConfigError(file: file, line: line, message: "no key here takes a date")
      ])
    }
    // What toml++ would abort on or TOMLKit would cut short, anywhere in the file.
    if let hazard = lines.hazard {
      throw BoardConfigErrors(errors: [
        BoardConfigError(file: file, line: hazard.line, message: hazard.message)
      ])
    }
    let root: TOMLTable
    do {
      root = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      throw BoardConfigErrors(errors: [
        BoardConfigError(file: file, line: error.source.begin.line, message: error.description)
      ])
    }
    var reader = BoardConfigReader(file: file, lines: lines)
    let config = reader.read(root)
    if !reader.errors.isEmpty { throw BoardConfigErrors(errors: reader.errors) }
    return config
  }

  /// `HOST:PORT` with a numeric port 1–65535 (port 0, an ephemeral port, only for tests:
  /// `allowEphemeral`); `[::1]:PORT` for IPv6.
  public static func parseListen(_ text: String, allowEphemeral: Bool = true) -> (String, Int)? {
    guard let colon = text.lastIndex(of: ":") else { return nil }
    var host = String(text[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty, host.count <= 253, let port = Int(text[text.index(after: colon)...]),
      (allowEphemeral ? 0 : 1)...65535 ~= port
    else { return nil }
    return (host, port)
  }
}

/// Collects errors while reading, so that all of them are reported at once.
struct BoardConfigReader {
  let file: String
  let lines: BoardTOMLLines
  var errors: [BoardConfigError] = []

  mutating func fail(_ section: BoardTOMLLines.Section, _ key: String?, _ message: String) {
    errors.append(BoardConfigError(file: file, line: lines.line(section, key), message: message))
  }

  mutating func read(_ root: TOMLTable) -> BoardConfig {
    var config = BoardConfig()
    checkKeys(root, BoardConfigLoader.rootKeys, nil)
    if let listen = string(root, "listen", nil) {
      if let (host, port) = BoardConfigLoader.parseListen(listen, allowEphemeral: false) {
        config.listenHost = host
        config.listenPort = port
      } else {
        fail(nil, "listen", "listen must be HOST:PORT with a port 1–65535, not '\(listen)'")
      }
    }
    if let socket = string(root, "socket", nil) {
      if socket.hasPrefix("/") {
        config.socket = socket
      } else {
        fail(nil, "socket", "socket must be an absolute path, not '\(socket)'")
      }
    }
    if let ward = string(root, "ward", nil) {
      if ward.trimmingCharacters(in: .whitespaces).isEmpty || ward.count > 100 {
        fail(nil, "ward", "ward must be 1–100 characters")
      } else {
        config.ward = ward
      }
    }
    if let value = root["show_patient_ref"] {
      if let flag = value.bool {
        config.showPatientRef = flag
      } else {
        fail(nil, "show_patient_ref", "show_patient_ref must be true or false")
      }
    }
    if let hours = number(root, "trend_hours", nil, positive: true) {
      if hours > BoardConfigLoader.maxTrendHours {
        fail(
          nil, "trend_hours", "trend_hours must be at most \(Int(BoardConfigLoader.maxTrendHours))")
      } else {
        config.trendHours = hours
      }
    }
    // At most 30 s: longer would show a frozen ward as live for that long.
    for (key, keyPath) in [
      ("unmonitored_after_s", \BoardConfig.unmonitoredAfterSeconds),
      ("stale_after_s", \BoardConfig.staleAfterSeconds),
    ] {
      guard let value = number(root, key, nil, positive: true) else { continue }
      if value > BoardConfigLoader.maxWatchSeconds {
        fail(nil, key, "\(key) must be at most \(Int(BoardConfigLoader.maxWatchSeconds)) s")
      } else {
        config[keyPath: keyPath] = value
      }
    }
    for (index, table) in visitorTables(root).enumerated() {
      guard let (location, guidance) = readVisitor(table, index: index) else { continue }
      if config.visitors[location] != nil {
        fail(index, "location", "visitor guidance for '\(location)' is given twice")
      }
      config.visitors[location] = guidance
    }
    return config
  }

  mutating func readVisitor(_ table: TOMLTable, index: Int) -> (String, VisitorGuidance)? {
    checkKeys(table, BoardConfigLoader.visitorKeys, index)
    guard let location = string(table, "location", index) else {
      if table["location"] == nil { fail(index, nil, "[[visitor]] has no location") }
      return nil
    }
    guard !location.isEmpty, location.count <= 128 else {
      fail(index, "location", "location must be 1–128 characters")
      return nil
    }
    var guidance = VisitorGuidance()
    guidance.maxStayMinutes = number(table, "max_stay_min", index, positive: false)
    guidance.minDistanceM = number(table, "min_distance_m", index, positive: false)
    // A stay of more than a week or a distance beyond a ward is a typo, not guidance.
    if let minutes = guidance.maxStayMinutes, minutes > 7 * 24 * 60 {
      fail(index, "max_stay_min", "max_stay_min must be at most \(7 * 24 * 60) (a week)")
      guidance.maxStayMinutes = nil
    }
    if let metres = guidance.minDistanceM, metres > 100 {
      fail(index, "min_distance_m", "min_distance_m must be at most 100")
      guidance.minDistanceM = nil
    }
    if let note = string(table, "note", index) {
      if note.count > BoardConfigLoader.maxNoteLength {
        fail(index, "note", "note must be at most \(BoardConfigLoader.maxNoteLength) characters")
      } else {
        guidance.note = note
      }
    }
    if guidance.maxStayMinutes == nil, guidance.minDistanceM == nil, guidance.note == nil {
      fail(
        index, nil,
        "[[visitor]] for '\(location)' says nothing: give max_stay_min, min_distance_m or note")
    }
    return (location, guidance)
  }

  // MARK: Values

  mutating func checkKeys(
    _ table: TOMLTable, _ allowed: [String], _ section: BoardTOMLLines.Section
  ) {
    for key in table.keys.sorted() where !allowed.contains(key) {
      fail(
        section, key, "unknown key '\(key)' (expected one of: \(allowed.joined(separator: ", ")))")
    }
  }

  mutating func string(_ table: TOMLTable, _ key: String, _ section: BoardTOMLLines.Section)
    -> String?
  {
    guard let value = table[key] else { return nil }
    guard let string = value.string else {
      fail(section, key, "\(key) must be a string")
      return nil
    }
    return string
  }

  /// A finite number ≥ 0 (> 0 when `positive`), integer or float.
  mutating func number(
    _ table: TOMLTable, _ key: String, _ section: BoardTOMLLines.Section, positive: Bool
  ) -> Double? {
    guard let value = table[key] else { return nil }
    guard let number = value.double ?? value.int.map(Double.init) else {
      fail(section, key, "\(key) must be a number")
      return nil
    }
    guard number.isFinite, positive ? number > 0 : number >= 0 else {
      fail(
        section, key, "\(key) must be \(positive ? "greater than 0" : "0 or more"), not \(number)")
      return nil
    }
    return number
  }

  mutating func visitorTables(_ root: TOMLTable) -> [TOMLTable] {
    guard let value = root["visitor"] else { return [] }
    guard let array = value.array else {
      fail(nil, "visitor", "visitor must be written as [[visitor]] sections")
      return []
    }
    var tables: [TOMLTable] = []
    for index in 0..<array.count {
      if let table = array[index].table {
        tables.append(table)
      } else {
        fail(nil, "visitor", "visitor must be written as [[visitor]] sections")
      }
    }
    return tables
  }
}
