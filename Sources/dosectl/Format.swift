import DoseProtocol
import Foundation

/// Colour only on a terminal and never with NO_COLOR (https://no-color.org).
struct TerminalStyle {
  let colour: Bool

  static var current: TerminalStyle {
    let environment = ProcessInfo.processInfo.environment
    return TerminalStyle(colour: isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil)
  }

  func paint(_ text: String, for state: String) -> String {
    guard colour else { return text }
    let code: String
    switch state {
    case "ok", "clear", "none", "holding": code = "32"
    case "warn", "stale", "awaiting_clearance", "release_due", "occupied": code = "33"
    case "alarm", "fault", "disconnected", "not_eligible": code = "31;1"
    default: return text
    }
    return "\u{1B}[\(code)m\(text)\u{1B}[0m"
  }
}

enum Format {
  static func number(_ value: Double) -> String {
    if value == 0 { return "0" }
    let magnitude = abs(value)
    if magnitude >= 1000 { return String(format: "%.0f", value) }
    if magnitude >= 100 { return String(format: "%.1f", value) }
    if magnitude >= 1 { return String(format: "%.2f", value) }
    return String(format: "%.3f", value)
  }

  static func optional(_ value: Double?) -> String {
    value.map(number) ?? "-"
  }

  static func interval(_ values: [Double]?) -> String {
    guard let values, values.count == 2 else { return "-" }
    return "\(number(values[0]))–\(number(values[1]))"
  }

  static func age(_ seconds: Double?) -> String {
    guard let seconds else { return "-" }
    if seconds < 120 { return String(format: "%.0f s", seconds) }
    if seconds < 7200 { return String(format: "%.0f min", seconds / 60) }
    return String(format: "%.1f h", seconds / 3600)
  }

  static func time(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }

  static func date(_ date: Date?) -> String {
    guard let date else { return "-" }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime]
    return formatter.string(from: date).replacingOccurrences(of: "T", with: " ")
  }

  static func event(_ event: WatchEvent) -> String {
    var parts = [time(event.time), event.event]
    if let location = event.location { parts.append(location) }
    if let detector = event.detector { parts.append(detector) }
    if let previous = event.previousState, let state = event.state {
      parts.append("\(previous) → \(state)")
    } else if let state = event.state {
      parts.append(state)
    }
    if let dose = event.doseRateUSvH {
      let range = event.ci95USvH.map { " [\(interval($0))]" } ?? ""
      parts.append("\(number(dose)) µSv/h" + range)
    }
    if let alarm = event.alarm { parts.append("alarm=\(alarm)") }
    if let reason = event.reason { parts.append("(\(reason))") }
    // Locations, reasons and states may carry operator or device text.
    return DisplayText.escaped(parts.joined(separator: "  "))
  }
}
