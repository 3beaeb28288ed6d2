import ConfigLines

/// Where each key of `board.toml` is, for error messages: the shared line scan over a flat root
/// and `[[visitor]]` tables, addressed by the visitor table's index (nil for the root).
struct BoardTOMLLines: Sendable {
  /// nil for the root, else the index of the `[[visitor]]` table.
  typealias Section = Int?

  private let index: TOMLLineIndex

  init(_ text: String) {
    index = TOMLLineIndex(text, tables: ["visitor"])
  }

  var unknownHeader: (line: Int, header: String)? { index.unknownHeader }
  var dateValue: Int? { index.dateValue }
  var hazard: TOMLKitHazard? { index.hazard }

  /// The line of `key` in `section`, else of the section's header.
  func line(_ section: Section, _ key: String?) -> Int? {
    index.line(section.map { .table("visitor", $0) } ?? .root, key)
  }
}
