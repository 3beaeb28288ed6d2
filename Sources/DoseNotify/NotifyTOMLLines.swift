import Foundation

/// Where each key of `notify.toml` is, for error messages (TOMLKit keeps no positions).
///
/// The file has a flat root and two arrays of tables, so a line scan is enough: it counts
/// `[[action]]` and `[[escalation]]` headers and notes the first line of each `key =`. Values
/// that span lines (an argv array) are skipped by tracking brackets outside strings.
struct NotifyTOMLLines: Sendable {
  enum Section: Hashable, Sendable {
    case root
    case action(Int)
    case escalation(Int)
  }

  private var sectionLines: [Section: Int] = [:]
  private var keyLines: [Section: [String: Int]] = [:]
  /// The first table header that is neither `[[action]]` nor `[[escalation]]`.
  private(set) var unknownHeader: (line: Int, header: String)?
  /// The first value that starts like a date (`2026-11-27…`). No key here takes one, and toml++
  /// as bundled aborts the process on some malformed date-times (`parse_time`), so such a value
  /// is refused before the parser sees it.
  private(set) var dateValue: Int?

  init(_ text: String) {
    var section = Section.root
    var counts: [String: Int] = [:]
    var depth = 0
    var number = 0
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      number += 1
      let code = Self.stripComment(raw)
      let trimmed = code.trimmingCharacters(in: .whitespaces)
      if depth == 0 && trimmed.hasPrefix("[") {
        let name = trimmed.filter { !$0.isWhitespace }
        switch name {
        case "[[action]]", "[[escalation]]":
          let key = String(name.dropFirst(2).dropLast(2))
          let index = counts[key, default: 0]
          counts[key] = index + 1
          section = key == "action" ? .action(index) : .escalation(index)
          sectionLines[section] = number
        default:
          if unknownHeader == nil { unknownHeader = (number, trimmed) }
        }
        continue
      }
      if depth == 0, let equals = trimmed.firstIndex(of: "=") {
        let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
          .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        if keyLines[section, default: [:]][key] == nil {
          keyLines[section, default: [:]][key] = number
        }
        let value = trimmed[trimmed.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
        let digits = value.prefix(5)
        if dateValue == nil, digits.count == 5, digits.prefix(4).allSatisfy(\.isNumber),
          digits.last == "-"
        {
          dateValue = number
        }
      }
      depth = max(0, depth + Self.bracketBalance(code))
    }
  }

  /// The line of `key` in `section`, else of the section's header.
  func line(_ section: Section, _ key: String?) -> Int? {
    if let key, let line = keyLines[section]?[key] { return line }
    return sectionLines[section]
  }

  /// The line without a `#` comment (a `#` inside a string is kept).
  static func stripComment(_ line: Substring) -> String {
    var quote: Character?
    var result = ""
    for character in line {
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "\"" || character == "'" {
        quote = character
      } else if character == "#" {
        break
      }
      result.append(character)
    }
    return result
  }

  /// Opening minus closing brackets outside strings.
  static func bracketBalance(_ code: String) -> Int {
    var quote: Character?
    var balance = 0
    for character in code {
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "\"" || character == "'" {
        quote = character
      } else if character == "[" {
        balance += 1
      } else if character == "]" {
        balance -= 1
      }
    }
    return balance
  }
}
