import Foundation

/// One detector in a snapshot. Unknown values are omitted, never sent as 0.
public struct DetectorStatus: Codable, Sendable, Hashable {
  public var id: String
  public var driver: String
  /// `ok`, `stale`, `fault` or `disconnected`.
  public var state: String
  public var reason: String?
  /// Dead-time corrected count rate.
  public var cps: Double?
  public var doseRateUSvH: Double?
  /// Exact Poisson 95 % interval of the dose rate, [low, high].
  public var ci95USvH: [Double]?
  /// Seconds since the last reading (clock seconds).
  public var ageSeconds: Double?
  public var lastReadingAt: Date?
  public var provenance: Provenance?
  /// Who the device says it is (last known, also while disconnected).
  public var device: DeviceStatus?
  /// Error counters of the link since start.
  public var link: LinkStatus?

  enum CodingKeys: String, CodingKey {
    case id, driver, state, reason, cps, provenance, device, link
    case doseRateUSvH = "dose_rate_usv_h"
    case ci95USvH = "ci95_usv_h"
    case ageSeconds = "age_s"
    case lastReadingAt = "last_reading_at"
  }

  public init(id: String, driver: String, state: String) {
    self.id = id
    self.driver = driver
    self.state = state
  }
}

/// Identity of the device behind a detector.
public struct DeviceStatus: Codable, Sendable, Hashable {
  public var model: String?
  public var firmware: String?
  public var serial: String?
  public var port: String?
  public var baud: Int?

  public init(model: String?, firmware: String?, serial: String?, port: String?, baud: Int?) {
    self.model = model
    self.firmware = firmware
    self.serial = serial
    self.port = port
    self.baud = baud
  }
}

/// What went wrong on a detector's wire since the daemon started.
public struct LinkStatus: Codable, Sendable, Hashable {
  public var bytesDropped: UInt64
  public var resyncs: UInt64
  public var checksumFailures: UInt64
  public var junkLines: UInt64
  public var deviceErrors: UInt64

  enum CodingKeys: String, CodingKey {
    case resyncs
    case bytesDropped = "bytes_dropped"
    case checksumFailures = "checksum_failures"
    case junkLines = "junk_lines"
    case deviceErrors = "device_errors"
  }

  public init(
    bytesDropped: UInt64, resyncs: UInt64, checksumFailures: UInt64, junkLines: UInt64,
    deviceErrors: UInt64
  ) {
    self.bytesDropped = bytesDropped
    self.resyncs = resyncs
    self.checksumFailures = checksumFailures
    self.junkLines = junkLines
    self.deviceErrors = deviceErrors
  }
}

/// How a served value was made (DOMAIN.md safety principle 2).
public struct Provenance: Codable, Sendable, Hashable {
  public var counts: UInt64
  /// Span of the averaging window, clock seconds.
  public var windowSeconds: Double
  /// Counting time inside the window.
  public var liveSeconds: Double
  public var observedCPS: Double
  /// n/m of the dead-time correction; omitted when the counter is saturated.
  public var deadTimeFactor: Double?
  public var deadTimeSeconds: Double
  public var sensitivityCpmPerUSvH: Double
  public var calibrationNuclide: String
  public var calibrationSource: String
  /// Whether a nuclide-specific energy-response correction was applied. Always false for a
  /// detector's own value; a location's value says so in its `energy_correction`.
  public var energyCorrected: Bool
  /// `non_paralyzable` or `paralyzable`.
  public var deadTimeModel: String?
  public var calibrationDate: Date?
  /// Tube counts subtracted before conversion, cps (omitted when 0).
  public var intrinsicBackgroundCPS: Double?
  /// The window starts at a detected change of rate (adaptive averaging), not at its maximum.
  public var windowCutByChange: Bool?
  /// Background-subtracted value, when the detector has a background measurement.
  public var net: NetStatus?
  /// How counts became dose: "spectrum G(E)" for spectrometric detectors; omitted for the
  /// plain count rate / sensitivity conversion.
  public var doseModel: String?
  /// Spectrum dose only: where the G(E) function comes from.
  public var gFunctionSource: String?
  /// Spectrum dose only: effective counts (Σ G)² / Σ G² behind the interval.
  public var effectiveCounts: Double?
  /// Spectrum dose only: events whose energy fell outside the G(E) table (end value used).
  public var outsideGRangeCounts: UInt64?

