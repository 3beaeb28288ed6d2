import Foundation

/// Where each key of a small TOML file is, for error messages (TOMLKit keeps no positions), and
/// the two inputs refused before TOMLKit sees them. Shared by dosed-notify's and dosed-board's
/// configuration readers.
///
/// Their files are a flat root and arrays of tables (`[[action]]`, `[[visitor]]` …), so a line
/// scan is enough: it counts the known table headers and notes the first line of each `key =`.
/// Values that span lines (an argv array) are skipped by tracking brackets outside strings.
public struct TOMLLineIndex: Sendable {
  /// The root, or the `index`th `[[table]]`.
  public struct Section: Hashable, Sendable {
    public var table: String?
    public var index: Int

    public static let root = Section(table: nil, index: 0)

    public static func table(_ name: String, _ index: Int) -> Section {
      Section(table: name, index: index)
    }
  }

  private var sectionLines: [Section: Int] = [:]
  private var keyLines: [Section: [String: Int]] = [:]
  /// The first table header that is not one of the known `[[table]]`s, refused with the names
  /// of those (before TOMLKit, which would abort on some malformed headers, sees it).
  public private(set) var unknownHeader: (line: Int, header: String)?
  /// The first value that starts like a date (`2026-11-27…`). No key of these files takes one,
  /// so such a value is refused with that plain message.
  public private(set) var dateValue: Int?
  /// The first input TOMLKit mishandles (a NUL, a header without a key, a date-time without a
  /// time, anywhere in the file): refused before the parser sees it, since toml++ would abort
  /// the process on the last two.
  public let hazard: TOMLKitHazard?

  /// `tables`: the names of the arrays of tables the file may have.
  public init(_ text: String, tables: Set<String>) {
    hazard = TOMLKitHazard.first(in: text)
    var section = Section.root
    var counts: [String: Int] = [:]
    var depth = 0
    var number = 0
    // Split the bytes, not the characters: "\r\n" is one Character and would not split.
    for bytes in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      number += 1
      var raw = Substring(decoding: bytes, as: UTF8.self)
      if raw.last == "\r" { raw.removeLast() }
      let code = Self.stripComment(raw)
      let trimmed = code.trimmingCharacters(in: Self.tomlWhitespace)
      if depth == 0 && trimmed.hasPrefix("[") {
        // Only TOML's own whitespace (space, tab) may stand inside a known header: toml++
        // reads `[\r[action]]` as a header without a key.
        let name = trimmed.filter { $0 != " " && $0 != "\t" }
        let table = String(name.dropFirst(2).dropLast(2))
        if name.hasPrefix("[[") && name.hasSuffix("]]") && tables.contains(table) {
          let index = counts[table, default: 0]
          counts[table] = index + 1
          section = .table(table, index)
          sectionLines[section] = number
        } else if unknownHeader == nil {
          unknownHeader = (number, Self.printable(trimmed))
        }
        continue
      }
      if depth == 0, let equals = trimmed.firstIndex(of: "=") {
        let key = trimmed[..<equals].trimmingCharacters(in: Self.tomlWhitespace)
          .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        if keyLines[section, default: [:]][key] == nil {
          keyLines[section, default: [:]][key] = number
        }
        let value = trimmed[trimmed.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
        let head = value.prefix(5)
        if dateValue == nil, head.count == 5, head.prefix(4).allSatisfy(\.isNumber),
          head.last == "-"
        {
          dateValue = number
        }
      }
      depth = max(0, depth + Self.bracketBalance(code))
    }
  }

  /// `text` with control and bidi-override characters written as `\u{D}`, so an error
  /// message shows them instead of acting on the terminal that prints it.
  static func printable(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      let value = scalar.value
      let hidden =
        value < 0x20 || (0x7F..<0xA0).contains(value) || (0x202A...0x202E).contains(value)
        || (0x2066...0x2069).contains(value)
      out += hidden ? "\\u{\(String(value, radix: 16, uppercase: true))}" : String(scalar)
    }
    return out
  }

  /// Space and tab: TOML's whitespace within a line.
  static let tomlWhitespace = CharacterSet(charactersIn: " \t")

  /// The line of `key` in `section`, else of the section's header.
  public func line(_ section: Section, _ key: String?) -> Int? {
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
