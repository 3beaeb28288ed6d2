import Foundation

/// Where each key of `board.toml` is, for error messages (TOMLKit keeps no positions).
///
/// The file is a flat root and `[[visitor]]` tables, each value on one line, so a scan of the
/// lines is enough: it counts `[[visitor]]` headers and notes the first line of each `key =`.
/// (dosed-notify's reader does the same for its own two kinds of table.)
struct BoardTOMLLines: Sendable {
  /// nil for the root, else the index of the `[[visitor]]` table.
  typealias Section = Int?

  private var sectionLines: [Int: Int] = [:]
  private var keyLines: [Int: [String: Int]] = [:]
  /// The first table header that is not `[[visitor]]`: refused before TOMLKit sees it (the
  /// bundled toml++ aborts the process on some malformed headers).
  private(set) var unknownHeader: (line: Int, header: String)?
  /// The first value that starts like a date: no key here takes one, and toml++ as bundled
  /// aborts on some malformed date-times, so it is refused first too.
  private(set) var dateValue: Int?

  init(_ text: String) {
    var section = -1
    var visitors = 0
    var number = 0
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      number += 1
      let trimmed = Self.stripComment(raw).trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("[") {
        if trimmed.filter({ !$0.isWhitespace }) == "[[visitor]]" {
          section = visitors
          visitors += 1
          sectionLines[section] = number
        } else if unknownHeader == nil {
          unknownHeader = (number, trimmed)
        }
        continue
      }
      guard let equals = trimmed.firstIndex(of: "=") else { continue }
      let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
        .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
      if keyLines[section, default: [:]][key] == nil {
        keyLines[section, default: [:]][key] = number
      }
      let value = trimmed[trimmed.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
      let head = value.prefix(5)
      if dateValue == nil, head.count == 5, head.prefix(4).allSatisfy(\.isNumber), head.last == "-"
      {
        dateValue = number
      }
    }
  }

  /// The line of `key` in `section`, else of the section's header.
  func line(_ section: Section, _ key: String?) -> Int? {
    let index = section ?? -1
    if let key, let line = keyLines[index]?[key] { return line }
    return sectionLines[index]
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
}