  enum CodingKeys: String, CodingKey {
    case counts
    case windowSeconds = "window_s"
    case liveSeconds = "live_s"
    case observedCPS = "observed_cps"
    case deadTimeFactor = "dead_time_factor"
    case deadTimeSeconds = "dead_time_s"
    case sensitivityCpmPerUSvH = "sensitivity_cpm_per_usv_h"
    case calibrationNuclide = "calibration_nuclide"
    case calibrationSource = "calibration_source"
    case energyCorrected = "energy_corrected"
    case doseModel = "dose_model"
    case gFunctionSource = "g_function_source"
    case effectiveCounts = "effective_counts"
    case outsideGRangeCounts = "outside_g_range_counts"
    case deadTimeModel = "dead_time_model"
    case calibrationDate = "calibration_date"
    case intrinsicBackgroundCPS = "intrinsic_background_cps"
    case windowCutByChange = "window_cut_by_change"
    case net
  }

  public init(
    counts: UInt64, windowSeconds: Double, liveSeconds: Double, observedCPS: Double,
    deadTimeFactor: Double?, deadTimeSeconds: Double, sensitivityCpmPerUSvH: Double,
    calibrationNuclide: String, calibrationSource: String, energyCorrected: Bool
  ) {
    self.counts = counts
    self.windowSeconds = windowSeconds
    self.liveSeconds = liveSeconds
    self.observedCPS = observedCPS
    self.deadTimeFactor = deadTimeFactor
    self.deadTimeSeconds = deadTimeSeconds
    self.sensitivityCpmPerUSvH = sensitivityCpmPerUSvH
    self.calibrationNuclide = calibrationNuclide
    self.calibrationSource = calibrationSource
    self.energyCorrected = energyCorrected
  }
}

/// One location in a snapshot.
public struct LocationStatus: Codable, Sendable, Hashable {
  public var id: String
  /// `isolation_room` or `waste_store`.
  public var kind: String
  /// Rooms: `occupied`, `awaiting_clearance`, `clear`, `fault`; stores: `holding`,
  /// `release_due`, `fault`.
  public var state: String
  public var reasons: [String]?
  public var doseRateUSvH: Double?
  public var ci95USvH: [Double]?
  public var doseRateDetector: String?
  /// `none`, `warn` or `alarm`; `alarm` also while the location is in fault.
  public var alarm: String
  /// The dose-rate level alone.
  public var doseAlarm: String
  public var detectors: [String]
  public var warnUSvH: Double
  public var alarmUSvH: Double
  public var clearUSvH: Double?
  public var nuclide: String?
  public var releaseSurfaceUSvH: Double?
  public var packages: [PackageStatus]?
  /// Whether `dose_rate_usv_h` is energy-corrected for the room's nuclide, and how.
  public var energyCorrected: Bool?
  public var energyCorrection: EnergyCorrectionStatus?
  /// Rooms not occupied: the clearance decision.
  public var clearance: ClearanceStatus?
  /// Occupied rooms: the patient's release eligibility and prediction.
  public var release: ReleaseStatus?

  enum CodingKeys: String, CodingKey {
    case id, kind, state, reasons, alarm, detectors, nuclide, packages, clearance, release
    case energyCorrected = "energy_corrected"
    case energyCorrection = "energy_correction"
    case doseRateUSvH = "dose_rate_usv_h"
    case ci95USvH = "ci95_usv_h"
    case doseRateDetector = "dose_rate_detector"
    case doseAlarm = "dose_alarm"
    case warnUSvH = "warn_usv_h"
    case alarmUSvH = "alarm_usv_h"
    case clearUSvH = "clear_usv_h"
    case releaseSurfaceUSvH = "release_surface_usv_h"
  }

