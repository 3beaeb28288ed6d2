import DetectorDrivers
import DoseCore
import Foundation

/// The ward's detectors: their configuration, monitors, device identities and link counters,
/// and the state each was last recorded in.
struct DetectorBoard: Sendable {
  /// Detector ids in configuration order.
  private(set) var order: [String]
  private(set) var configs: [String: DetectorConfig]
  private(set) var monitors: [String: DetectorMonitor]
  private(set) var identities: [String: DeviceIdentity] = [:]
  private(set) var linkCounters: [String: LinkCounters] = [:]
  /// The state each detector was last recorded in.
  private var recordedStates: [String: DetectorState] = [:]
  /// Detectors a reload restarted (clock seconds of the reload), until their first reading:
  /// like every detector at start-up, they are shown `stale` but their "no reading yet" is not
  /// recorded as a fault unless it outlasts their staleness limit.
  private var restartedAt: [String: Double] = [:]
  /// The clock's time scale (simulation), for the staleness limits.
  private let timeScale: Double

  init(config: DaemonConfig, timeScale: Double) {
    self.timeScale = timeScale
    order = config.detectors.map(\.id)
    configs = Dictionary(uniqueKeysWithValues: config.detectors.map { ($0.id, $0) })
    var monitors: [String: DetectorMonitor] = [:]
    for detector in config.detectors {
      monitors[detector.id] = Self.monitor(for: detector, timeScale: timeScale)
    }
    Self.installTests(in: &monitors, config: config)
    self.monitors = monitors
  }

  static func monitor(for detector: DetectorConfig, timeScale: Double) -> DetectorMonitor {
    DetectorMonitor(
      id: detector.id, calibration: detector.calibration,
      settings: settings(for: detector, timeScale: timeScale),
      spectrumModel: detector.spectrumModel)
  }

  /// Gives each detector the sequential tests its locations ask for. A test whose design is
  /// unchanged keeps its statistics (see `DetectorMonitor.configureTests`).
  static func installTests(in monitors: inout [String: DetectorMonitor], config: DaemonConfig) {
    for detector in config.detectors {
      var thresholds: [(key: String, test: ThresholdTest)] = []
      var limits: [(key: String, test: LimitTest)] = []
      for location in config.locations where location.detectors.contains(detector.id) {
        let tests = LocationMonitor.tests(
          location, detector: detector.id, calibration: detector.calibration)
        thresholds += tests.thresholds
        limits += tests.limits
      }
      monitors[detector.id]?.configureTests(thresholds: thresholds, limits: limits)
    }
  }

  /// Detector settings. Staleness defaults to three missed readings plus a second of slack; a
  /// configured `stale_after_s` is used as it is. Under a scaled clock (simulation only) the
  /// simulated driver reads at most every `SimulatedDetector.defaultMinRealPeriod` real seconds,
  /// so staleness is stretched to match, or every detector would look stale.
  static func settings(for detector: DetectorConfig, timeScale: Double)
    -> DetectorMonitor.Settings
  {
    var staleAfter = detector.staleAfterSeconds ?? (3 * detector.readingIntervalSeconds + 1)
    if timeScale != 1 {
      let period = Swift.max(
        detector.readingIntervalSeconds, SimulatedDetector.defaultMinRealPeriod * timeScale)
      staleAfter = Swift.max(staleAfter, 3 * period + timeScale)
    }
    return DetectorMonitor.Settings(
      staleAfterSeconds: staleAfter, minBackgroundUSvH: detector.minBackgroundUSvH)
  }

  // MARK: Driver events

  /// Takes one driver event; returns the detector's assessment after a reading (for the
  /// minute records and surveys), nil otherwise.
  mutating func apply(
    _ event: DriverEvent, at now: DoseClock.Now, effects: inout [WardEffect]
  ) -> DetectorAssessment? {
    guard var monitor = monitors[event.detectorID] else { return nil }
    defer { monitors[event.detectorID] = monitor }
    switch event {
    case .connected(let id, let identity):
      identities[id] = identity
      effects.append(
        .record(
          WardRecord(
            time: now.wallTime, kind: .deviceAttached, detector: id, message: identity.summary)))
      effects.append(
        .publish(.deviceAttached(detector: id, summary: identity.summary, at: now.wallTime)))
    case .counters(let id, let counters):
      linkCounters[id] = counters
    case .disconnected(let id, let reason):
      monitor.disconnect(reason: reason)
      effects.append(
        .record(
          WardRecord(
            time: now.wallTime, kind: .deviceDetached, detector: id, level: .alarm,
            message: reason)))
      effects.append(.publish(.deviceDetached(detector: id, reason: reason, at: now.wallTime)))
    case .reading(let reading):
      monitor.ingest(reading)
      let assessment = monitor.assess(now: now.monotonicSeconds)
      effects.append(.publish(.reading(reading, assessment)))
      return assessment
    }
    return nil
  }

  // MARK: Evaluation

