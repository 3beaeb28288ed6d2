/// An input TOMLKit 0.6.0 mishandles, refused before the text reaches it by every reader of a
/// TOML file here (dosed's configuration, notify.toml, board.toml).
///
/// Why: TOMLKit hands the text to toml++ as a C string, so a NUL byte silently ends the
/// document (everything after it, an escalation tier or a location, would be ignored). And the
/// toml++ it bundles asserts, aborting the process, on a table header without a key (`[.]`,
/// `[[`, `[é]`, `[\r[action]]`), on a date-time with no digit after its `T` (`2026-11-27T:00`)
/// or one digit after a space (`2026-11-27 0`),
/// wherever they stand (in an array, an inline table, after a CRLF line), on a `}` where an
/// array expects a value (`[1, }]`), on a value of digits with both `_` and `-`
/// (`2_026-11-27 0`), and on a Unicode line separator (U+0085, U+2028, U+2029) there: toml++
/// counts those as whitespace but does not skip them.
/// Found by the fuzz targets `FuzzConfig` and `FuzzNotifyConfig` (docs/reliability.md
/// "Findings"). All are invalid TOML.
public struct TOMLKitHazard: Error, Equatable, Sendable {
  /// 1-based.
  public var line: Int
  public var message: String

  /// The first hazard in `text`, or nil. `locator` is the scan of the same text.
  public static func first(in text: String, locator: TOMLLineLocator) -> TOMLKitHazard? {
    if let nul = text.utf8.firstIndex(of: 0) {
      let line = text.utf8[..<nul].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
      return TOMLKitHazard(
        line: line,
        message: "invalid TOML: a NUL byte (control characters other than tab are not allowed)")
    }
    if let (line, scalar) = firstUnicodeLineSeparator(text) {
      return TOMLKitHazard(
        line: line,
        message: "invalid TOML: U+\(String(scalar, radix: 16, uppercase: true)) (a Unicode line "
          + "or paragraph separator) is not allowed in this file; use a plain line break")
    }
    if let header = locator.headerWithoutKey {
      let found =
        header.found.map { byte in
          (0x21...0x7E).contains(byte)
            ? "'\(Character(Unicode.Scalar(byte)))'"
            : "byte 0x\(String(byte, radix: 16, uppercase: true))"
        } ?? "the end of the line"
      return TOMLKitHazard(
        line: header.line,
        message: "invalid TOML: a table header needs a bare or quoted key after '[', found \(found)"
      )
    }
    if let line = locator.dateTimeWithoutTime {
      return TOMLKitHazard(
        line: line,
        message:
          "invalid TOML: a date-time needs a time such as 08:00:00 right after its 'T' or space")
    }
    if let line = locator.underscoredDate {
      return TOMLKitHazard(
        line: line,
        message: "invalid TOML: a value of digits, '_' and '-' is neither a number nor a date")
    }
    if let line = locator.braceForArrayValue {
      return TOMLKitHazard(
        line: line, message: "invalid TOML: '}' where the array expects a value or ']'")
    }
    return nil
  }

  /// Refused anywhere, even inside a string: no value here needs one, and telling a string
  /// apart from an array across lines is the parser's business.
  static func firstUnicodeLineSeparator(_ text: String) -> (line: Int, scalar: UInt32)? {
    var line = 1
    for scalar in text.unicodeScalars {
      switch scalar.value {
      case 0x0A: line += 1
      case 0x85, 0x2028, 0x2029: return (line, scalar.value)
      default: break
      }
    }
    return nil
  }

  /// `first(in:locator:)` with its own scan.
  public static func first(in text: String) -> TOMLKitHazard? {
    first(in: text, locator: TOMLLineLocator(source: text))
  }
}
