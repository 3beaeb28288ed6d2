import Foundation

/// What `board.toml` says (docs/operations.md, "Ward board").
public struct BoardConfig: Sendable, Equatable {
  /// Where the HTTP server listens: loopback by default. A screen elsewhere on the ward's
  /// network reaches it through a reverse proxy with TLS, never directly.
  public var listenHost = "127.0.0.1"
  public var listenPort = 9854
  public var socket = "/run/dosed/dosed.sock"
  /// The ward's name in the page titles and headings.
  public var ward = "Ward"
  /// Whether a room's patient reference may appear on a page. Off unless the site decides the
  /// screens are where only staff see them.
  public var showPatientRef = false
  /// How many hours of history the tiles' trend shows.
  public var trendHours = 6.0
  /// dosed unreachable this long, or its snapshot not advancing this long, and every page says
  /// the ward is unmonitored (the same rule and defaults as dosed-notify).
  public var unmonitoredAfterSeconds = 3.0
  public var staleAfterSeconds = 5.0
  /// The site's visitor guidance per location, shown on its door page.
  public var visitors: [String: VisitorGuidance] = [:]

  public init() {}

  /// `host:port` as written in `listen` and `--listen`.
  public var listen: String { "\(listenHost):\(listenPort)" }
}

/// Where and how long a visitor may stay, as the site's radiation safety officer set it for a
/// room (10 CFR 35.315(a)(3) asks that the door or the chart say so).
public struct VisitorGuidance: Sendable, Equatable {
  public var maxStayMinutes: Double?
  public var minDistanceM: Double?
  public var note: String?

  public init(maxStayMinutes: Double? = nil, minDistanceM: Double? = nil, note: String? = nil) {
    self.maxStayMinutes = maxStayMinutes
    self.minDistanceM = minDistanceM
    self.note = note
  }
}

/// One problem in a configuration file, with where it is.
public struct BoardConfigError: Error, Sendable, Equatable, CustomStringConvertible {
  public var file: String
  public var line: Int?
  public var message: String

  public var description: String {
    line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
  }
}

/// Every problem found, so that one run of `--check-config` shows them all.
public struct BoardConfigErrors: Error, Sendable, CustomStringConvertible {
  public var errors: [BoardConfigError]

  public var description: String { errors.map(\.description).joined(separator: "\n") }
}
