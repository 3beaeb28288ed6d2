import DetectorDrivers
import DoseCore
import Foundation

/// The ward's decisions in one deterministic value: detectors, locations, rooms, stores and
/// alarms. No actor, no I/O, no clock reads: it takes driver events and the time, and returns
/// what it concluded (a `WardSnapshot`) and what the edges must do (`WardEffect`s).
struct WardModel: Sendable {
  var detectors: DetectorBoard
  var locations: [LocationMonitor]
  /// The latest assessment of each location, for the control commands.
  var lastAssessments: [String: LocationAssessment] = [:]
  /// The state and level each location was last recorded in.
  var recordedLocations: [String: (state: LocationState, alarm: AlarmLevel)] = [:]
  var rooms = RoomBook()
  var waste: WasteBook
  var alarms = AlarmBook()
  var recordFaults = RecordFaultBook()
  private var aggregator = MinuteAggregator()

  init(config: DaemonConfig, timeScale: Double, at time: Date) {
    detectors = DetectorBoard(config: config, timeScale: timeScale)
    let calibrations = Self.calibrations(config)
    locations = config.locations.map { LocationMonitor(config: $0, calibrations: calibrations) }
    waste = WasteBook(packages: WasteBook.configuredPackages(locations, at: time))
  }

  static func calibrations(_ config: DaemonConfig) -> [String: Calibration] {
    config.detectors.reduce(into: [String: Calibration]()) { $0[$1.id] = $1.calibration }
  }

  func roomIndex(_ id: String) -> Int? {
    locations.firstIndex { $0.config.id == id && $0.config.kind == .isolationRoom }
  }

  func location(_ id: String) -> LocationMonitor? {
    locations.first { $0.config.id == id }
  }

  // MARK: Driver events

  /// Takes one driver event. A reading goes into its detector's window and its minute.
  mutating func apply(_ event: DriverEvent, at now: DoseClock.Now) -> [WardEffect] {
    var effects: [WardEffect] = []
    guard let assessment = detectors.apply(event, at: now, effects: &effects),
      case .reading(let reading) = event
    else { return effects }
    let dose = assessment.state == .ok ? assessment.estimate?.doseRateUSvH : nil
    if let minute = aggregator.add(reading, doseRateUSvH: dose) {
      effects.insert(.minutes([minute]), at: 0)
    }
    return effects
  }

  /// The minutes still open (at a stop).
  mutating func flushMinutes() -> [MinuteAggregate] {
    aggregator.flush()
  }

  // MARK: Evaluation

  /// Re-evaluates everything at `now`: staleness, locations, alarms.
  mutating func evaluate(at now: DoseClock.Now, storage: StorageCondition) -> (
    WardSnapshot, [WardEffect]
  ) {
    var effects: [WardEffect] = []
    let seconds = now.monotonicSeconds
    let time = now.wallTime
    let assessments = detectors.assessAll(at: seconds)
    let settling = detectors.settling(assessments, at: seconds)
    let restarting = detectors.restarting(assessments, at: seconds)
    var snapshot = WardSnapshot(time: now)
    var raised: [WardAlarm] = []
    for id in detectors.order {
      guard let assessment = assessments[id], let config = detectors.configs[id] else { continue }
      snapshot.detectors.append(
        DetectorView(
          config: config, assessment: assessment, identity: detectors.identities[id],
          counters: detectors.linkCounters[id]))
      if !settling && !restarting.contains(id) {
        detectors.noteState(assessment, at: time, effects: &effects)
      }
      let key = AlarmKey.fault(detector: id)
      let awaiting = detectors.awaitingFirstReading(
        id, assessments, at: seconds, restarting: restarting)
      if assessment.state != .ok && (!awaiting || alarms.wasActiveBefore(key)) {
        raised.append(
          WardAlarm(
            key: key, level: .alarm,
            message: "detector \(assessment.state.rawValue)"
              + (assessment.reason.map { ": \($0)" } ?? ""),
            since: alarms.start(key, at: time)))
      } else {
        alarms.end(key)
      }
    }
    for index in locations.indices {
      let view = evaluateLocation(
        index, assessments: assessments, at: time,
        record: !settling
          && restarting.isDisjoint(with: locations[index].config.detectors), effects: &effects)
      snapshot.locations.append(view)
      raised += doseAlarms(view, at: time)
    }
    raised += storageAlarms(storage, at: time)
    raised += alarms.tests.sorted { $0.key < $1.key }.map(\.value)
    snapshot.alarms = alarms.identify(raised)
    if !settling {
      // A restarting detector's fault alarm is recorded as it was before the reload.
      let recordable =
        snapshot.alarms.filter { alarm in
          guard case .fault(let detector) = alarm.key else { return true }
          return !restarting.contains(detector)
        }
        + restarting.compactMap { alarms.recorded[.fault(detector: $0)] }
      alarms.recordChanges(recordable, at: time, clockSeconds: seconds, effects: &effects)
    }
    return (snapshot, effects)
  }

