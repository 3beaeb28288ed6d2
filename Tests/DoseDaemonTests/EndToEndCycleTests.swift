import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// The whole ward cycle through the `dosed` and `dosectl` binaries: admission and a waste
/// package recorded, the real daemon killed (SIGKILL) and restarted with nothing lost; then the
/// same records on a daemon on manual time, where the hours pass as the test advances them:
/// decay → release eligible → discharge → clearance, and the package's survey → release.
@Suite(.serialized, .stopsDaemons) struct EndToEndCycleTests {
  /// A Lu-177 patient at 150 µSv/h from 6 to 20 clock hours (the room is admitted well before,
  /// as a clear room with a source in it reverts by itself), clearing with a 10 h effective
  /// half-life (below the 87 µSv/h limit after about 8 h); a survey bench reading background.
  static let ward = """
    [[detector]]
    id = "r1"
    driver = "simulated"
    tube = "SBM-20"
    background = { counts = 1060, seconds = 6000 }
      [detector.simulated]
      background_usv_h = 0.1
      [[detector.simulated.source]]
      dose_rate_usv_h = 150.0
      half_life_h = 10.0
      start_h = 6.0
      end_h = 20.0

    [[detector]]
    id = "bench"
    driver = "simulated"
    tube = "LND-7317"
    background = { counts = 2526, seconds = 6000 }
      [detector.simulated]
      # A little below the counted 0.1 µSv/h: a survey at true background would be called
      # distinguishable 5 % of the time (α of the ISO 11929 decision), which a test must not be.
      background_usv_h = 0.08

    [[location]]
    id = "room-1"
    kind = "isolation_room"
    detectors = ["r1"]
    warn_usv_h = 500.0
    alarm_usv_h = 1000.0
    state = "clear"
    clear_usv_h = 500.0  # never reverts by itself, however late the test admits the patient
    release_preset = "us-default"

    [[location]]
    id = "store"
    kind = "waste_store"
    detectors = ["bench"]
    warn_usv_h = 50.0
    alarm_usv_h = 100.0
    release_rule = "us-dis"
    survey_detector = "bench"
    survey_seconds = 600
    """

  let directory = "/tmp/dosed-e2e-\(UUID().uuidString.prefix(8))"
  var socket: String { directory + "/dosed.sock" }

  func dosed(_ config: String) throws -> Process {
    let process = Process()
    process.executableURL = ExecutableTests.binaries.appendingPathComponent("dosed")
    process.arguments = [
      "--config", config, "--socket", socket, "--state-dir", directory + "/state",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  func dosectl(_ arguments: [String]) async throws -> ExecutableTests.Run {
    try await ExecutableTests().run("dosectl", arguments + ["--socket", socket])
  }

  func json(_ arguments: [String]) async throws -> [String: Any] {
    let result = try await dosectl(arguments + ["--json"])
    #expect(result.status == 0, "\(arguments): \(result.stderr) \(result.stdout)")
    return try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  }

  func room() async throws -> [String: Any] {
    try #require(try await json(["room", "show", "room-1"])["room"] as? [String: Any])
  }

  @Test func admissionToClearanceAndWasteReleaseSurviveAKill() async throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let config = directory + "/ward.toml"
    try Self.ward.write(toFile: config, atomically: true, encoding: .utf8)
    var daemon = try dosed(config)
    defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
    try await eventually("dosed answers") { try await dosectl(["status", "--json"]).status == 0 }

    #expect(
      try await dosectl([
        "room", "admit", "room-1", "--patient", "P-0042", "--nuclide", "Lu-177", "--activity",
        "7.4GBq",
      ]).status == 0)
    #expect(
      try await dosectl([
        "waste", "add", "W-1", "--store", "store", "--nuclide", "Lu-177=50MBq", "--route", "nca",
        "--at",
        "2026-01-01T00:00:00Z", "--surface", "3uSv/h",
      ]).status == 0)

