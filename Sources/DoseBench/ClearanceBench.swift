import DoseCore

/// `clearance`: rooms after discharge, half truly at 0.5× the clearance level and half at 1.2×.
/// How long until each method decides a room is below, and how many rooms above the level it
/// wrongly declares clear.
public struct ClearanceBench: Sendable {
  public var tube: TubeModel
  /// Clearance level, µSv/h (the default `clear_usv_h` of config/dosed.toml).
  public var limitUSvH = 0.5
  /// Dose rate while the patient is in the room, µSv/h.
  public var patientUSvH = 20.0
  public var patientSeconds = 120
  public var roomsPerGroup = 10_000
  public var seed: UInt64 = 2
  /// The fixed method's count (a 10-minute survey).
  public var fixedCountSeconds = 600
  /// dosed gives up on a room after this long (counts it as undecided).
  public var maxSeconds = 3600

  public init(tube: TubeModel) {
    self.tube = tube
  }

  var calibration: Calibration {
    Calibration(
      sensitivityCpmPerUSvH: tube.sensitivityCpmPerUSvH, nuclide: tube.calibrationNuclide,
      source: tube.source, deadTimeSeconds: tube.deadTimeSeconds ?? 0,
      maxObservedCPS: tube.maxObservedCPS)
  }

  public func run() -> [ClearanceResult] {
    var dosedTimes: [Double] = []
    var dosedWrong = 0
    var dosedUndecided = 0
    var fixedWrong = 0
    var fixedMissed = 0
    var train = PulseTrain(seed: seed)
    for group in [0.5, 1.2] {
      for _ in 0..<roomsPerGroup {
        let truth = group * limitUSvH
        let room = simulateRoom(truthUSvH: truth, train: &train)
        if group < 1 {
          if let time = room.dosedSeconds { dosedTimes.append(time) } else { dosedUndecided += 1 }
          if !room.fixedClear { fixedMissed += 1 }
        } else {
          if room.dosedSeconds != nil { dosedWrong += 1 }
          if room.fixedClear { fixedWrong += 1 }
        }
      }
    }
    let dosedMedian = quantiles(dosedTimes).median
    return [
      ClearanceResult(
        method: "dosed", limitUSvH: limitUSvH, timeToDecideMedianSeconds: dosedMedian,
        wrongDecisions: dosedWrong, roomsBelowNotCleared: dosedUndecided,
        roomsPerGroup: roomsPerGroup),
      ClearanceResult(
        method: "fixed_count_600s", limitUSvH: limitUSvH,
        timeToDecideMedianSeconds: Double(fixedCountSeconds), wrongDecisions: fixedWrong,
        roomsBelowNotCleared: fixedMissed, roomsPerGroup: roomsPerGroup),
    ]
  }

  struct RoomOutcome {
    /// Seconds from discharge until dosed decided `below`; nil when it never did.
    var dosedSeconds: Double?
    /// The fixed count's point estimate was below the level.
    var fixedClear: Bool
  }

  func simulateRoom(truthUSvH: Double, train: inout PulseTrain) -> RoomOutcome {
    var monitor = DetectorMonitor(id: "bench", calibration: calibration)
    monitor.configureTests(
      thresholds: [],
      limits: [("bench", LimitTest(limitUSvH: limitUSvH, calibration: calibration))])
    var room = IsolationRoomMonitor(
      id: "bench", detectorIDs: ["bench"], occupancy: .awaitingClearance, clearUSvH: limitUSvH,
      alarms: DoseAlarmTracker(warnUSvH: 1000, alarmUSvH: 2000))
    let patient = observedMean(calibration, doseUSvH: patientUSvH)
    let after = observedMean(calibration, doseUSvH: truthUSvH)
    var end = 0.0
    func ingest(_ counts: UInt64) {
      monitor.ingest(
        Reading(
          detectorID: "bench", counts: counts, intervalSeconds: 1, monotonicSeconds: end,
          wallTime: .distantPast))
    }
    for _ in 0..<patientSeconds {
      end += 1
      ingest(train.next(mean: patient, withTimes: false))
    }
    let discharge = end
    var fixedCounts: UInt64 = 0
    var decided: Double?
    for second in 1...Swift.max(maxSeconds, fixedCountSeconds) {
      end += 1
      let counts = train.next(mean: after, withTimes: false)
      if second <= fixedCountSeconds { fixedCounts += counts }
      if decided == nil, second <= maxSeconds {
        ingest(counts)
        // The room's full assessment only once the sequential test could allow `below`.
        if monitor.limitTest("bench")?.decidedBelow == true {
          let assessment = room.assess(detectors: [monitor.assess(now: end)])
          if assessment.clearance?.decision == .below { decided = end - discharge }
        }
      }
      if decided != nil && second >= fixedCountSeconds { break }
    }
    let fixedDose =
      Double(fixedCounts) / Double(fixedCountSeconds) * 60
      / calibration.sensitivityCpmPerUSvH
    return RoomOutcome(dosedSeconds: decided, fixedClear: fixedDose < limitUSvH)
  }
}

public struct ClearanceResult: Sendable, Hashable, Codable {
  public var bench = "clearance"
  public var method: String
  public var limitUSvH: Double
  public var timeToDecideMedianSeconds: Double
  /// Rooms at 1.2× the level declared clear.
  public var wrongDecisions: Int
  /// Rooms at 0.5× the level not declared clear (dosed: within its time limit).
  public var roomsBelowNotCleared: Int
  public var roomsPerGroup: Int

  enum CodingKeys: String, CodingKey {
    case bench, method
    case limitUSvH = "limit_usv_h"
    case timeToDecideMedianSeconds = "time_to_decide_s_median"
    case wrongDecisions = "wrong_decisions"
    case roomsBelowNotCleared = "rooms_below_not_cleared"
    case roomsPerGroup = "rooms_per_group"
  }
}
