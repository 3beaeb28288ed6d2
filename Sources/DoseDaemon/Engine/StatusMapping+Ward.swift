import DetectorDrivers
import DoseCore
import DoseProtocol
import Foundation

/// The ward model's snapshot and news as wire types: the only place they meet.
extension StatusMapping {
  static func status(_ snapshot: WardSnapshot, timeScale: Double) -> StatusReply {
    StatusReply(
      id: nil, time: snapshot.time.wallTime, version: ProtocolInfo.softwareVersion,
      uptimeSeconds: snapshot.time.monotonicSeconds, timeScale: timeScale,
      detectors: snapshot.detectors.map {
        detector($0.assessment, config: $0.config, identity: $0.identity, counters: $0.counters)
      },
      locations: snapshot.locations.map(location), alarms: snapshot.alarms.map(alarm))
  }

  static func location(_ view: LocationView) -> LocationStatus {
    var status = location(view.assessment, config: view.config)
    status.state = view.state.rawValue
    status.alarm = view.alarm.rawValue
    status.reasons = view.reasons.isEmpty ? nil : view.reasons
    status.release = view.release.map(release)
    return status
  }

  static func release(_ release: RoomRelease) -> ReleaseStatus {
    var status = ReleaseStatus(eligible: release.eligible, reason: release.reason)
    if let limit = release.limit {
      status.limitUSvH = limit.limitUSvH
      status.distanceM = limit.distanceM
      status.limitName = limit.name
      status.limitSource = limit.source
    }
    if let patient = release.patient {
      status.doseRateUSvH = finite(patient.valueUSvH)
      status.ci95USvH = interval(patient.lower95USvH...patient.upper95USvH)
    }
    if let outlook = release.outlook {
      status.samples = outlook.samples
      status.model = outlook.model.rawValue
      status.effectiveHalfLifeH = outlook.halfLifeSeconds.map { $0 / Time.hour }
      status.effectiveHalfLifeUncertaintyH = outlook.halfLifeUncertaintySeconds.map {
        $0 / Time.hour
      }
      status.predictedAt = outlook.at
      status.predictedEarliest = outlook.earliest
      status.predictedLatest = outlook.latest
      status.slowClearance = outlook.slow?.slow
      status.slowClearanceReason = outlook.slow?.reason
    }
    return status
  }

  static func alarm(_ alarm: WardAlarm) -> AlarmStatus {
    var status = AlarmStatus(
      kind: alarm.key.kind.rawValue, level: alarm.level.rawValue, location: alarm.location,
      detector: alarm.detector, message: alarm.message, since: alarm.since)
    status.evidence = alarm.evidence.map(evidence)
    status.alarmID = alarm.key.id
    status.acknowledged = alarm.acknowledgement.map(acknowledgement)
    status.test = alarm.key.kind == .test ? true : nil
    return status
  }

  static func acknowledgement(_ ack: AlarmAcknowledgement) -> AcknowledgementStatus {
    AcknowledgementStatus(user: ack.user, uid: ack.uid, at: ack.at, note: ack.note)
  }

  static func watchEvent(_ news: WardNews) -> WatchEvent {
    switch news {
    case .reading(let reading, let assessment):
      var watch = WatchEvent(event: EventKind.reading.rawValue, time: reading.wallTime)
      watch.detector = reading.detectorID
      watch.state = assessment.state.rawValue
      watch.cps = assessment.estimate?.cps.flatMap(finite)
      watch.doseRateUSvH = assessment.estimate?.doseRateUSvH.flatMap(finite)
      watch.ci95USvH = interval(assessment.estimate?.doseRateInterval)
      return watch
    case .deviceAttached(let detector, let summary, let time):
      var watch = WatchEvent(event: EventKind.deviceAttached.rawValue, time: time)
      watch.detector = detector
      watch.reason = summary
      return watch
    case .deviceDetached(let detector, let reason, let time):
      var watch = WatchEvent(event: EventKind.deviceDetached.rawValue, time: time)
      watch.detector = detector
      watch.reason = reason
      return watch
    case .detectorState(let assessment, let previous, let time):
      var watch = WatchEvent(event: EventKind.detectorState.rawValue, time: time)
      watch.detector = assessment.id
      watch.state = assessment.state.rawValue
      watch.previousState = previous?.rawValue
      watch.reason = assessment.reason
      return watch
    case .locationState(let assessment, let previous, let time):
      var watch = WatchEvent(event: EventKind.locationState.rawValue, time: time)
      watch.location = assessment.id
      watch.state = assessment.state.rawValue
      watch.previousState = previous?.rawValue
      watch.alarm = assessment.alarm.rawValue
      watch.reason =
        assessment.reasons.isEmpty ? nil : assessment.reasons.joined(separator: "; ")
      watch.doseRateUSvH = assessment.doseRateUSvH.flatMap(finite)
      watch.ci95USvH = interval(assessment.doseRateInterval)
      return watch
    case .configReload(let summary, let time):
      var watch = WatchEvent(event: EventKind.configReload.rawValue, time: time)
      watch.reason = summary
      return watch
    case .alarm(let alarm, let change, let time):
      let kind: EventKind =
        switch change {
        case .raised: .alarm
        case .acknowledged: .alarmAck
        case .cleared: .alarmCleared
        }
      var watch = WatchEvent(event: kind.rawValue, time: time)
      watch.alarmID = alarm.key.id
      watch.kind = alarm.key.kind.rawValue
      watch.alarm = alarm.level.rawValue
      watch.location = alarm.location
      watch.detector = alarm.detector
      watch.reason = alarm.message
      watch.acknowledged = alarm.acknowledgement.map(acknowledgement)
      watch.test = alarm.key.kind == .test ? true : nil
      return watch
    }
  }

  /// The `devices` reply: USB serial devices udev sees, their identity, and who uses them.
  static func devices(
    _ view: DeviceView, configs: [String: DetectorConfig], id: RequestID?, time: Date
  ) -> DevicesReply {
    let fixedPairs: [(String, String)] = configs.values.compactMap { config in
      config.link.port.map { ($0, config.id) }
    }
    let fixed = Dictionary(fixedPairs) { first, _ in first }
    let boundPairs: [(String, String)] = view.result.bindings.map {
      ($0.value.syspath, $0.key)
    }
    let bound = Dictionary(boundPairs) { first, _ in first }
    let entries = view.devices.filter(\.isUSBSerial).map { device in
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
      id: id, time: time, hotplug: view.hotplug, devices: entries, problems: view.problems)
  }
}