    // SIGKILL once both are acknowledged: nothing recorded so far may be lost.
    kill(daemon.processIdentifier, SIGKILL)
    daemon.waitUntilExit()
    daemon = try dosed(config)
    try await eventually("dosed answers again") {
      try await dosectl(["status", "--json"]).status == 0
    }
    let restored = try await room()
    #expect(restored["occupancy"] as? String == "occupied")
    #expect((restored["patient"] as? [String: Any])?["reference"] as? String == "P-0042")
    let waste = try #require(try await json(["waste", "show", "W-1"])["package"] as? [String: Any])
    #expect(waste["state"] as? String == "release_due")
    kill(daemon.processIdentifier, SIGTERM)
    daemon.waitUntilExit()
    #expect(daemon.terminationStatus == 0)

    // The same state directory and socket, on manual time at the cadence of 3600× real time
    // (an evaluation every 900 clock seconds, a simulated reading every 720).
    let ward = try await TestDaemon.start(
      Self.ward, timeScale: 3600, manualTime: true, directory: directory)
    try await cycle(on: ward)
  }

  /// The patient's stay, discharge and clearance, then the package's surveys and release.
  func cycle(on ward: TestDaemon) async throws {
    func detail() async throws -> RoomDetail {
      try await ward.send(
        RoomRequest(id: .number(1), command: .roomShow, room: "room-1"), as: RoomReply.self
      ).room
    }
    #expect(try await detail().patient?.reference == "P-0042")
    try await ward.advance("the patient in the room", step: 900, limit: 8 * 3600) {
      try await detail().doseRateUSvH ?? 0 > 100
    }
    let reading = try #require(try await detail().doseRateUSvH)
    #expect(
      try await dosectl(["room", "calibrate", "room-1", "--at-1m", "\(reading)uSv/h"]).status == 0)
    try await ward.advance("release eligible as the patient clears", step: 900, limit: 12 * 3600) {
      try await detail().release?.eligible == true
    }
    let release = try #require(try await room()["release"] as? [String: Any])
    #expect(release["limit_usv_h"] as? Double ?? 0 > 86)
    #expect(release["predicted_at"] != nil)

    try await ward.advance("the patient has left", step: 900, limit: 16 * 3600) {
      try await detail().doseRateUSvH ?? 100 < 0.3
    }
    #expect(try await dosectl(["room", "discharge", "room-1"]).status == 0)
    try await ward.advance("the room decided below its clearance level", step: 900, limit: 8 * 3600)
    {
      try await detail().clearance?.decision == "below"
    }
    #expect(
      try await dosectl(["room", "clear", "room-1", "--wipe-test", "10 wipes < 200 dpm/100 cm2"])
        .status == 0)
    #expect(try await room()["occupancy"] as? String == "clear")

    // Every survey of the package counts (about 1.4 at this bench on average): survey until
    // the surveys together pass, then release. Each survey counts the bench for 600 s of clock
    // time from when the daemon takes it on; the clock moves only once it has.
    var passed = false
    for _ in 1...8 where !passed {
      let survey = Task { () -> Bool? in
        let surveyed = try await json(["waste", "survey", "W-1", "--surveyor", "J. Smith"])
        let package = surveyed["package"] as? [String: Any]
        return (package?["release_decision"] as? [String: Any])?["passed"] as? Bool
      }
      try await eventually("the survey has begun") {
        await ward.service.engine.surveys["bench"] != nil
      }
      try await ward.advance("the survey counted", step: 900, limit: 4 * 3600) {
        await ward.service.engine.surveys["bench"] == nil
      }
      let decision = try await survey.value
      #expect(decision != nil, "a survey without a release decision")
      passed = decision == true
    }
    #expect(passed)
    #expect(try await dosectl(["waste", "release", "W-1"]).status == 0)

    // Every step is in the records, with who did it.
    let csv = try await dosectl(["export", "events", "--from", "30d"])
    let kinds = csv.stdout.split(separator: "\n").dropFirst().map {
      $0.split(separator: ",", omittingEmptySubsequences: false)[2]
    }
    for kind in [
      "admit", "waste_add", "calibrate", "discharge", "clear", "waste_survey", "waste_release",
    ] {
      #expect(kinds.contains(Substring(kind)), "\(kind) recorded")
    }
    #expect(kinds.filter { $0 == "admit" }.count == 1)
  }
}