  /// Every detector's assessment at `now`, once per evaluation.
  func assessAll(at seconds: Double) -> [String: DetectorAssessment] {
    monitors.mapValues { $0.assess(now: seconds) }
  }

  /// At start-up every detector is `stale` ("no reading yet") until its first reading: shown
  /// as it is, but not recorded as state changes and alarms while any detector is still within
  /// its first staleness limit.
  func settling(_ assessments: [String: DetectorAssessment], at seconds: Double) -> Bool {
    monitors.contains { id, monitor in
      assessments[id]?.ageSeconds == nil && seconds < monitor.settings.staleAfterSeconds
    }
  }

  /// Whether `id` has not read yet since the start or since a reload restarted it, and is
  /// still within its staleness limit. Such a detector is shown `stale` ("no reading yet") and
  /// blocks every decision it feeds, but raises no new fault alarm: an alarm at every restart
  /// would reach the door beacon and the pager each time, and alarms that always mean nothing
  /// teach people to ignore them. One that outlasts the limit alarms as any silent detector
  /// does.
  func awaitingFirstReading(
    _ id: String, _ assessments: [String: DetectorAssessment], at seconds: Double,
    restarting: Set<String>
  ) -> Bool {
    // Only silence: a driver that said the device is gone, or a latched fault, alarms at once.
    guard let monitor = monitors[id], let assessment = assessments[id],
      assessment.ageSeconds == nil, assessment.state == .stale
    else { return false }
    return restarting.contains(id) || seconds < monitor.settings.staleAfterSeconds
  }

  /// Detectors a reload restarted that have not read yet and are within their staleness limit;
  /// forgets the others.
  mutating func restarting(_ assessments: [String: DetectorAssessment], at seconds: Double)
    -> Set<String>
  {
    let ids = Set(
      restartedAt.compactMap { id, at -> String? in
        guard let monitor = monitors[id], assessments[id]?.ageSeconds == nil,
          seconds - at < monitor.settings.staleAfterSeconds
        else { return nil }
        return id
      })
    restartedAt = restartedAt.filter { ids.contains($0.key) }
    return ids
  }

  /// Records a detector's change of state (start → ok, ok → stale, …).
  mutating func noteState(
    _ assessment: DetectorAssessment, at time: Date, effects: inout [WardEffect]
  ) {
    let previous = recordedStates[assessment.id]
    guard previous != assessment.state else { return }
    recordedStates[assessment.id] = assessment.state
    effects.append(
      .record(
        WardRecord(
          time: time, kind: .detectorState, detector: assessment.id,
          level: assessment.state == .ok ? nil : .alarm,
          message: "\(previous?.rawValue ?? "start") → \(assessment.state.rawValue)"
            + (assessment.reason.map { ": \($0)" } ?? ""))))
    effects.append(.publish(.detectorState(assessment, previous: previous, at: time)))
  }

  // MARK: Reload

  /// Installs a new configuration's detectors. An unchanged detector keeps its monitor (window,
  /// estimate, fault state, tests); a changed or new one starts afresh, as at start-up.
  mutating func reconfigure(to config: DaemonConfig, at seconds: Double) -> ConfigChanges {
    var changes = ConfigChanges()
    var next: [String: DetectorMonitor] = [:]
    for detector in config.detectors {
      switch configs[detector.id] {
      case .some(let previous) where previous == detector:
        next[detector.id] =
          monitors[detector.id] ?? Self.monitor(for: detector, timeScale: timeScale)
        changes.unchanged.append(detector.id)
      case .some:
        next[detector.id] = Self.monitor(for: detector, timeScale: timeScale)
        changes.changed.append(detector.id)
      case .none:
        next[detector.id] = Self.monitor(for: detector, timeScale: timeScale)
        changes.added.append(detector.id)
      }
    }
    let ids = Set(config.detectors.map(\.id))
    changes.removed = order.filter { !ids.contains($0) }
    for id in changes.removed + changes.changed {
      // A removed detector's identity and link counters go; a changed one's come back with its
      // driver. Its recorded state is kept so the next change is recorded against it.
      identities[id] = nil
      linkCounters[id] = nil
    }
    for id in changes.removed {
      recordedStates[id] = nil
      restartedAt[id] = nil
    }
    for id in changes.changed + changes.added {
      restartedAt[id] = seconds
    }
    Self.installTests(in: &next, config: config)
    monitors = next
    order = config.detectors.map(\.id)
    configs = Dictionary(uniqueKeysWithValues: config.detectors.map { ($0.id, $0) })
    return changes
  }
}

/// What a reload did to the detectors or locations, by id.
struct ConfigChanges: Sendable, Equatable {
  /// Same settings: kept running, state and estimates intact.
  var unchanged: [String] = []
  /// Settings changed: rebuilt (a detector's driver restarts and its estimate starts afresh).
  var changed: [String] = []
  var added: [String] = []
  var removed: [String] = []
}
