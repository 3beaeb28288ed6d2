import DoseProtocol
import Foundation
import Logging

/// One line per log event: the message, then `key=value` pairs sorted by key so that lines are
/// stable to grep and parse (`journalctl -u dosed | grep 'event=alarm'`).
///
/// Under systemd (stderr connected to the journal, `$JOURNAL_STREAM` set) each line starts with
/// its syslog priority `<N>` (sd-daemon(3)), so `journalctl -p warning` selects by level, and
/// carries no timestamp (the journal adds one). Elsewhere the line starts with an ISO 8601 time
/// and the level name.
public struct LineLogHandler: LogHandler {
  public var logLevel: Logger.Level
  public var metadata: Logger.Metadata = [:]
  public var metadataProvider: Logger.MetadataProvider?
  let journal: Bool
  let write: @Sendable (String) -> Void

  public init(
    level: Logger.Level, journal: Bool,
    write: @escaping @Sendable (String) -> Void = LineLogHandler.standardError
  ) {
    logLevel = level
    self.journal = journal
    self.write = write
  }

  /// Whether stderr goes to the journal (systemd sets `JOURNAL_STREAM` for it).
  public static func stderrIsJournal(_ environment: [String: String]) -> Bool {
    environment["JOURNAL_STREAM"].map { !$0.isEmpty } ?? false
  }

  public static let standardError: @Sendable (String) -> Void = { line in
    FileHandle.standardError.write(Data(line.utf8))
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    var merged = metadata
    if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
    if let extra = event.metadata { merged.merge(extra) { $1 } }
    write(
      Self.format(
        level: event.level, message: event.message.description, metadata: merged,
        journal: journal, time: Date()))
  }

  /// The line for one event, newline included.
  static func format(
    level: Logger.Level, message: String, metadata: Logger.Metadata, journal: Bool, time: Date
  ) -> String {
    var line = journal ? "<\(priority(level))>" : "\(timestamp(time)) \(level.rawValue) "
    line += oneLine(message)
    for key in metadata.keys.sorted() {
      line += " \(key)=\(quoted("\(metadata[key]!)"))"
    }
    return line + "\n"
  }

  /// syslog(3) priorities, as sd-daemon(3) prefixes want them.
  static func priority(_ level: Logger.Level) -> Int {
    switch level {
    case .trace, .debug: 7
    case .info: 6
    case .notice: 5
    case .warning: 4
    case .error: 3
    case .critical: 2
    }
  }

  /// A value as is when it is one plain word, else in double quotes with `"` and `\` escaped
  /// (so a quoted value reads back unambiguously) and then control characters escaped.
  static func quoted(_ value: String) -> String {
    let plain =
      !value.isEmpty
      && value.unicodeScalars.allSatisfy {
        $0.value > 0x20 && $0 != "\"" && $0 != "\\" && $0 != "="
          && !DisplayText.needsEscaping($0)
      }
    if plain { return value }
    return "\""
      + oneLine(
        value.replacingOccurrences(of: "\\", with: "\\\\")
          .replacingOccurrences(of: "\"", with: "\\\""))
      + "\""
  }

  /// A newline would split one event over several journal entries, and ESC or a bidi override
  /// would act on the terminal of whoever reads the log (values come from operators and devices).
  static func oneLine(_ text: String) -> String {
    DisplayText.escaped(text)
  }

  static func timestamp(_ time: Date) -> String {
    time.formatted(.iso8601)
  }
}
