/// What one text line from a counter said.
public enum LineContent: Sendable, Hashable {
  /// Exact counts over an interval the device defines (MightyOhm CPS, bGeigie 5-s counts).
  case counts(UInt64, intervalSeconds: Double)
  /// Counts found after `skippedBytes` of noise at the start of the line.
  case countsAfterNoise(UInt64, intervalSeconds: Double, skippedBytes: Int)
  /// A counts-per-minute figure (often a rolling minute); `LineSession` samples one per minute
  /// so that no count is used twice.
  case countsPerMinute(UInt64)
  /// A banner or header that names the device.
  case identity(model: String?, firmware: String?, serial: String?)
  /// A line that failed its checksum.
  case checksumFailure
  /// Anything else: banners, junk, a fork's extra output.
  case junk
}

/// Parses the lines of one text protocol. Pure: no I/O, easy to test from sample lines.
public protocol LineParser: Sendable {
  /// Model name to report before the device identifies itself.
  var model: String { get }
  func parse(_ line: String) -> LineContent
}
