import DoseProtocol
import Foundation
import TOMLKit

/// Reads and validates `notify.toml`. Every problem is reported, each with its file and line;
/// unknown keys and tables are errors (a misspelt `after_s` must not silently mean "never").
public enum NotifyConfigLoader {
  static let rootKeys = [
    "socket", "ward", "unmonitored_after_s", "stale_after_s", "state_file", "action",
    "escalation",
  ]
  static let actionKeys = [
    "name", "kind", "command", "events", "url", "timeout_s", "retry_max_s", "give_up_s", "resend_s",
  ]
  static let escalationKeys = ["after_s", "actions"]

  /// Loads `path`; `socket` (the `--socket` flag) overrides the file's.
  public static func load(path: String, socket: String? = nil) throws -> NotifyConfig {
    let text: String
    do {
      text = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw NotifyConfigErrors(errors: [
        NotifyConfigError(
          file: path, line: nil, message: "cannot read: \(error.localizedDescription)")
      ])
    }
    var config = try parse(text, file: path)
    if let socket { config.socket = socket }
    return config
  }

  /// `stateDirectory`: where `state_file` goes when the file names none (systemd's
  /// `$STATE_DIRECTORY` under the shipped unit; none elsewhere, so a test or a hand-run notifier
  /// never writes into an installed one's state).
  public static func parse(
    _ text: String, file: String, hostName: String = defaultWard(),
    stateDirectory: String? = defaultStateDirectory()
  ) throws -> NotifyConfig {
    let lines = NotifyTOMLLines(notifyConfig: text)
    // toml++ as bundled asserts (and aborts the process) on some malformed headers; this file
    // has only two kinds of table, so anything else is refused before it reaches the parser.
    if let (line, header) = lines.unknownHeader {
      throw NotifyConfigErrors(errors: [
        NotifyConfigError(
          file: file, line: line,
          message:
            "unknown table \(DisplayText.escaped(header)) (expected [[action]] or [[escalation]])")
      ])
    }
    if let line = lines.dateValue {
      throw NotifyConfigErrors(errors: [
        NotifyConfigError(file: file, line: line, message: "no key here takes a date")
      ])
    }
    // What toml++ would abort on or TOMLKit would cut short, anywhere in the file.
    if let hazard = lines.hazard {
      throw NotifyConfigErrors(errors: [
        NotifyConfigError(file: file, line: hazard.line, message: hazard.message)
      ])
    }
    let root: TOMLTable
    do {
      root = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      throw NotifyConfigErrors(errors: [
        NotifyConfigError(file: file, line: error.source.begin.line, message: error.description)
      ])
    }
    var reader = Reader(file: file, lines: lines)
    var config = reader.read(root, ward: hostName)
    if root["state_file"] == nil, let stateDirectory {
      config.stateFile = stateDirectory + "/told.json"
    }
    if !reader.errors.isEmpty { throw NotifyConfigErrors(errors: reader.errors) }
    return config
  }

  /// systemd's `$STATE_DIRECTORY` (`StateDirectory=dosed-notify`): its first entry.
  public static func defaultStateDirectory() -> String? {
    guard let value = ProcessInfo.processInfo.environment["STATE_DIRECTORY"] else { return nil }
    let first = value.split(separator: ":").first.map(String.init) ?? ""
    return first.hasPrefix("/") ? first : nil
  }

  /// The host name, for the `ward` label when the file names none.
  public static func defaultWard() -> String {
    ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "ward"
  }
}

/// Collects errors while reading, so that all of them are reported at once.
private struct Reader {
  let file: String
  let lines: NotifyTOMLLines
  var errors: [NotifyConfigError] = []

  mutating func fail(_ section: NotifyTOMLLines.Section, _ key: String?, _ message: String) {
    errors.append(
      NotifyConfigError(file: file, line: lines.line(section, key), message: message))
  }

  mutating func checkKeys(
    _ table: TOMLTable, _ allowed: [String], _ section: NotifyTOMLLines.Section
  ) {
    for key in table.keys.sorted() where !allowed.contains(key) {
      fail(
        section, key, "unknown key '\(key)' (expected one of: \(allowed.joined(separator: ", ")))")
    }
  }

