import DoseDaemon
import Testing

/// Inputs the fuzz target `FuzzConfig` found (issue 9; docs/reliability.md "Fuzzing"). Before
/// the fix the first aborted the process inside toml++ and the second silently dropped the rest
/// of the file.
@Suite struct ConfigFuzzRegressionTests {
  static let ward = """
    [daemon]
    socket = "/run/dosed/dosed.sock"
    state_dir = "/var/lib/dosed"

    [[detector]]
    id = "room-1-ceiling"
    driver = "simulated"
    sensitivity_cpm_per_usv_h = 106.0
    dead_time_s = 0.00019

    [[location]]
    id = "room-1"
    kind = "isolation_room"
    detectors = ["room-1-ceiling"]
    warn_usv_h = 5.0
    alarm_usv_h = 20.0

    """

  func error(_ text: String) -> ConfigError? {
    do {
      _ = try ConfigLoader.parse(text, path: "ward.toml")
      return nil
    } catch {
      return error
    }
  }

  /// toml++ (TOMLKit 0.6.0) asserts on a table header whose key does not start with a bare-key
  /// character or a quote; `dosed --check-config` died with SIGABRT. The fuzzer's input,
  /// shortened: a mangled `[[detector]]` header that became `[[  .00019`.
  @Test(arguments: [
    "[[  .00019", "[.]", "[", "[[", "[[[a]]]", "[é]", "[\t+x]", "[#]", "[\r]", "[[.]]",
  ])
  func tableHeaderWithoutAKeyIsAConfigError(header: String) throws {
    let text = Self.ward + header + "\nb = 1\n"
    let error = try #require(self.error(text), "loaded: \(header.debugDescription)")
    #expect(error.line == 17, "\(error)")
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
    #expect(error.line == (value.contains("\n") ? 19 : 18), "\(error)")
    #expect(error.message.contains("date-time needs a time"), "\(error)")
  }

  /// Good date-times, and date-like bare keys in an inline table, are not taken for it.
  @Test func validDateTimesAndDateLikeKeysPass() throws {
    let good = Self.ward + "[simulation]\nstart_at = 2026-11-27T08:00:00Z\n"
    #expect(error(good) == nil)
    let key = try #require(error(Self.ward + "x = { 2026-11-27Tab = 1 }\n"))
    #expect(!key.message.contains("date-time"), "\(key)")
  }

  /// TOMLKit passes the text to toml++ as a C string, so everything after a NUL byte was
  /// ignored without a word: here an unknown key that must be refused.
  @Test func nulByteIsRefusedNotTruncated() throws {
    let text = Self.ward + "\0\n[daemon2]\nunknown = 1\n"
    let error = try #require(self.error(text), "the part after the NUL was ignored")
    #expect(error.line == 17, "\(error)")
    #expect(error.message.contains("NUL"), "\(error)")
  }
}
