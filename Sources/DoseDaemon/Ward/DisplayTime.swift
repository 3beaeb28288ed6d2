import Foundation

/// Times in messages and records' text.
enum DisplayTime {
  /// ISO 8601 for any year, without a formatter that cannot show the year a typo produced.
  static func text(_ date: Date) -> String {
    let seconds = date.timeIntervalSince1970
    guard seconds.isFinite, abs(seconds) < 1e13 else { return "(a time far out of range)" }
    return iso(date)
  }

  /// `2026-11-27T10:00:00Z`. FoundationEssentials' style: `ISO8601DateFormatter` would build an
  /// ICU formatter on every call.
  static func iso(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle())
  }
}