  mutating func read(_ root: TOMLTable, ward: String) -> NotifyConfig {
    var config = NotifyConfig(ward: ward)
    checkKeys(root, NotifyConfigLoader.rootKeys, .root)
    if let socket = string(root, "socket", .root) {
      if socket.hasPrefix("/") {
        config.socket = socket
      } else {
        fail(.root, "socket", "socket must be an absolute path, not '\(socket)'")
      }
    }
    if let name = string(root, "ward", .root) {
      if name.isEmpty { fail(.root, "ward", "ward must not be empty") } else { config.ward = name }
    }
    if let path = string(root, "state_file", .root) {
      if path.isEmpty {
        config.stateFile = nil
      } else if path.hasPrefix("/") {
        config.stateFile = path
      } else {
        fail(.root, "state_file", "state_file must be an absolute path or \"\", not '\(path)'")
      }
    }
    if let value = seconds(root, "unmonitored_after_s", .root, positive: true) {
      config.unmonitoredAfterSeconds = value
    }
    if let value = seconds(root, "stale_after_s", .root, positive: true) {
      config.staleAfterSeconds = value
    }
    for (index, table) in tables(root, "action").enumerated() {
      if let action = readAction(table, index: index) {
        if config.actions.contains(where: { $0.name == action.name }) {
          fail(.action(index), "name", "action name '\(action.name)' is used twice")
        }
        config.actions.append(action)
      }
    }
    let names = Set(config.actions.map(\.name))
    for (index, table) in tables(root, "escalation").enumerated() {
      if let tier = readTier(table, index: index, names: names) { config.escalation.append(tier) }
    }
    for index in config.escalation.indices.dropFirst()
    where config.escalation[index].afterSeconds <= config.escalation[index - 1].afterSeconds {
      fail(.escalation(index), "after_s", "escalation tiers must come in increasing after_s")
    }
    if config.actions.isEmpty {
      fail(.root, nil, "no [[action]]: dosed-notify would tell nobody")
    }
    return config
  }

  mutating func readAction(_ table: TOMLTable, index: Int) -> ActionConfig? {
    let section = NotifyTOMLLines.Section.action(index)
    checkKeys(table, NotifyConfigLoader.actionKeys, section)
    guard let name = string(table, "name", section) else {
      fail(section, nil, "[[action]] number \(index + 1) has no name")
      return nil
    }
    guard !name.isEmpty else {
      fail(section, "name", "an action name must not be empty")
      return nil
    }
    guard let kindName = string(table, "kind", section) else {
      fail(section, nil, "action '\(name)' has no kind (exec or alertmanager)")
      return nil
    }
    guard let kind = ActionConfig.Kind(rawValue: kindName) else {
      fail(section, "kind", "action '\(name)': unknown kind '\(kindName)' (exec or alertmanager)")
      return nil
    }
    var action = ActionConfig(name: name, kind: kind)
    switch kind {
    case .exec:
      readCommand(table, section, into: &action)
      if table["url"] != nil { fail(section, "url", "action '\(name)': url is for alertmanager") }
      if table["resend_s"] != nil {
        fail(section, "resend_s", "action '\(name)': resend_s is for alertmanager")
      }
    case .alertmanager:
      readURL(table, section, into: &action)
      if table["command"] != nil {
        fail(section, "command", "action '\(name)': command is for exec actions")
      }
    }
    if let events = stringArray(table, "events", section) {
      var set = Set<NotifyEventKind>()
      for event in events {
        if let kind = NotifyEventKind(rawValue: event) {
          set.insert(kind)
        } else {
          let known = NotifyEventKind.allCases.map(\.rawValue).joined(separator: ", ")
          fail(section, "events", "action '\(name)': unknown event '\(event)' (known: \(known))")
        }
      }
      if events.isEmpty { fail(section, "events", "action '\(name)': events is empty") }
      // Alertmanager keeps an alert until it is resolved or expires: one that never hears the
      // end would fire on, re-posted every resend_s, after the alarm is long gone.
      let endings: [(NotifyEventKind, Set<NotifyEventKind>)] = [
        (.clear, [.alarm, .fault, .test]), (.monitored, [.unmonitored]),
      ]
      for (end, starts) in endings
      where action.kind == .alertmanager && !set.isDisjoint(with: starts) && !set.contains(end) {
        fail(
          section, "events",
          "action '\(name)': an alertmanager action that hears "
            + starts.intersection(set).map(\.rawValue).sorted().joined(separator: ", ")
            + " must hear \(end.rawValue) too, or its alerts fire on after the alarm ends")
      }
      action.events = set
    }
    if let value = seconds(table, "timeout_s", section, positive: true) {
      action.timeoutSeconds = value
    }
    if let value = seconds(table, "retry_max_s", section, positive: true) {
      action.retryMaxSeconds = value
    }
    if let value = seconds(table, "give_up_s", section, positive: true) {
      action.giveUpSeconds = value
    }
    if let value = seconds(table, "resend_s", section, positive: true) {
      action.resendSeconds = value
    }
    return action
  }

  mutating func readCommand(
    _ table: TOMLTable, _ section: NotifyTOMLLines.Section, into action: inout ActionConfig
  ) {
    guard table["command"] != nil else {
      fail(section, nil, "exec action '\(action.name)' has no command")
      return
    }
    guard let argv = stringArray(table, "command", section) else { return }
    guard let program = argv.first, !program.isEmpty else {
      fail(section, "command", "exec action '\(action.name)': command is empty")
      return
    }
    // No shell and no PATH search: the program that runs is the one written here.
    guard program.hasPrefix("/") else {
      fail(
        section, "command",
        "exec action '\(action.name)': the program must be an absolute path, not '\(program)'")
      return
    }
    action.command = argv
  }

