import Foundation
import Testing

/// docs/architecture.md's rules for DoseNotify, read from the sources.
@Suite struct NotifyArchitectureTests {
  static let sources = binaries.deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources/DoseNotify")

  static func text(_ file: String) throws -> String {
    try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
  }

  @Test func theNotifierNeverLinksTheDaemon() throws {
    for file in try FileManager.default.contentsOfDirectory(atPath: Self.sources.path) {
      let source = try Self.text(file)
      #expect(!source.contains("import DoseDaemon"), "\(file)")
    }
  }

  /// The decisions take time as arguments, so tests drive them on a hand-made clock.
  @Test(arguments: [
    "NotifierCore.swift", "AlarmBook.swift", "Escalator.swift", "LinkHealth.swift",
    "DeliveryQueue.swift",
  ])
  func decisionsReadNoClock(file: String) throws {
    let source = try Self.text(file)
    for clock in [
      "Date()", "ContinuousClock", "SuspendingClock", ".now", "Task.sleep", "import Glibc",
    ] {
      #expect(!source.contains(clock), "\(file) uses \(clock)")
    }
  }
}