  private mutating func evaluateLocation(
    _ index: Int, assessments: [String: DetectorAssessment], at time: Date, record: Bool,
    effects: inout [WardEffect]
  ) -> LocationView {
    let config = locations[index].config
    let inputs = config.detectors.compactMap { assessments[$0] }
    let packages = config.kind == .wasteStore ? waste.states(of: config, at: time) : nil
    let assessment = locations[index].assess(detectors: inputs, at: time, packages: packages)
    lastAssessments[config.id] = assessment
    let source = assessment.doseRateDetector.flatMap { assessments[$0] }
    // The middle of the window behind the value, in wall time.
    let measuredAt = source.flatMap { detector in
      detector.lastReading.map { reading in
        reading.wallTime.addingTimeInterval(
          -((detector.estimate.map { $0.windowEnd - $0.windowStart } ?? 0) / 2))
      }
    }
    let release = rooms.release(
      of: config, occupied: locations[index].room?.occupancy == .occupied,
      assessment: assessment, counts: source?.estimate?.counts, at: time, measuredAt: measuredAt)
    var view = LocationView(config: config, assessment: assessment, release: release)
    if let fault = recordFaults[config.id] {
      view.state = .fault
      view.alarm = .alarm
      view.reasons = ["records unreadable: \(fault.reason)"] + view.reasons
    }
    if record { noteLocationState(assessment, at: time, effects: &effects) }
    return view
  }

  /// A location's dose alarm at its level, if any; ends the occurrences of levels it is below.
  private mutating func doseAlarms(_ view: LocationView, at time: Date) -> [WardAlarm] {
    let assessment = view.assessment
    let config = view.config
    for level in [AlarmLevel.warn, .alarm] where assessment.doseAlarm < level {
      alarms.end(.dose(location: config.id, level: level))
    }
    guard assessment.doseAlarm > .none else { return [] }
    let level = assessment.doseAlarm
    let threshold = level == .alarm ? config.alarmUSvH : config.warnUSvH
    let message: String
    let detector: String?
    let evidence = assessment.alarmEvidence[level]
    if let over = assessment.overRangeDetectors.first {
      detector = over
      message =
        "detector \(over) is above its measuring range: the dose rate is at least what it "
        + "can measure"
    } else {
      detector = evidence?.detector ?? assessment.doseRateDetector
      let rate = assessment.doseRateUSvH.map { String(format: "%.3g", $0) } ?? "?"
      message =
        "dose rate \(rate) µSv/h reached the \(level.rawValue) level "
        + "\(String(format: "%g", threshold)) µSv/h"
        + (evidence.map { " (" + Self.explain($0) + ")" } ?? "")
    }
    let key = AlarmKey.dose(location: config.id, level: level)
    return [
      WardAlarm(
        key: key, level: level, message: message, since: alarms.start(key, at: time),
        evidence: evidence, detector: detector)
    ]
  }
}
