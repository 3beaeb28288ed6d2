/// Constants of the socket protocol. See `docs/protocol.md`.
public enum ProtocolInfo {
  /// Incremented only on a breaking change; additions keep it.
  public static let version = 1
  /// The software version of dosed and dosectl.
  public static let softwareVersion = "0.1.0"
  /// Longest request line accepted, newline excluded.
  public static let maxLineBytes = 64 * 1024
  /// Where dosectl looks when neither --socket nor $DOSED_SOCKET says otherwise.
  public static let defaultSocketPath = "/run/dosed/dosed.sock"
}

/// Stable error codes of `{"class":"error"}` replies.
public enum ErrorCode: String, Codable, Sendable, CaseIterable {
  case badJSON = "bad_json"
  case badRequest = "bad_request"
  case unknownCommand = "unknown_command"
  case lineTooLong = "line_too_long"
  case notUTF8 = "not_utf8"
  case tooSlow = "too_slow"
  case internalError = "internal"
  /// The request is well formed but the rules do not allow it now (e.g. clearing a room in
  /// fault); the message says why.
  case refused
  /// The named room, store, package or detector does not exist.
  case notFound = "not_found"
  /// The daemon cannot do it at all (e.g. no database).
  case unavailable
  /// A control command from a caller outside the admin group; the message names the group.
  case permissionDenied = "permission_denied"
  /// More clients than `[daemon] max_clients` are connected; the connection is closed.
  case tooManyClients = "too_many_clients"
  /// No request within `[daemon] idle_timeout_s`; the connection is closed.
  case idleTimeout = "idle_timeout"
  /// `reload`: the configuration file is not valid; the message lists its errors and the
  /// running configuration stays.
  case invalidConfig = "invalid_config"
}