  mutating func readURL(
    _ table: TOMLTable, _ section: NotifyTOMLLines.Section, into action: inout ActionConfig
  ) {
    guard let text = string(table, "url", section) else {
      if table["url"] == nil {
        fail(section, nil, "alertmanager action '\(action.name)' has no url")
      }
      return
    }
    guard let url = URL(string: text), let scheme = url.scheme, url.host?.isEmpty == false,
      url.query == nil, url.fragment == nil
    else {
      fail(section, "url", "action '\(action.name)': '\(text)' is not an http://host[:port] URL")
      return
    }
    guard scheme == "http" else {
      fail(
        section, "url",
        "action '\(action.name)': only http:// is supported (no TLS client is built in; "
          + "reach a remote Alertmanager through a local proxy)")
      return
    }
    action.url = url
  }

  mutating func readTier(_ table: TOMLTable, index: Int, names: Set<String>) -> EscalationTier? {
    let section = NotifyTOMLLines.Section.escalation(index)
    checkKeys(table, NotifyConfigLoader.escalationKeys, section)
    guard let after = seconds(table, "after_s", section, positive: false) else {
      if table["after_s"] == nil { fail(section, nil, "[[escalation]] has no after_s") }
      return nil
    }
    guard let actions = stringArray(table, "actions", section) else {
      if table["actions"] == nil { fail(section, nil, "[[escalation]] has no actions") }
      return nil
    }
    if actions.isEmpty { fail(section, "actions", "[[escalation]] actions is empty") }
    for name in actions where !names.contains(name) {
      fail(
        section, "actions",
        "escalation names unknown action '\(name)' (actions: \(names.sorted().joined(separator: ", ")))"
      )
    }
    return EscalationTier(afterSeconds: after, actions: actions)
  }

  // MARK: Values

  mutating func string(_ table: TOMLTable, _ key: String, _ section: NotifyTOMLLines.Section)
    -> String?
  {
    guard let value = table[key] else { return nil }
    guard let string = value.string else {
      fail(section, key, "\(key) must be a string")
      return nil
    }
    return string
  }

  mutating func stringArray(
    _ table: TOMLTable, _ key: String, _ section: NotifyTOMLLines.Section
  ) -> [String]? {
    guard let value = table[key] else { return nil }
    guard let array = value.array else {
      fail(section, key, "\(key) must be an array of strings")
      return nil
    }
    var strings: [String] = []
    for index in 0..<array.count {
      guard let string = array[index].string else {
        fail(section, key, "\(key) must be an array of strings")
        return nil
      }
      strings.append(string)
    }
    return strings
  }

  /// Upper limits, so that no value the check accepts can trap a conversion at run time
  /// (`timeout_s = 1e16` would overflow a nanosecond count) or quietly switch a safeguard off
  /// (an `unmonitored_after_s` of a day is no watchdog). Project choices, documented in
  /// config/notify.toml.
  static let maxSeconds: [String: Double] = [
    "unmonitored_after_s": 300, "stale_after_s": 300, "timeout_s": 3600, "retry_max_s": 3600,
    "resend_s": 3600, "give_up_s": 7 * 86400, "after_s": 7 * 86400,
  ]

  /// A finite number of seconds, ≥ 0 (or > 0 when `positive`) and at most its key's limit;
  /// integers or floats.
  mutating func seconds(
    _ table: TOMLTable, _ key: String, _ section: NotifyTOMLLines.Section, positive: Bool
  ) -> Double? {
    guard let value = table[key] else { return nil }
    guard let number = value.double ?? value.int.map(Double.init) else {
      fail(section, key, "\(key) must be a number of seconds")
      return nil
    }
    guard number.isFinite, positive ? number > 0 : number >= 0 else {
      fail(
        section, key, "\(key) must be \(positive ? "greater than 0" : "0 or more"), not \(number)")
      return nil
    }
    let limit = Self.maxSeconds[key] ?? 7 * 86400
    guard number <= limit else {
      fail(section, key, "\(key) must be at most \(Int(limit)) s, not \(number)")
      return nil
    }
    return number
  }

  mutating func tables(_ root: TOMLTable, _ key: String) -> [TOMLTable] {
    guard let value = root[key] else { return [] }
    guard let array = value.array else {
      fail(.root, key, "\(key) must be written as [[\(key)]] sections")
      return []
    }
    var tables: [TOMLTable] = []
    for index in 0..<array.count {
      if let table = array[index].table {
        tables.append(table)
      } else {
        fail(.root, key, "\(key) must be written as [[\(key)]] sections")
      }
    }
    return tables
  }
}
