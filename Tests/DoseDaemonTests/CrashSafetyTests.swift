import DoseCore
import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 9: `kill -9` of the real daemon while it records heavily, twenty times. Every action a
/// client got a reply for is there after each restart, and SQLite's integrity check passes.
@Suite(.serialized) struct CrashSafetyTests {
  /// 16 simulated detectors at 3600×: about a thousand minute records a second, plus events.
  static func ward() -> String {
    DosedProcess.simulatedWard(
      detectors: 16,
      then: """
        [[location]]
        id = "store"
        kind = "waste_store"
        detectors = ["d0", "d1", "d2", "d3"]
        warn_usv_h = 100.0
        alarm_usv_h = 200.0
        """)
  }

  @Test func killNineWhileRecordingLosesNothingAcknowledged() async throws {
    let daemon = try DosedProcess(
      name: "kill", ward: Self.ward(), arguments: ["--time-scale", "3600"])
    var random = SeededGenerator(seed: 99)
    var acknowledged: [String] = []
    for round in 0..<20 {
      try daemon.start()
      try await daemon.waitAnswering("dosed answers (round \(round))")
      // An action the client is told was done must survive what comes next.
      let package = "K-\(round)"
      let reply = try await daemon.request(
        WasteAddRequest(
          id: .number(1), package: package, store: "store", activitiesBq: ["Lu-177": 5e7],
          massG: nil, at: nil, surfaceUSvH: 2, route: "nca"))
      #expect(
        WireCoding.messageClass(of: reply) == "waste", "\(String(decoding: reply, as: UTF8.self))")
      acknowledged.append(package)
      // Killed at a random moment of heavy recording.
      try await Task.sleep(for: .milliseconds(Int.random(in: 0...1000, using: &random)))
      daemon.killNine()
    }
    try daemon.start()
    try await daemon.waitAnswering("dosed answers after the last kill")
    let list = try await daemon.request(WasteRequest(id: .number(2), command: .wasteList))
    let packages = try WireCoding.decoder().decode(WasteListReply.self, from: list).packages
    #expect(Set(acknowledged).isSubset(of: Set(packages.map(\.id))))
    #expect(daemon.stop() == 0)
    let store = try RecordStore(directory: daemon.stateDirectory)
    #expect(try store.integrityCheck() == "ok")
    // Every start was recorded, and minute records were being written between the kills.
    #expect(try store.events(kinds: ["start"]).count == 21)
    #expect(try !store.aggregates(detector: "d0").isEmpty)
  }

  /// A restart within a minute: the stop flushes the first part, the new run records the rest.
  /// The minute holds both, not the last part alone.
  @Test func aMinuteRecordedTwiceIsMerged() throws {
    let directory = "/tmp/dosed-merge-\(UUID().uuidString.prefix(8))"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try RecordStore(directory: directory)
    let minute = Date(timeIntervalSince1970: 1_795_780_800)
    try store.save([
      MinuteAggregate(
        detector: "d", minute: minute, counts: 30, liveSeconds: 30, readings: 30, doseMinUSvH: 1,
        doseMeanUSvH: 2, doseMaxUSvH: 3)
    ])
    try store.save([
      MinuteAggregate(
        detector: "d", minute: minute, counts: 10, liveSeconds: 10, readings: 10, doseMinUSvH: 0.5,
        doseMeanUSvH: 4, doseMaxUSvH: 5)
    ])
    let merged = try #require(try store.aggregates(detector: "d").first)
    #expect(merged.counts == 40)
    #expect(merged.liveSeconds == 40)
    #expect(merged.readings == 40)
    #expect(merged.doseMinUSvH == 0.5)
    #expect(merged.doseMaxUSvH == 5)
    #expect(merged.doseMeanUSvH == 2.5)
  }
}