  public init(
    id: String, kind: String, state: String, alarm: String, doseAlarm: String,
    detectors: [String], warnUSvH: Double, alarmUSvH: Double
  ) {
    self.id = id
    self.kind = kind
    self.state = state
    self.alarm = alarm
    self.doseAlarm = doseAlarm
    self.detectors = detectors
    self.warnUSvH = warnUSvH
    self.alarmUSvH = alarmUSvH
  }
}

/// A waste package in a store.
public struct PackageStatus: Codable, Sendable, Hashable {
  public var id: String
  /// `holding`, `release_due` or `not_eligible`.
  public var state: String
  public var nuclides: [String]
  /// Surface dose rate predicted by decay from the reading at sealing; omitted when the
  /// package's data cannot predict it.
  public var surfaceUSvHNow: Double?
  public var releaseDueAt: Date?
  /// Why it is not eligible or has no date, or the rule's notes.
  public var reasons: [String]?

  enum CodingKeys: String, CodingKey {
    case id, state, nuclides, reasons
    case surfaceUSvHNow = "surface_usv_h_now"
    case releaseDueAt = "release_due_at"
  }

  public init(
    id: String, state: String, nuclides: [String], surfaceUSvHNow: Double?, releaseDueAt: Date?
  ) {
    self.id = id
    self.state = state
    self.nuclides = nuclides
    self.surfaceUSvHNow = surfaceUSvHNow
    self.releaseDueAt = releaseDueAt
  }
}

/// An active alarm: a dose level reached at a location, or a detector unfit to measure.
public struct AlarmStatus: Codable, Sendable, Hashable {
  /// `dose` or `fault`.
  public var kind: String
  /// `warn` or `alarm`.
  public var level: String
  public var location: String?
  public var detector: String?
  public var message: String
  public var since: Date
  /// Dose alarms: the statistical evidence that raised the level.
  public var evidence: AlarmEvidenceStatus?
  /// Stable id of this alarm while it lasts (`fault:DETECTOR`, `dose:LOCATION:LEVEL`,
  /// `storage`), for `alarm_ack`.
  public var alarmID: String?
  /// Who acknowledged it, when, and their note. Acknowledging silences, never hides: the alarm
  /// stays listed until its cause is gone, and one that clears and recurs is new.
  public var acknowledged: AcknowledgementStatus?
  /// True for a chain test (`alarm_test`, kind `test`): it travels every notification path but
  /// is never a real alarm, and an acknowledgement ends it.
  public var test: Bool?

  enum CodingKeys: String, CodingKey {
    case kind, level, location, detector, message, since, evidence, acknowledged, test
    case alarmID = "alarm_id"
  }

  public init(
    kind: String, level: String, location: String?, detector: String?, message: String,
    since: Date
  ) {
    self.kind = kind
    self.level = level
    self.location = location
    self.detector = detector
    self.message = message
    self.since = since
  }
}

/// A line of the `watch` stream.
public struct WatchEvent: Codable, Sendable, Hashable {
  public var `class` = "event"
  /// `reading`, `detector_state`, `location_state`, `device_attached`, `device_detached`,
  /// `config_reload` (its `reason` says what changed), or for alarms `alarm` (raised),
  /// `alarm_ack` (acknowledged: `acknowledged` says who) and `alarm_cleared`.
  public var event: String
  public var time: Date
  public var detector: String?
  public var location: String?
  public var state: String?
  public var previousState: String?
  public var reason: String?
  public var cps: Double?
  public var doseRateUSvH: Double?
  public var ci95USvH: [Double]?
  public var alarm: String?
  /// Alarm events: the alarm's id and kind (its `reason` is the alarm's message, `alarm` its
  /// level).
  public var alarmID: String?
  public var kind: String?
  public var acknowledged: AcknowledgementStatus?
  /// A chain test (`alarm_test`), never a real alarm.
  public var test: Bool?

