import Foundation
import Testing

@testable import DoseBoard

/// board.toml: every problem with its file and line; unknown keys are errors; numbers are
/// finite and not negative.
@Suite struct BoardConfigTests {
  static func errors(_ text: String) -> [String] {
    do {
      _ = try BoardConfigLoader.parse(text, file: "board.toml")
      return []
    } catch let errors as BoardConfigErrors {
      return errors.errors.map(\.description)
    } catch {
      return ["\(error)"]
    }
  }

  @Test func aGoodFile() throws {
    let config = try BoardConfigLoader.parse(
      """
      listen = "127.0.0.1:9999"
      socket = "/run/dosed/dosed.sock"
      ward = "Nuclear medicine 3"
      show_patient_ref = true
      trend_hours = 12

      [[visitor]]
      location = "room-1"
      max_stay_min = 30
      min_distance_m = 2.0
      note = "Ask first"
      """, file: "board.toml")
    #expect(config.listenPort == 9999)
    #expect(config.showPatientRef)
    #expect(config.trendHours == 12)
    #expect(
      config.visitors["room-1"]
        == VisitorGuidance(maxStayMinutes: 30, minDistanceM: 2, note: "Ask first"))
  }

  @Test func theDefaultsAreSafe() {
    let config = BoardConfig()
    #expect(config.listenHost == "127.0.0.1")
    #expect(!config.showPatientRef)
    #expect(config.unmonitoredAfterSeconds == 3 && config.staleAfterSeconds == 5)
  }

  @Test func unknownKeysAndTablesNameTheirLine() {
    #expect(
      Self.errors("ward = \"x\"\nshow_patient_refs = true\n")
        == [
          "board.toml:2: unknown key 'show_patient_refs' (expected one of: listen, socket, ward, "
            + "show_patient_ref, trend_hours, unmonitored_after_s, stale_after_s, visitor)"
        ])
    #expect(
      Self.errors("[[visitor]]\nlocation = \"r\"\nmax_stay = 3\n").first?.hasPrefix(
        "board.toml:3: unknown key 'max_stay'") == true)
    #expect(
      Self.errors("ward = \"x\"\n[visitors]\n") == [
        "board.toml:2: unknown table [visitors] (expected [[visitor]])"
      ])
  }

  @Test func numbersMustBeFiniteAndNotNegative() {
    let text = """
      trend_hours = nan
      stale_after_s = -1

      [[visitor]]
      location = "room-1"
      max_stay_min = -5
      min_distance_m = inf
      """
    let errors = Self.errors(text)
    #expect(errors.contains { $0.hasPrefix("board.toml:1: trend_hours must be greater than 0") })
    #expect(errors.contains { $0.hasPrefix("board.toml:2: stale_after_s must be greater than 0") })
    #expect(errors.contains { $0.hasPrefix("board.toml:6: max_stay_min must be 0 or more") })
    #expect(errors.contains { $0.hasPrefix("board.toml:7: min_distance_m must be 0 or more") })
    #expect(Self.errors("trend_hours = 1000\n").first?.contains("at most 168") == true)
    // A frozen ward shown as live for minutes, or a stay that overflows a render: refused.
    #expect(
      Self.errors("stale_after_s = 300\n") == ["board.toml:1: stale_after_s must be at most 30 s"])
    #expect(Self.errors("unmonitored_after_s = 31\n").first?.contains("at most 30 s") == true)
    let huge = Self.errors(
      "[[visitor]]\nlocation = \"r\"\nmax_stay_min = 1e19\nmin_distance_m = 1e6\n")
    #expect(huge.contains { $0.hasPrefix("board.toml:3: max_stay_min must be at most 10080") })
    #expect(huge.contains { $0.hasPrefix("board.toml:4: min_distance_m must be at most 100") })
    #expect(Self.errors("trend_hours = \"6\"\n") == ["board.toml:1: trend_hours must be a number"])
  }

  @Test func listenSocketAndVisitors() {
    #expect(
      Self.errors("listen = \"localhost\"\n").first?.hasPrefix(
        "board.toml:1: listen must be HOST:PORT") == true)
    #expect(
      Self.errors("listen = \"127.0.0.1:0\"\n").first?.hasPrefix("board.toml:1: listen") == true)
    #expect(
      Self.errors("socket = \"dosed.sock\"\n").first?.hasPrefix(
        "board.toml:1: socket must be an absolute path") == true)
    #expect(
      Self.errors("show_patient_ref = 1\n") == [
        "board.toml:1: show_patient_ref must be true or false"
      ])
    let twice = """
      [[visitor]]
      location = "a"
      note = "x"
      [[visitor]]
      location = "a"
      note = "y"
      """
    #expect(Self.errors(twice) == ["board.toml:5: visitor guidance for 'a' is given twice"])
    #expect(Self.errors("[[visitor]]\nlocation = \"a\"\n").first?.contains("says nothing") == true)
    #expect(
      Self.errors("[[visitor]]\nnote = \"a\"\n") == ["board.toml:1: [[visitor]] has no location"])
    #expect(Self.errors("since = 2026-01-01\n") == ["board.toml:1: no key here takes a date"])
    #expect(Self.errors("ward = \"x\n").first?.hasPrefix("board.toml:1:") == true)
  }

  /// What toml++ aborts on, or TOMLKit cuts short, anywhere in board.toml (the shapes
  /// `FuzzNotifyConfig` found in the scan both readers share, and `FuzzBoardConfig`'s own):
  /// refused with the line before the parser sees it, never SIGABRT.
  @Test(arguments: [
    ("ward = \"w\"\r\n[.]\n", "board.toml:2: unknown table [.] (expected [[visitor]])"),
    ("[\r[visitor]]\nlocation = \"a\"\n", "board.toml:1: unknown table [\\r[visitor]]"),
    ("[[visitor]]\nnote = [\n2026-11-27T:00]\n", "board.toml:3: no key here takes a date"),
    ("a = { b = 2026-11-27T:00 }\n", "board.toml:1: no key here takes a date"),
    ("ward = \"w\"\r\nsince = 2026-01-01\n", "board.toml:2: no key here takes a date"),
    ("ward = \"w\"\u{0}\n[[visitor]]\n", "board.toml:1: invalid TOML: a NUL byte"),
    ("ward = \"w\"\nx = [1, }]\n", "board.toml:2: invalid TOML: '}' where the array"),
    ("x = [\u{2029}]\n", "board.toml:1: invalid TOML: U+2029"),
    ("x = { a = 2026-11-27 0 }\n", "board.toml:1: no key here takes a date"),
    ("x = { a = 2_026-11-27 0 }\n", "board.toml:1: invalid TOML: a value of digits"),
  ])
  func whatTOMLKitCannotReadIsRefusedWithItsLine(text: String, expected: String) {
    let found = Self.errors(text)
    #expect(found.first?.hasPrefix(expected) == true, "\(found)")
  }

  @Test func theShippedFilesAreValid() throws {
    for file in ["config/board.toml", "config/demo-board.toml"] {
      let config = try BoardConfigLoader.load(path: packageRoot.appendingPathComponent(file).path)
      #expect(!config.showPatientRef, "\(file)")
    }
    let demo = try BoardConfigLoader.load(
      path: packageRoot.appendingPathComponent("config/demo-board.toml").path)
    #expect(demo.visitors["room-1"]?.maxStayMinutes != nil)
  }

  @Test func flagsOverrideTheFile() throws {
    var config = BoardConfig()
    try BoardConfigLoader.apply(socket: "/tmp/x.sock", listen: "[::1]:8080", to: &config)
    #expect(
      config.socket == "/tmp/x.sock" && config.listenHost == "::1" && config.listenPort == 8080)
    #expect(throws: BoardConfigErrors.self) {
      try BoardConfigLoader.apply(socket: nil, listen: "8080", to: &config)
    }
  }
}
