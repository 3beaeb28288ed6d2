import DetectorDrivers
import DoseProtocol
import Foundation
import Logging
import Synchronization
import Testing

@testable import DoseDaemon

/// Log lines a test reads back.
final class CapturedLog: Sendable {
  private let lines = Mutex<[String]>([])

  var all: [String] { lines.withLock { $0 } }

  func logger(journal: Bool = true) -> Logger {
    Logger(label: "dosed-test") { _ in
      LineLogHandler(level: .info, journal: journal) { line in
        self.lines.withLock { $0.append(line) }
      }
    }
  }
}

@Suite(.stopsDaemons) struct LoggingTests {
  @Test func journalLinesCarryThePriorityAndSortedKeys() {
    let line = LineLogHandler.format(
      level: .error, message: "dose alarm", metadata: ["location": "room-1", "event": "alarm"],
      journal: true, time: Date())
    #expect(line == "<3>dose alarm event=alarm location=room-1\n")
    #expect(
      LineLogHandler.format(
        level: .warning, message: "two\nlines", metadata: ["reason": "device gone: \"EIO\""],
        journal: true, time: Date()) == "<4>two\\nlines reason=\"device gone: \\\"EIO\\\"\"\n")
    #expect(LineLogHandler.priority(.notice) == 5)
    #expect(LineLogHandler.priority(.debug) == 7)
    // Off the journal: time and level name first.
    let plain = LineLogHandler.format(
      level: .info, message: "dosed ready", metadata: ["detectors": "6"], journal: false,
      time: Date(timeIntervalSince1970: 1_795_780_800))
    #expect(plain == "2026-11-27T12:00:00Z info dosed ready detectors=6\n")
    #expect(LineLogHandler.stderrIsJournal(["JOURNAL_STREAM": "8:12345"]))
    #expect(!LineLogHandler.stderrIsJournal([:]))
  }

  /// A dose alarm reaches the journal as an error with stable keys; an operator's action as a
  /// notice naming who did it.
  @Test func alarmsAndControlActionsAreLogged() async throws {
    let log = CapturedLog()
    let daemon = try await TestDaemon.start(alarmingWard, timeScale: 60, logger: log.logger())
    // (A loaded test host may also log a "no reading yet" fault of the detector first.)
    try await eventually("the dose alarm is logged") {
      log.all.contains { $0.hasPrefix("<3>dose: ") && $0.contains("event=alarm") }
    }
    let alarm = try #require(
      log.all.first { $0.hasPrefix("<3>dose: ") && $0.contains("event=alarm") })
    #expect(alarm.contains("level=alarm location=room"))
    _ = try await daemon.send(
      RoomRequest(id: .number(1), command: .roomDischarge, room: "room"), as: RoomReply.self)
    let action = try #require(log.all.first { $0.contains("control action") })
    #expect(action.hasPrefix("<5>control action cmd=room_discharge pid="))
    #expect(action.contains(" room=room uid=\(getuid()) user="))
  }

  /// A detector that flaps writes a few state lines per window, not one per flap.
  @Test func aFlappingDetectorIsRateLimitedInTheJournal() async throws {
    let log = CapturedLog()
    let config = try ConfigLoader.parse(alarmingWard, path: "t.toml")
    let engine = Engine(config: config, clock: DoseClock())
    await engine.setLogger(log.logger())
    for flap in 0..<20 {
      await engine.journal(
        StoredEvent(
          time: Date(), kind: "detector_state", detector: "hot", level: "alarm",
          message: flap.isMultiple(of: 2) ? "ok → disconnected" : "disconnected → ok"))
    }
    let lines = log.all.filter { $0.contains("event=detector_state") }
    #expect(lines.count == 5)
  }

  /// Operator and device text in a log line (issue 14): one line per event whatever it holds,
  /// with no raw control character (ESC would drive the terminal of whoever reads the journal).
  @Test func controlCharactersInMessagesAndMetadataAreEscapedOnOneLine() throws {
    let log = CapturedLog()
    let logger = log.logger(journal: false)
    logger.notice(
      "control action \u{1B}[2J",
      metadata: [
        "patient": "P-7\nroom-9 clear\u{1B}[2J", "note": "tab\there\r\u{7F}\u{85}\u{202E}",
        "path": #"C:\new "x""#,
      ])
    let line = try #require(log.all.first)
    #expect(line.hasSuffix("\n"))
    let body = line.dropLast()
    let raw = body.unicodeScalars.filter {
      $0.properties.generalCategory == .control || (0x202A...0x202E).contains($0.value)
    }
    #expect(raw.isEmpty, "\(body)")
    #expect(body.contains(" control action \\x1b[2J "))
    #expect(body.contains(#" patient="P-7\nroom-9 clear\x1b[2J""#))
    #expect(body.contains(#" note="tab\there\r\x7f\u{85}\u{202e}""#))
    // Backslashes and quotes are escaped first, so a typed `\n` and a newline differ.
    #expect(body.contains(#" path="C:\\new \"x\"""#))
  }
}
