import DetectorDrivers
import DoseCore
import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

/// A ward through a day on a manual clock: the ward loop (no drivers, no socket), readings
/// handed in as a driver would send them, the records in a temporary directory. Admission, a
/// dose step, a dead detector, discharge, clearance and a waste release, deterministic and in
/// well under a second of computing whatever the machine.
@Suite struct WardDayTests {
  static let ward = """
    [[detector]]
    id = "room"
    driver = "simulated"
    tube = "SBM-20"
    reading_interval_s = 60

    [[detector]]
    id = "survey"
    driver = "simulated"
    tube = "SBM-20"
    reading_interval_s = 60
    background = { counts = 1060, seconds = 6000 }

    [[location]]
    id = "room-1"
    kind = "isolation_room"
    detectors = ["room"]
    warn_usv_h = 20.0
    alarm_usv_h = 200.0
    state = "clear"
    release_preset = "us-default"
    geometry_factor = 1.0

    [[location]]
    id = "store"
    kind = "waste_store"
    detectors = ["survey"]
    warn_usv_h = 50.0
    alarm_usv_h = 100.0
    release_rule = "us-dis"
    survey_detector = "survey"
    survey_seconds = 300
    """

  /// The ward loop on a manual clock, and the dose rate each detector sees.
  final class Day: @unchecked Sendable {
    let time = ManualClock()
    let clock: DoseClock
    let engine: Engine
    let sensitivity: Double
    var rng = SeededGenerator(seed: 20_261_206)
    var doseUSvH: [String: Double] = ["room": 0.1, "survey": 0.08]
    var silent: Set<String> = []

    init(directory: String) async throws {
      let config = try ConfigLoader.parse(WardDayTests.ward, path: "day.toml")
      let start = Date(timeIntervalSince1970: 1_796_025_600)  // 2026-12-01 08:00 UTC
      clock = DoseClock(source: time, start: start)
      engine = Engine(config: config, clock: clock)
      sensitivity = config.detectors[0].calibration.sensitivityCpmPerUSvH
      try await engine.attach(store: RecordStore(directory: directory))
    }

    /// Runs the ward for `seconds`: a 60 s reading from every detector that is not silent,
    /// then an evaluation, as the ward loop would.
    func run(_ seconds: Double) async {
      let end = time.seconds + seconds
      while time.seconds < end {
        await time.advance(to: time.seconds + 60)
        let now = clock.now()
        for (id, dose) in doseUSvH.sorted(by: { $0.key < $1.key }) where !silent.contains(id) {
          let counts = PoissonSampler.sample(mean: dose * sensitivity, using: &rng)
          await engine.handle(
            .reading(
              Reading(
                detectorID: id, counts: counts, intervalSeconds: 60,
                monotonicSeconds: now.monotonicSeconds, wallTime: now.wallTime)))
        }
        await engine.evaluate()
      }
    }

    func room() async -> LocationStatus? {
      await engine.status(id: nil).locations.first { $0.id == "room-1" }
    }

    func alarmIDs() async -> Set<String> {
      Set(await engine.status(id: nil).alarms.compactMap(\.alarmID))
    }
  }

  @Test func aWardThroughADay() async throws {
    let directory = "/tmp/dosed-day-\(UUID().uuidString.prefix(8))"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let day = try await Day(directory: directory)
    await day.run(600)
    #expect(await day.room()?.state == "clear")
    #expect(await day.alarmIDs().isEmpty)

    // Admission: the patient brings 40 µSv/h at the detector, above the warn level.
    _ = try await day.engine.admit(
      room: "room-1", patient: "P-0001", nuclide: "Lu-177", activityBq: 7.4e9, at: nil,
      actor: nil)
    day.doseUSvH["room"] = 40
    await day.run(300)
    #expect(await day.room()?.state == "occupied")
    #expect(await day.alarmIDs() == ["dose:room-1:warn"])

    // The room's counter dies: a fault within its staleness limit, never a quiet room.
    day.silent = ["room"]
    await day.run(240)
    #expect(await day.room()?.state == "fault")
    #expect(await day.alarmIDs().contains("fault:room"))
    day.silent = []
    await day.run(600)
    #expect(await day.room()?.state == "occupied")
    #expect(!(await day.alarmIDs().contains("fault:room")))

    // Two hours on, below the warn level, the patient leaves; the room is back at background
    // but not clear until the clearance test says so and the wipe test is recorded.
    day.doseUSvH["room"] = 12
    await day.run(2 * 3600)
    #expect(!(await day.alarmIDs().contains("dose:room-1:warn")))
    #expect(await day.room()?.release?.limitUSvH != nil)
    _ = try await day.engine.discharge(room: "room-1", at: nil, actor: nil)
    day.doseUSvH["room"] = 0.1
    await day.run(60)
    #expect(await day.room()?.state == "awaiting_clearance")
    await #expect(throws: ControlFailure.self) {
      _ = try await day.engine.clear(room: "room-1", wipeTest: "", actor: nil)
    }
    await day.run(3600)
    #expect(await day.room()?.clearance?.decision == "below")
    _ = try await day.engine.clear(room: "room-1", wipeTest: "wipes < 0.3 Bq/cm²", actor: nil)
    await day.run(60)
    #expect(await day.room()?.state == "clear")
    #expect(await day.alarmIDs().isEmpty)

    // Waste sealed 200 days ago: due; surveyed (each survey counts 300 s of readings) until
    // the surveys together pass, then released.
    _ = try await day.engine.addWaste(
      WasteAddRequest(
        id: nil, package: "W-1", store: "store", activitiesBq: ["Lu-177": 5e7], massG: 1000,
        at: day.clock.now().wallTime.addingTimeInterval(-200 * 86_400),
        surfaceUSvH: 3, route: "nca"), actor: nil)
    var passed = false
    for _ in 0..<20 where !passed {
      let survey = Task {
        try await day.engine.surveyWaste(package: "W-1", surveyor: "A. Tech", actor: nil)
      }
      while await !day.engine.isSurveying("survey") { await Task.yield() }
      await day.run(360)
      passed = try await survey.value.releaseDecision?.passed == true
    }
    #expect(passed)
    let released = try await day.engine.releaseWaste("W-1", actor: nil)
    #expect(released.state == "released")

    await day.engine.writer.flush()
    let kinds = try #require(await day.engine.store).events().map(\.kind)
    for kind in [
      "admit", "alarm", "alarm_cleared", "discharge", "clear", "waste_add",
      "waste_survey", "waste_release",
    ] {
      #expect(kinds.contains(kind), "\(kind) not recorded")
    }
  }
}

extension Engine {
  func isSurveying(_ detector: String) -> Bool { surveys[detector] != nil }
}
