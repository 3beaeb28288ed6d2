import DoseProtocol
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The whole ward cycle through the real `dosed` and `dosectl` binaries under --time-scale:
/// admission → decay → release eligible → discharge → clearance, and a waste package's add →
/// hold → survey → release, with the daemon killed (SIGKILL) and restarted in the middle.
@Suite(.serialized) struct EndToEndCycleTests {
  /// A Lu-177 patient at 150 µSv/h from 6 to 20 simulated hours (6–20 s real at 3600×: the
  /// room is admitted well before, as a clear room with a source in it reverts by itself),
  /// clearing with a 10 h effective half-life (below the 87 µSv/h limit after about 8 h); a
  /// survey bench reading background.
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
      "--config", config, "--time-scale", "3600", "--socket", socket, "--state-dir",
      directory + "/state",
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
    #expect(result.status == 0, "\(arguments): \(result.stderr)")
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

    // SIGKILL while the patient is in: nothing recorded so far may be lost.
    try await eventually("the patient is in the room") {
      (try await room()["dose_rate_usv_h"] as? Double ?? 0) > 100
    }
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

    // The simulated patient restarts with the daemon: calibrate once it is in again.
    var reading = 0.0
    try await eventually("the patient is in the room again") {
      reading = try await room()["dose_rate_usv_h"] as? Double ?? 0
      return reading > 100
    }
    #expect(
      try await dosectl(["room", "calibrate", "room-1", "--at-1m", "\(reading)uSv/h"]).status == 0)
    try await eventually("release eligible as the patient clears", seconds: 30) {
      let release = try await room()["release"] as? [String: Any]
      return release?["eligible"] as? Bool == true
    }
    let release = try #require(try await room()["release"] as? [String: Any])
    #expect(release["limit_usv_h"] as? Double ?? 0 > 86)
    #expect(release["predicted_at"] != nil)

    try await eventually("the patient has left", seconds: 30) {
      (try await room()["dose_rate_usv_h"] as? Double ?? 100) < 0.3
    }
    #expect(try await dosectl(["room", "discharge", "room-1"]).status == 0)
    try await eventually("the room is decided below its clearance level", seconds: 30) {
      let clearance = try await room()["clearance"] as? [String: Any]
      return clearance?["decision"] as? String == "below"
    }
    #expect(
      try await dosectl(["room", "clear", "room-1", "--wipe-test", "10 wipes < 200 dpm/100 cm2"])
        .status == 0)
    #expect(try await room()["occupancy"] as? String == "clear")

    // Every survey of the package counts (about 1.4 at this bench on average): survey until
    // the surveys together pass, then release.
    for _ in 1...8 {
      let surveyed = try await json(["waste", "survey", "W-1", "--surveyor", "J. Smith"])
      let package = try #require(surveyed["package"] as? [String: Any])
      let decision = try #require(package["release_decision"] as? [String: Any])
      if decision["passed"] as? Bool == true { break }
    }
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
    kill(daemon.processIdentifier, SIGTERM)
    daemon.waitUntilExit()
    #expect(daemon.terminationStatus == 0)
  }
}