  enum CodingKeys: String, CodingKey {
    case `class`, event, time, detector, location, state, reason, cps, alarm, kind, acknowledged
    case test
    case alarmID = "alarm_id"
    case previousState = "previous_state"
    case doseRateUSvH = "dose_rate_usv_h"
    case ci95USvH = "ci95_usv_h"
  }

  public init(event: String, time: Date) {
    self.event = event
    self.time = time
  }
}

/// Reply to `devices`: what udev sees now, and which detector each device is bound to. Nothing
/// is opened to make it.
public struct DevicesReply: Codable, Sendable, Hashable {
  public var `class` = "devices"
  public var id: RequestID?
  public var time: Date
  /// `udev`, `kernel` or `off`.
  public var hotplug: String
  public var devices: [DeviceEntry]
  /// Matches that could not be honoured (ambiguities, generic ids), in words.
  public var problems: [String]

  public init(
    id: RequestID?, time: Date, hotplug: String, devices: [DeviceEntry], problems: [String]
  ) {
    self.id = id
    self.time = time
    self.hotplug = hotplug
    self.devices = devices
    self.problems = problems
  }
}

/// One USB serial device.
public struct DeviceEntry: Codable, Sendable, Hashable {
  public var devnode: String
  public var vendorID: String?
  public var productID: String?
  public var serial: String?
  public var manufacturer: String?
  public var product: String?
  /// Physical USB port, bus-path ("1-2.3").
  public var usbPort: String?
  public var idPath: String?
  /// Name in dosed's known-devices table, if the ids are there.
  public var knownAs: String?
  /// The driver usually behind these ids.
  public var likelyDriver: String?
  /// The detector using this device, if any.
  public var boundTo: String?

  enum CodingKeys: String, CodingKey {
    case devnode, serial, manufacturer, product
    case vendorID = "vendor_id"
    case productID = "product_id"
    case usbPort = "usb_port"
    case idPath = "id_path"
    case knownAs = "known_as"
    case likelyDriver = "likely_driver"
    case boundTo = "bound_to"
  }

  public init(devnode: String) {
    self.devnode = devnode
  }
}

public struct AcknowledgementStatus: Codable, Sendable, Hashable {
  public var user: String
  public var uid: UInt32?
  public var at: Date
  public var note: String?

  public init(user: String, uid: UInt32?, at: Date, note: String?) {
    self.user = user
    self.uid = uid
    self.at = at
    self.note = note
  }
}

/// `alarm_ack`: `{"cmd":"alarm_ack","alarm":"fault:room-2-door","note":"tube replaced"}`.
public struct AlarmAckRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd = Command.alarmAck.rawValue
  public var alarm: String
  public var note: String?

  public init(id: RequestID?, alarm: String, note: String?) {
    self.id = id
    self.alarm = alarm
    self.note = note
  }
}

/// `alarm_test`: `{"cmd":"alarm_test","location":"room-1"}` raises a test alarm at a location
/// (admin), to prove the notification chain end to end; `alarm_ack` of its id ends it.
public struct AlarmTestRequest: Codable, Sendable, Hashable {
  public var id: RequestID?
  public var cmd = Command.alarmTest.rawValue
  public var location: String
  public var note: String?

  public init(id: RequestID?, location: String, note: String? = nil) {
    self.id = id
    self.location = location
    self.note = note
  }
}

/// Reply to `alarms`, `alarm_ack` and `alarm_test`: the active alarms.
public struct AlarmsReply: Codable, Sendable, Hashable {
  public var `class` = "alarms"
  public var id: RequestID?
  public var time: Date
  public var alarms: [AlarmStatus]

  public init(id: RequestID?, time: Date, alarms: [AlarmStatus]) {
    self.id = id
    self.time = time
    self.alarms = alarms
  }
}
