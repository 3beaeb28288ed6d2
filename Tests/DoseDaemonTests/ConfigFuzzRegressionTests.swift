import Testing

@testable import DoseDaemon

/// Inputs the fuzz target `FuzzConfig` found (issue 9; docs/reliability.md "Fuzzing"). Before
/// the fix the first aborted the process inside toml++ and the second silently dropped the rest
/// of the file.
@Suite struct ConfigFuzzRegressionTests {
  /// The contract's minimal ward (ConfigTestSupport.swift), ready for a line to be appended.
  static let ward = minimalWard + "\n"
  /// The line number of the first line appended to `ward`.
  static let appendedLine = ward.split(separator: "\n", omittingEmptySubsequences: false).count

  func error(_ text: String) -> ConfigError? { configError(text) }

  /// toml++ (TOMLKit 0.6.0) asserts on a table header whose key does not start with a bare-key
  /// character or a quote; `dosed --check-config` died with SIGABRT. The fuzzer's input,
  /// shortened: a mangled `[[detector]]` header that became `[[  .00019`.
  @Test(arguments: [
    "[[  .00019", "[.]", "[", "[[", "[[[a]]]", "[é]", "[\t+x]", "[#]", "[\r]", "[[.]]",
  ])
  func tableHeaderWithoutAKeyIsAConfigError(header: String) throws {
    let text = Self.ward + header + "\nb = 1\n"
    let error = try #require(self.error(text), "loaded: \(header.debugDescription)")
    #expect(error.line == Self.appendedLine, "\(error)")
    #expect(error.message.contains("table header needs a bare or quoted key"), "\(error)")
  }

  /// The headers toml++ reports itself still get its message, and valid TOML with lines that
  /// start with `[` inside a value is not mistaken for a header.
  @Test func otherBracketLinesAreLeftToTheParser() throws {
    let spaced = try #require(error(Self.ward + "[ [a]]\n"))
    #expect(spaced.message.contains("contiguous"), "\(spaced)")
    let blank = try #require(error(Self.ward + "[[ ]]\n"))
    #expect(blank.message.contains("blank"), "\(blank)")
    let nested = try #require(error("x = [\n  [ +1 ],\n  [ +2.5 ],\n]\n" + Self.ward))
    #expect(!nested.message.contains("table header"), "\(nested)")
    #expect(nested.message.contains("x"), "\(nested)")
  }

  /// toml++ also asserts in `parse_time` when a `YYYY-MM-DD` value has a `T` and no digit
  /// after it. The fuzzer's input had a control character there (`2026-11-27T\u{07}8:00:00Z`
  /// in `[simulation] start_at`).
  @Test(arguments: [
    "start_at = 2026-11-27T\u{07}8:00:00Z", "start_at = 2026-11-27t:00", "start_at = 2026-11-27T:",
    "start_at = [\n  2026-11-27TZ:00,\n]",
  ])
  func dateTimeWithoutATimeIsAConfigError(value: String) throws {
    let text = Self.ward + "[simulation]\n" + value + "\n"
    let error = try #require(self.error(text), "loaded: \(value.debugDescription)")
    #expect(error.line == Self.appendedLine + (value.contains("\n") ? 2 : 1), "\(error)")
    #expect(error.message.contains("date-time needs a time"), "\(error)")
  }

  /// Good date-times, and date-like bare keys in an inline table, are not taken for it.
  @Test func validDateTimesAndDateLikeKeysPass() throws {
    let good = Self.ward + "[simulation]\nstart_at = 2026-11-27T08:00:00Z\n"
    #expect(error(good) == nil)
    let spaced = Self.ward + "[simulation]\nstart_at = 2026-11-27 08:00:00Z\n"
    #expect(error(spaced) == nil)
    let key = try #require(error(Self.ward + "x = { 2026-11-27Tab = 1 }\n"))
    #expect(!key.message.contains("date-time"), "\(key)")
  }

  /// TOMLKit passes the text to toml++ as a C string, so everything after a NUL byte was
  /// ignored without a word: here an unknown key that must be refused.
  @Test func nulByteIsRefusedNotTruncated() throws {
    let text = Self.ward + "\0\n[daemon2]\nunknown = 1\n"
    let error = try #require(self.error(text), "the part after the NUL was ignored")
    #expect(error.line == Self.appendedLine, "\(error)")
    #expect(error.message.contains("NUL"), "\(error)")
  }

  /// `FuzzNotifyConfig` (2026-12-06, through the scanner dosed shares): toml++ asserts in
  /// `parse_value` on a `}` where an array expects a value, and on a Unicode line separator
  /// there; both killed `dosed --check-config` with SIGABRT.
  @Test(arguments: [
    ("x = [}]", 0, "'}' where the array expects"),
    ("x = [1,\n# note\n}]", 2, "'}' where the array expects"),
    ("x = [\u{2028}]", 0, "U+2028"),
    ("x = [\u{85}1]", 0, "U+85"),
    ("x = { a = [2, }] }", 0, "'}' where the array expects"),
    ("x = [\n# note\n2026-11-27T:00]", 2, "date-time needs a time"),
    ("x = 2026-11-27 0", 0, "date-time needs a time"),
    ("x = [2026-11-27 9, 1]", 0, "date-time needs a time"),
    ("x = { a = 2-----7-00 0 }", 0, "date-time needs a time"),
    // helper-13's review: '_' hides a date from the byte patterns, and a closing run of four
    // quotes put the scanner out of step with toml++.
    ("x = 2_026-11-27 0", 0, "neither a number nor a date"),
    ("x = [2026-11-2_7 0]", 0, "neither a number nor a date"),
    ("x = 2026-11-27" + String(repeating: "_", count: 115) + " 00:00:00", 0, "neither a number"),
    ("x = [\"\"\"x\"\"\"\", 2026-11-27T:00]", 0, "date-time needs a time"),
    ("x = ['''x'''', }]", 0, "'}' where the array expects"),
    ("x = { b = \"\"\"x\"\"\"\", c = 2026-11-27T:00 }", 0, "date-time needs a time"),
    ("x = [\n\"\"\"\nx\"\"\"\"\n, 2_026-11-27 0]", 3, "neither a number nor a date"),
  ])
  func arrayValueHazardsAreConfigErrors(value: String, extraLines: Int, message: String) throws {
    let text = Self.ward + "[simulation]\n" + value + "\n"
    let error = try #require(self.error(text), "loaded: \(value.debugDescription)")
    #expect(error.line == Self.appendedLine + 1 + extraLines, "\(error)")
    #expect(error.message.contains(message), "\(error)")
  }

  /// A `}` closing an inline table after an array, and braces in strings, are not taken for it.
  @Test func bracesThatCloseTablesOrSitInStringsPass() throws {
    for value in [
      "x = { a = [1, 2] }", "x = [\"}\", '}']", "x = [{ a = 1 }, { b = 2 }]", "x = 1_000",
      "x = [1_000, -2_000, 3e-1_0]",
    ] {
      let error = self.error(Self.ward + "[simulation]\n" + value + "\n")
      #expect(
        error?.message.contains("invalid TOML") != true, "\(value): \(String(describing: error))")
    }
  }
}
