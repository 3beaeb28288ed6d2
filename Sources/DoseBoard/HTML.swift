import DoseProtocol
import Foundation

/// Text into HTML. Every string that came from dosed (ids, messages, reasons, patient
/// references, notes, device models) or from a request goes through `text`, which escapes the
/// five characters HTML gives meaning and shows control and bidi characters as visible escapes
/// (`DisplayText`), so operator text can neither add markup nor reorder what follows it.
enum HTML {
  static func escape(_ raw: String) -> String {
    var out = ""
    out.reserveCapacity(raw.utf8.count)
    for character in raw.unicodeScalars {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(character)
      }
    }
    return out
  }

  /// Text from anyone: escaped for HTML (also safe inside a quoted attribute), control
  /// characters written out, and cut to `limit` characters so that one hostile message cannot
  /// fill a screen.
  static func text(_ raw: String, limit: Int = 300) -> String {
    var shown = DisplayText.escaped(raw)
    if shown.count > limit { shown = String(shown.prefix(limit)) + "…" }
    return escape(shown)
  }

  /// A path component (an id in a link): percent-encoded, then escaped for the attribute.
  static func pathComponent(_ raw: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return escape(raw.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
  }
}

/// Numbers and times as the pages write them.
enum Show {
  /// A dose rate: three significant figures, as dosectl shows them.
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "–" }
    if value == 0 { return "0" }
    let magnitude = abs(value)
    if magnitude >= 1000 { return String(format: "%.0f", value) }
    if magnitude >= 100 { return String(format: "%.1f", value) }
    if magnitude >= 1 { return String(format: "%.2f", value) }
    return String(format: "%.3f", value)
  }

  static func rate(_ value: Double?) -> String {
    value.map { number($0) + "\u{202F}µSv/h" } ?? "no value"
  }

  static func interval(_ ci: [Double]?) -> String? {
    guard let ci, ci.count == 2 else { return nil }
    return "95\u{202F}%: \(number(ci[0]))–\(number(ci[1]))"
  }

  /// Local wall time (the board's time zone), with the weekday and date so that a value from
  /// yesterday never reads as today's.
  static func time(_ date: Date, seconds: Bool = false) -> String {
    var style = Date.FormatStyle(locale: Locale(identifier: "en_GB"), timeZone: TimeZone.current)
      .weekday(.abbreviated).day().month(.abbreviated)
      .hour(.twoDigits(amPM: .omitted)).minute(.twoDigits)
    if seconds { style = style.second(.twoDigits) }
    return date.formatted(style)
  }

  /// The machine-readable form for `<time datetime=…>`.
  static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

  static func timeTag(_ date: Date, seconds: Bool = false) -> String {
    "<time datetime=\"\(iso(date))\">\(time(date, seconds: seconds))</time>"
  }

  static func minutes(_ value: Double) -> String {
    // "%.0f", not Int(value): a huge value (a config or a reply) must not trap the render.
    value == value.rounded() ? String(format: "%.0f", value) : String(format: "%.1f", value)
  }
}

/// How a state word looks: its CSS class (colour and pattern), an icon that is not a colour,
/// and the word shown. Unknown words from a newer dosed are shown as they are, in the "other"
/// style, which is never the safe one (docs/protocol.md: treat an unknown state as not ok).
struct StateStyle {
  var css: String
  var icon: String
  var label: String

  static func of(_ state: String) -> StateStyle {
    switch state {
    case "clear": StateStyle(css: "s-safe", icon: "✓", label: "Clear")
    case "ok": StateStyle(css: "s-safe", icon: "✓", label: "OK")
    case "occupied": StateStyle(css: "s-occupied", icon: "☢", label: "Occupied")
    case "holding": StateStyle(css: "s-occupied", icon: "☢", label: "Holding")
    case "awaiting_clearance": StateStyle(css: "s-caution", icon: "◔", label: "Awaiting clearance")
    case "release_due": StateStyle(css: "s-caution", icon: "◔", label: "Release due")
    case "stale": StateStyle(css: "s-caution", icon: "◔", label: "Stale")
    case "fault": StateStyle(css: "s-fault", icon: "⚠", label: "FAULT")
    case "disconnected": StateStyle(css: "s-fault", icon: "⚠", label: "Disconnected")
    case "unknown": StateStyle(css: "s-unknown", icon: "?", label: "Unknown")
    default: StateStyle(css: "s-other", icon: "?", label: state)
    }
  }
}
