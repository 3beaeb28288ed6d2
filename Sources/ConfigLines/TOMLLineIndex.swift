import Foundation

/// Where each key of a small TOML file is, for error messages (TOMLKit keeps no positions), and
/// what is refused before TOMLKit sees it. Shared by dosed-notify's and dosed-board's
/// configuration readers: their files are a flat root and arrays of tables (`[[action]]`,
/// `[[visitor]]` …). A view on `TOMLLineLocator`, the scanner dosed's reader uses, so that
/// strings, multi-line values and comments are read one way for all three.
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

  private let locator: TOMLLineLocator
  /// The first table header that is not one of the known `[[table]]`s, refused with the names
  /// of those (before TOMLKit, which would abort on some malformed headers, sees it). As
  /// written: the reader escapes it for its message (`DisplayText`).
  public let unknownHeader: (line: Int, header: String)?
  /// The first value, anywhere, that starts like a date (`2026-11-27…`). No key of these files
  /// takes one, so such a value is refused with that plain message.
  public var dateValue: Int? { locator.dateLikeValue }
  /// The first input TOMLKit mishandles (`TOMLKitHazard`): refused before the parser sees it,
  /// since toml++ would abort the process on most of them.
  public let hazard: TOMLKitHazard?

  /// `tables`: the names of the arrays of tables the file may have.
  public init(_ text: String, tables: Set<String>) {
    locator = TOMLLineLocator(source: text)
    hazard = TOMLKitHazard.first(in: text, locator: locator)
    let unknown = locator.headers.first { header in
      guard header.isArray, let key = header.key, key.count == 1 else { return true }
      return !tables.contains(key[0])
    }
    unknownHeader = unknown.map { ($0.line, $0.text) }
  }

  /// The line of `key` in `section`, else of the section's header.
  public func line(_ section: Section, _ key: String?) -> Int? {
    let table = section.table.map { "\($0)[\(section.index)]" }
    guard let key else { return table.flatMap { locator.line(for: $0) } }
    return locator.line(for: table.map { TOMLLineLocator.join($0, key) } ?? key)
  }
}
