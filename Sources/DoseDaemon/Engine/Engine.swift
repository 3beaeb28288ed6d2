import DetectorDrivers
import DoseCore
import DoseProtocol
import Foundation
import Logging

/// Owns all mutable monitoring state. Drivers feed it events; clients read its latest snapshot
/// (never a device, as gpsd and NUT do); watchers get its events.
public actor Engine {
  let clock: DoseClock
  /// Detector ids in configuration order; this and the configurations change on reload.
  var detectorOrder: [String]
  var detectorConfigs: [String: DetectorConfig]
  var detectors: [String: DetectorMonitor]
  var locations: [LocationMonitor]
  /// The latest assessment of each location, for the control commands.
  var lastAssessments: [String: LocationAssessment] = [:]
  /// The records; nil when running without (no database, or it could not be opened).
  var store: RecordStore?
  /// Why records cannot be written right now; shown as a `storage` alarm.
  var storageProblem: String?
  /// Records waiting for the database to take writes again.
  var backlog = StorageBacklog()
  var lastStorageRetry = -Double.infinity
  /// Each room's current admission and when its occupancy last changed.
  var roomRecords: [String: (since: Date?, admission: AdmissionRecord?)] = [:]
  var aggregator = MinuteAggregator()
  /// Occupied rooms' release questions, and the last answers.
  var releaseTrackers: [String: RoomReleaseTracker] = [:]
  var releaseStatuses: [String: ReleaseStatus] = [:]
  /// Waste packages (records, or the configuration's without a database).
  var wastePackages: [WastePackageRecord] = []
  var packageCache:
    [String: (at: Date, record: WastePackageRecord, assessment: PackageAssessment)] = [:]
  /// Release surveys in progress, by detector.
  var surveySessions: [String: SurveySession] = [:]
  /// Alarm keys active at the last evaluation, for recording raise and clear events.
  var activeAlarms: [String: AlarmStatus] = [:]
  var hub = EventHub()
  var identities: [String: DeviceIdentity] = [:]
  private var deviceView = DeviceView()
  var linkCounters: [String: LinkCounters] = [:]

  var detectorStates: [String: DetectorState] = [:]
  var locationStates: [String: (state: LocationState, alarm: AlarmLevel)] = [:]
  var alarmSince: [String: Date] = [:]
  /// Detectors a reload restarted (clock seconds of the reload), until their first reading:
  /// like every detector at start-up, they are shown `stale` but their "no reading yet" is not
  /// recorded as a fault unless it outlasts their staleness limit.
  var restartedAt: [String: Double] = [:]
  /// Where recorded state changes and alarms are also logged (the journal); nil in tests.
  var logger: Logger?
  /// A flapping detector's state lines: at most a few per detector per window.
  var journalLimiter = DeviceLogLimiter()
  var latest: StatusReply {
    didSet { snapshot.publish(latest) }
  }
  /// `latest` for the socket sessions, encoded on first demand (see `EncodedStatus`).
  nonisolated let snapshot = StatusSnapshot()
  /// Alarm occurrences active at the last stop, waiting to be raised again (see
  /// `restoredAlarmGraceSeconds`).
  var restoredAlarms: [String: AlarmStateRecord] = [:]
  /// Acknowledged alarm occurrences, by alarm id.
  var acknowledgements: [String: Acknowledgement] = [:]
  /// Where an operator's `--at` may fall.
  var actionTimeWindow: ActionTimeWindow
  /// Rows the start-up self-check could not read.
  var unreadableRecords: [UnreadableRecord] = []
  /// Rooms and stores whose records could not be read, and why: held fail-safe until a recorded
  /// action replaces the record.
  var recordFaults: [String: RecordFault] = [:]
  /// Rooms in the records (not clear) that the configuration no longer has.
  var orphanRooms: [String: OrphanRoom] = [:]

  public init(config: DaemonConfig, clock: DoseClock) {
    self.clock = clock
    actionTimeWindow = ActionTimeWindow(config.daemon)
    detectorOrder = config.detectors.map(\.id)
    detectorConfigs = Dictionary(uniqueKeysWithValues: config.detectors.map { ($0.id, $0) })
    var monitors: [String: DetectorMonitor] = [:]
    for detector in config.detectors {
      monitors[detector.id] = Self.monitor(for: detector, clock: clock)
    }
    Self.installTests(in: &monitors, config: config)
    detectors = monitors
    let calibrations = Self.calibrations(config)
    locations = config.locations.map {
      LocationMonitor(config: $0, calibrations: calibrations)
    }
    let now = clock.now()
    wastePackages = Self.configuredPackages(locations, at: now.wallTime)
    latest = StatusReply(
      id: nil, time: now.wallTime, version: ProtocolInfo.softwareVersion, uptimeSeconds: 0,
      timeScale: clock.scale, detectors: [], locations: [], alarms: [])
  }

  static func monitor(for detector: DetectorConfig, clock: DoseClock) -> DetectorMonitor {
    DetectorMonitor(
      id: detector.id, calibration: detector.calibration,
      settings: settings(for: detector, clock: clock), spectrumModel: detector.spectrumModel)
  }

  static func calibrations(_ config: DaemonConfig) -> [String: Calibration] {
    config.detectors.reduce(into: [String: Calibration]()) { $0[$1.id] = $1.calibration }
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
  static func settings(for detector: DetectorConfig, clock: DoseClock) -> DetectorMonitor.Settings {
    var staleAfter = detector.staleAfterSeconds ?? (3 * detector.readingIntervalSeconds + 1)
    if clock.scale != 1 {
      let period = Swift.max(
        detector.readingIntervalSeconds, SimulatedDetector.defaultMinRealPeriod * clock.scale)
      staleAfter = Swift.max(staleAfter, 3 * period + clock.scale)
    }
    return DetectorMonitor.Settings(
      staleAfterSeconds: staleAfter, minBackgroundUSvH: detector.minBackgroundUSvH)
  }

  // MARK: Input

  public func handle(_ event: DriverEvent) {
    guard var monitor = detectors[event.detectorID] else { return }
    let now = clock.now()
    switch event {
    case .connected(let id, let identity):
      identities[id] = identity
      record(
        StoredEvent(
          time: now.wallTime, kind: "device_attached", detector: id, message: identity.summary))
      var watch = WatchEvent(event: "device_attached", time: now.wallTime)
      watch.detector = id
      watch.reason = identity.summary
      hub.publish(watch)
    case .counters(let id, let counters):
      linkCounters[id] = counters
    case .disconnected(let id, let reason):
      monitor.disconnect(reason: reason)
      record(
        StoredEvent(
          time: now.wallTime, kind: "device_detached", detector: id, level: "alarm",
          message: reason))
      var watch = WatchEvent(event: "device_detached", time: now.wallTime)
      watch.detector = id
      watch.reason = reason
      hub.publish(watch)
    case .reading(let reading):
      monitor.ingest(reading)
      let assessment = monitor.assess(now: now.monotonicSeconds)
      let dose = assessment.state == .ok ? assessment.estimate?.doseRateUSvH : nil
      if let minute = aggregator.add(reading, doseRateUSvH: dose) { save([minute]) }
      feedSurvey(reading, monitor: monitor)
      var watch = WatchEvent(event: "reading", time: reading.wallTime)
      watch.detector = reading.detectorID
      watch.state = assessment.state.rawValue
      watch.cps = assessment.estimate?.cps.flatMap(StatusMapping.finite)
      watch.doseRateUSvH = assessment.estimate?.doseRateUSvH.flatMap(StatusMapping.finite)
      watch.ci95USvH = StatusMapping.interval(assessment.estimate?.doseRateInterval)
      hub.publish(watch)
    }
    detectors[event.detectorID] = monitor
  }

  /// Re-evaluates everything at the current time: staleness, locations, alarms, snapshot.
  public func evaluate() {
    let now = clock.now()
    var detectorAssessments: [String: DetectorAssessment] = [:]
    var detectorStatuses: [DetectorStatus] = []
    var alarms: [AlarmStatus] = []
    // At start-up every detector is `stale` ("no reading yet") until its first reading: shown
    // as it is, but not recorded as state changes and alarms unless it lasts past the
    // detector's staleness limit.
    let settling = detectors.values.contains { monitor in
      monitor.assess(now: now.monotonicSeconds).ageSeconds == nil
        && now.monotonicSeconds < monitor.settings.staleAfterSeconds
    }
    let restarting = Set(
      restartedAt.compactMap { id, at -> String? in
        guard let monitor = detectors[id],
          monitor.assess(now: now.monotonicSeconds).ageSeconds == nil,
          now.monotonicSeconds - at < monitor.settings.staleAfterSeconds
        else { return nil }
        return id
      })
    restartedAt = restartedAt.filter { restarting.contains($0.key) }
    for id in detectorOrder {
      guard let monitor = detectors[id], let config = detectorConfigs[id] else { continue }
      let assessment = monitor.assess(now: now.monotonicSeconds)
      detectorAssessments[id] = assessment
      detectorStatuses.append(
        StatusMapping.detector(
          assessment, config: config, identity: identities[id], counters: linkCounters[id]))
      if !settling && !restarting.contains(id) { noteDetectorState(assessment, at: now.wallTime) }
      if assessment.state != .ok {
        alarms.append(
          AlarmStatus(
            kind: "fault", level: AlarmLevel.alarm.rawValue, location: nil, detector: id,
            message: "detector \(assessment.state.rawValue)"
              + (assessment.reason.map { ": \($0)" } ?? ""),
            since: since("fault:\(id)", now.wallTime)))
      } else {
        alarmSince.removeValue(forKey: "fault:\(id)")
      }
    }
    checkSurveys(now: now.monotonicSeconds)
    var locationStatuses: [LocationStatus] = []
    for index in locations.indices {
      let config = locations[index].config
      let inputs = config.detectors.compactMap { detectorAssessments[$0] }
      let packages =
        config.kind == .wasteStore ? packageStates(of: config, at: now.wallTime) : nil
      let assessment = locations[index].assess(
        detectors: inputs, at: now.wallTime, packages: packages)
      lastAssessments[config.id] = assessment
      var locationStatus = StatusMapping.location(assessment, config: config)
      let source = assessment.doseRateDetector.flatMap { detectorAssessments[$0] }
      // The middle of the window behind the value, in wall time.
      let measuredAt = source.flatMap { detector in
        detector.lastReading.map { reading in
          reading.wallTime.addingTimeInterval(
            -((detector.estimate.map { $0.windowEnd - $0.windowStart } ?? 0) / 2))
        }
      }
      locationStatus.release = release(
        of: config, assessment: assessment, counts: source?.estimate?.counts, at: now.wallTime,
        measuredAt: measuredAt)
      locationStatuses.append(locationStatus)
      if !settling && restarting.isDisjoint(with: config.detectors) {
        noteLocationState(assessment, at: now.wallTime)
      }
      for level in [AlarmLevel.warn, .alarm] where assessment.doseAlarm < level {
        alarmSince.removeValue(forKey: "dose:\(config.id):\(level.rawValue)")
      }
      if assessment.doseAlarm > .none {
        let level = assessment.doseAlarm
        let threshold = level == .alarm ? config.alarmUSvH : config.warnUSvH
        let message: String
        let detector: String?
        if let over = assessment.overRangeDetectors.first {
          detector = over
          message =
            "detector \(over) is above its measuring range: the dose rate is at least what it "
            + "can measure"
        } else {
          let evidence = assessment.alarmEvidence[level]
          detector = evidence?.detector ?? assessment.doseRateDetector
          let rate = assessment.doseRateUSvH.map { String(format: "%.3g", $0) } ?? "?"
          message =
            "dose rate \(rate) µSv/h reached the \(level.rawValue) level "
            + "\(String(format: "%g", threshold)) µSv/h"
            + (evidence.map { " (" + Self.explain($0) + ")" } ?? "")
        }
        var alarm = AlarmStatus(
          kind: "dose", level: level.rawValue, location: config.id, detector: detector,
          message: message, since: since("dose:\(config.id):\(level.rawValue)", now.wallTime))
        alarm.evidence = assessment.alarmEvidence[level].map(StatusMapping.evidence)
        alarms.append(alarm)
      }
    }
    retryStorage(now: now.monotonicSeconds)
    var storageMessages: [String] = []
    if let problem = storageProblem {
      let waiting =
        backlog.isEmpty
        ? "" : "; \(backlog.count) records wait in memory and are written when it recovers"
      storageMessages.append("records cannot be written: \(problem)\(waiting)")
    }
    let unplaced = unreadableRecords.filter {
      $0.table != "room_state" && $0.table != "waste_package"
    }
    if !unplaced.isEmpty {
      storageMessages.append(
        "\(unplaced.count) record(s) cannot be read (first: \(unplaced[0])); "
          + "see docs/operations.md, \"Records that cannot be read\"")
    }
    if storageMessages.isEmpty {
      alarmSince.removeValue(forKey: "storage")
    } else {
      alarms.append(
        AlarmStatus(
          kind: "storage", level: AlarmLevel.alarm.rawValue, location: nil, detector: nil,
          message: storageMessages.joined(separator: "; "),
          since: since("storage", now.wallTime)))
    }
    let recordAlarms = recordAlarms(at: now.wallTime)
    let current = Set(recordAlarms.map { "\($0.kind):\($0.location ?? "")" })
    for key in alarmSince.keys
    where (key.hasPrefix("storage:") || key.hasPrefix("orphan:")) && !current.contains(key) {
      alarmSince.removeValue(forKey: key)
    }
    alarms += recordAlarms
    for index in locationStatuses.indices {
      guard let reason = recordFaults[locationStatuses[index].id]?.reason else { continue }
      locationStatuses[index].state = LocationState.fault.rawValue
      locationStatuses[index].alarm = AlarmLevel.alarm.rawValue
      locationStatuses[index].reasons =
        ["records unreadable: \(reason)"]
        + (locationStatuses[index].reasons ?? [])
    }
    alarms = identify(alarms)
    forgetAcknowledgements(keeping: alarms)
    if !settling {
      // A restarting detector's fault alarm is recorded as it was before the reload.
      let recordable =
        alarms.filter { !($0.kind == "fault" && restarting.contains($0.detector ?? "")) }
        + restarting.compactMap { activeAlarms["fault:\($0)"] }
      recordAlarmChanges(recordable, at: now.wallTime)
    }
    latest = StatusReply(
      id: nil, time: now.wallTime, version: ProtocolInfo.softwareVersion,
      uptimeSeconds: now.monotonicSeconds, timeScale: clock.scale, detectors: detectorStatuses,
      locations: locationStatuses, alarms: alarms)
  }

  /// One phrase saying why a level was raised.
  static func explain(_ evidence: AlarmEvidence) -> String {
    switch evidence.method {
    case "lower_bound":
      return String(
        format: "95 %% lower bound %.3g µSv/h reached the threshold", evidence.statistic)
    case "over_range":
      return "counter over range"
    default:
      let name = evidence.method == "cusum_fast" ? "fast CUSUM" : "steady CUSUM"
      return name
        + String(
          format: " test: statistic %.1f reached %.1f on %.0f counts in %.0f s",
          evidence.statistic, evidence.decisionValue, evidence.counts, evidence.windowSeconds)
    }
  }

  func since(_ key: String, _ now: Date) -> Date {
    if let start = alarmSince[key] { return start }
    alarmSince[key] = now
    return now
  }

  private func noteDetectorState(_ assessment: DetectorAssessment, at time: Date) {
    let previous = detectorStates[assessment.id]
    guard previous != assessment.state else { return }
    detectorStates[assessment.id] = assessment.state
    record(
      StoredEvent(
        time: time, kind: "detector_state", detector: assessment.id,
        level: assessment.state == .ok ? nil : AlarmLevel.alarm.rawValue,
        message: "\(previous?.rawValue ?? "start") → \(assessment.state.rawValue)"
          + (assessment.reason.map { ": \($0)" } ?? "")))
    var event = WatchEvent(event: "detector_state", time: time)
    event.detector = assessment.id
    event.state = assessment.state.rawValue
    event.previousState = previous?.rawValue
    event.reason = assessment.reason
    hub.publish(event)
  }

  private func noteLocationState(_ assessment: LocationAssessment, at time: Date) {
    let previous = locationStates[assessment.id]
    guard previous?.state != assessment.state || previous?.alarm != assessment.alarm else {
      return
    }
    locationStates[assessment.id] = (assessment.state, assessment.alarm)
    record(
      StoredEvent(
        time: time, kind: "location_state", location: assessment.id,
        level: assessment.alarm == .none ? nil : assessment.alarm.rawValue,
        message: "\(previous?.state.rawValue ?? "start") → \(assessment.state.rawValue), alarm "
          + assessment.alarm.rawValue
          + (assessment.reasons.isEmpty ? "" : ": " + assessment.reasons.joined(separator: "; ")),
        data: MeasurementRecord(assessment).json))
    var event = WatchEvent(event: "location_state", time: time)
    event.location = assessment.id
    event.state = assessment.state.rawValue
    event.previousState = previous?.state.rawValue
    event.alarm = assessment.alarm.rawValue
    event.reason = assessment.reasons.isEmpty ? nil : assessment.reasons.joined(separator: "; ")
    event.doseRateUSvH = assessment.doseRateUSvH.flatMap(StatusMapping.finite)
    event.ci95USvH = StatusMapping.interval(assessment.doseRateInterval)
    hub.publish(event)
  }

  // MARK: Output

  /// The latest snapshot, as a `status` reply.
  public func status(id: RequestID?) -> StatusReply {
    var reply = latest
    reply.id = id
    return reply
  }

  /// The `status` reply line (newline included) for a request id, encoded once per snapshot.
  public func statusLine(id: RequestID?) -> Data {
    if let line = snapshot.line(id: id) { return line }
    return (try? WireCoding.line(status(id: id))) ?? Data()
  }

  public func subscribe() -> (UUID, AsyncStream<WatchEvent>) {
    hub.subscribe()
  }

  /// Ends a subscription; returns whether it had been cut off for falling behind.
  @discardableResult
  public func unsubscribe(_ id: UUID) -> Bool {
    let wasDropped = hub.dropped.contains(id)
    hub.unsubscribe(id)
    return wasDropped
  }

  public var watcherCount: Int { hub.count }

  // MARK: Devices

  /// Installs the latest scan of USB serial devices (from the hotplug watcher).
  public func updateDevices(_ view: DeviceView) {
    deviceView = view
  }

  /// The `devices` reply: USB serial devices udev sees, their identity, and who uses them.
  public func devices(id: RequestID?) -> DevicesReply {
    let fixedPairs: [(String, String)] = detectorConfigs.values.compactMap { config in
      config.port.map { ($0, config.id) }
    }
    let fixed = Dictionary(fixedPairs) { first, _ in first }
    let boundPairs: [(String, String)] = deviceView.result.bindings.map {
      ($0.value.syspath, $0.key)
    }
    let bound = Dictionary(boundPairs) { first, _ in first }
    let entries = deviceView.devices.filter(\.isUSBSerial).map { device in
      var entry = DeviceEntry(devnode: device.devnode ?? device.sysname)
      entry.vendorID = device.usbVendorID
      entry.productID = device.usbProductID
      entry.serial = device.usbSerial
      entry.manufacturer = device.usbManufacturer
      entry.product = device.usbProduct
      entry.usbPort = device.usbPort
      entry.idPath = device.idPath
      entry.knownAs = device.known?.name
      entry.likelyDriver = device.known?.driver
      entry.boundTo = bound[device.syspath] ?? device.devnode.flatMap { fixed[$0] }
      return entry
    }
    return DevicesReply(
      id: id, time: clock.now().wallTime, hotplug: deviceView.hotplug, devices: entries,
      problems: deviceView.problems)
  }
}
