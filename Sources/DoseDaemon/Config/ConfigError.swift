/// A configuration file that cannot be used: unreadable, not valid TOML, or not a valid ward.
///
/// Rendered as `FILE:LINE: KEYPATH: MESSAGE`, the form editors and CI logs link to. `LINE:` is
/// left out when the line is unknown, and `KEYPATH:` when the error is not about one key (an
/// unreadable file, a TOML syntax error).
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The configuration file, as given to the loader.
  public var file: String
  /// 1-based line the error is about, when it could be found.
  public var line: Int?
  /// Where in the document, e.g. `detector[2].dead_time_s` (arrays of tables are 0-based).
  public var keyPath: String
  /// What was expected and what was found.
  public var message: String

  public init(file: String, line: Int?, keyPath: String, message: String) {
    self.file = file
    self.line = line
    self.keyPath = keyPath
    self.message = message
  }

  public var description: String {
    var text = file + ":"
    if let line { text += "\(line):" }
    if !keyPath.isEmpty { text += " \(keyPath):" }
    return text + " " + message
  }
}
