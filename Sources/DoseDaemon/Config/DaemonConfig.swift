import DetectorDrivers
import DoseCore
import Foundation

/// The validated configuration of one ward, as loaded from TOML by `ConfigLoader`.
///
/// Everything here has passed validation: ids are unique, references resolve, numbers are in
/// range. Code that receives a `DaemonConfig` does not re-check it.
public struct DaemonConfig: Sendable {
  public var daemon: DaemonSection
  public var simulation: SimulationSection
  public var detectors: [DetectorConfig]
  public var locations: [LocationConfig]
  /// The file it came from, for messages.
  public var sourcePath: String

  public init(
    daemon: DaemonSection, simulation: SimulationSection, detectors: [DetectorConfig],
    locations: [LocationConfig], sourcePath: String
  ) {
    self.daemon = daemon
    self.simulation = simulation
    self.detectors = detectors
    self.locations = locations
    self.sourcePath = sourcePath
  }

  /// True when every detector is simulated: only then may time be scaled.
  public var isFullySimulated: Bool { detectors.allSatisfy { $0.driver == .simulated } }
}

/// `[daemon]`
public struct DaemonSection: Sendable, Equatable {
  public var socketPath: String = "/run/dosed/dosed.sock"
  public var stateDirectory: String = "/var/lib/dosed"
  public var logLevel: LogLevelName = .info
  /// Hotplug events: `udev` after udevd's rules (production), `kernel` where no udevd runs
  /// (containers, tests), or `off` (scan once at start).
  public var hotplug: HotplugSource = .udev
  /// Days records are kept before they are pruned. Default and minimum 1096 (three years with a
  /// leap day): 10 CFR 35.2092 and 35.2070 records are kept for 3 years.
  public var retentionDays: Int = DaemonSection.minRetentionDays
  /// Members of this group (and root) may run control commands; everyone who can connect may
  /// read. Default "dosed-admin" (systemd/dosed.sysusers).
  public var adminGroup: String = "dosed-admin"
  /// The socket's clients: how many, for how long.
  public var clients = ClientSettings()
  /// How far back an operator may date an action (`--at`: admission, discharge, a package's
  /// sealing), in days. Default 366: a year, so that the packages already in a decay store can
  /// be entered when dosed is installed (project choice); a site with older waste raises it, up
  /// to `maxPastLimitDays`. A typo such as year 0000 or 1970 is refused instead of being
  /// recorded.
  public var atPastLimitDays: Int = 366
  /// How far ahead of the daemon's clock an operator may date an action, in seconds. Default
  /// 300: a typed minute that has not quite come yet; nothing is recorded as done in the future.
  public var atFutureLimitSeconds: Double = 300
  /// `[metrics] listen`: where the Prometheus endpoint listens ("127.0.0.1:9853"); nil = off
  /// (the default).
  public var metricsListen: (host: String, port: Int)?

  public static func == (lhs: DaemonSection, rhs: DaemonSection) -> Bool {
    lhs.socketPath == rhs.socketPath && lhs.stateDirectory == rhs.stateDirectory
      && lhs.logLevel == rhs.logLevel && lhs.hotplug == rhs.hotplug
      && lhs.retentionDays == rhs.retentionDays && lhs.adminGroup == rhs.adminGroup
      && lhs.clients == rhs.clients && lhs.atPastLimitDays == rhs.atPastLimitDays
      && lhs.atFutureLimitSeconds == rhs.atFutureLimitSeconds
      && lhs.metricsListen?.host == rhs.metricsListen?.host
      && lhs.metricsListen?.port == rhs.metricsListen?.port
  }
  public static let minRetentionDays = 1096
  /// Ten years: older than any package a decay store would still hold (Lu-177m, 160.4 d, is
  /// down to 1e-7 after ten years).
  public static let maxPastLimitDays = 3653

  public init() {}
}

/// `[daemon]`'s settings for the socket's clients.
public struct ClientSettings: Sendable, Equatable {
  /// Most clients connected at once; more are refused with `too_many_clients`. Default 64:
  /// project choice (a ward has a handful of operators, scripts and a metrics scraper).
  public var maxClients: Int = 64
  /// A client that sends nothing for this long is closed (`watch` clients excepted). Default
  /// 300 s: project choice.
  public var idleTimeoutSeconds: Double = 300
  /// `reserved_clients`, `max_clients_per_user`, `max_watchers` (and `max_clients` above):
  /// the defaults and why are in `AdmissionLimits` and `ConfigLoader.parseAdmission`.
  public var reservedClients = AdmissionLimits().reservedClients
  public var maxClientsPerUser = AdmissionLimits().maxPerUser
  public var maxWatchers = AdmissionLimits().maxWatchers
  /// A new connection that sends no complete request line for this long is closed. Default
  /// 10 s (see `ConfigLoader.parseAdmission`).
  public var loginGraceSeconds: Double = 10

  /// The socket's places, from `max_clients`, `max_watchers`, `reserved_clients` and
  /// `max_clients_per_user`. The default reserve shrinks where it would leave readers no place
  /// (a given one is checked to leave one).
  public var admissionLimits: AdmissionLimits {
    var limits = AdmissionLimits()
    limits.maxClients = maxClients
    limits.maxWatchers = maxWatchers
    limits.reservedClients = Swift.min(reservedClients, maxClients - 1, maxWatchers - 1)
    limits.maxPerUser = maxClientsPerUser
    return limits
  }

  public init() {}
}

public enum HotplugSource: String, Sendable, CaseIterable {
  case udev, kernel, off
}

public enum LogLevelName: String, Sendable, CaseIterable {
  case trace, debug, info, notice, warning, error, critical
}

/// `[simulation]`: only meaningful when every detector is simulated.
public struct SimulationSection: Sendable, Equatable {
  /// Wall-clock time at which simulated time starts; nil = the real time at start-up.
  public var startAt: Date?
  public init() {}
}

/// The `driver` of a `[[detector]]`: a name in `DriverCatalog`, whose facts (attachment, default
/// baud, reading interval, dead time) live with the driver's code in `DetectorDrivers`.
public struct DriverKind: RawRepresentable, Sendable, Hashable, CaseIterable {
  public let rawValue: String

  /// Nil unless `DriverCatalog` knows the name.
  public init?(rawValue: String) {
    guard DriverCatalog.facts(named: rawValue) != nil else { return nil }
    self.rawValue = rawValue
  }

  private init(_ facts: DriverFacts) { rawValue = facts.name }

  public static var allCases: [DriverKind] { DriverCatalog.all.map(DriverKind.init) }

  // The drivers the daemon or its tests name in code; a driver that needs no special handling
  // does not need one.
  public static let simulated = DriverKind(SimulatedDetector.facts)
  public static let gmc = DriverKind(GMCSession.facts)
  public static let radpro = DriverKind(RadProSession.facts)
  public static let mightyohm = DriverKind(MightyOhmParser.facts)
  public static let gc10 = DriverKind(GC10Parser.facts)
  public static let bgeigie = DriverKind(BGeigieParser.facts)
  public static let line = DriverKind(RegexLineParser.facts)
  public static let modbus = DriverKind(ModbusSession.facts)
  public static let opengamma = DriverKind(OpenGammaSession.facts)
  /// RadiaCode 10x over native USB (libusb): no port and no baud; found by USB identity.
  public static let radiacode = DriverKind(RadiaCodeDetector.facts)

  public var facts: DriverFacts {
    guard let facts = DriverCatalog.facts(named: rawValue) else {
      preconditionFailure("driver \(rawValue) is not in DriverCatalog")
    }
    return facts
  }

  /// Serial line speed when the configuration does not give one.
  var defaultBaud: BaudSetting {
    let facts = facts
    if facts.probesBaud { return .auto(facts.bauds) }
    return .fixed(facts.bauds.first ?? 0)
  }

  var defaultReadingInterval: Double { facts.readingIntervalSeconds }
}

/// `baud = 115200` or `baud = "auto"`.
public enum BaudSetting: Sendable, Equatable {
  case fixed(Int)
  /// Try these in order (only where the protocol lets us recognise the device).
  case auto([Int])

  public var candidates: [Int] {
    switch self {
    case .fixed(let baud): [baud]
    case .auto(let bauds): bauds
    }
  }
}

/// `[detector.line]`: a home-made counter described by a regular expression.
public struct LineOptions: Sendable, Equatable {
  /// Regex with a named group `counts` or `cpm`.
  public var pattern: String
  /// Counting interval of a `counts` line, seconds.
  public var intervalSeconds: Double = 1

  public init(pattern: String) {
    self.pattern = pattern
  }
}

/// `[[detector]]`
public struct DetectorConfig: Sendable, Equatable {
  public var id: String
  public var driver: DriverKind
  /// Tube name from the built-in table, when given.
  public var tube: String?
  public var calibration: Calibration
  /// Seconds between readings the driver is asked for / promises.
  public var readingIntervalSeconds: Double = 1
  /// Seconds without a reading before the detector is stale; nil = derived from the interval.
  public var staleAfterSeconds: Double?
  /// Lowest plausible ambient background for the silent-tube check, µSv/h.
  public var minBackgroundUSvH: Double = 0.05
  /// Where the device is and how fast it talks.
  public var link = DeviceLink()
  /// The driver's own table, for the drivers that have one.
  public var options = DriverOptions()
  /// `[detector.opengamma]` or `[detector.radiacode]`: energy calibration and G(E).
  public var spectrumModel: SpectrumDoseModel?

  public init(id: String, driver: DriverKind, calibration: Calibration) {
    self.id = id
    self.driver = driver
    self.calibration = calibration
  }
}

/// Where a detector's device is and how fast it talks.
public struct DeviceLink: Sendable, Equatable {
  /// Serial device path, for every driver but `simulated` (or `match` instead).
  public var port: String?
  /// `[detector.match]`: find the device by USB identity instead of a fixed path.
  public var match: DeviceMatch?
  public var baud: BaudSetting = .fixed(0)

  public init() {}
}

/// The tables of the drivers that have one.
public struct DriverOptions: Sendable, Equatable {
  /// `[detector.simulated]`.
  public var simulated: SimulatedDetectorOptions?
  /// `[detector.line]`, for driver `line`.
  public var line: LineOptions?
  /// `[detector.modbus]`, for driver `modbus`.
  public var modbus: ModbusOptions?
  /// `[detector.radiacode]` `spectrum_interval_s`: set when the RadiaCode reads spectra.
  public var spectrumIntervalSeconds: Double?

  public init() {}
}

/// `[detector.simulated]` with `[[detector.simulated.source]]` and `[[detector.simulated.fault]]`.
public struct SimulatedDetectorOptions: Sendable, Equatable {
  /// Random seed; nil = derived from the detector id so every run of a config is the same.
  public var seed: UInt64?
  /// Ambient background at the detector, µSv/h.
  public var backgroundUSvH: Double = 0.1
  public var sources: [SimulatedSourceConfig] = []
  public var faults: [SimulatedFaultConfig] = []
  public init() {}
}

public struct SimulatedSourceConfig: Sendable, Equatable {
  /// Dose rate this source gives at the detector at `startHours`, µSv/h.
  public var doseRateUSvH: Double
  /// Half-life of the decay, seconds: a nuclide's physical one, or an effective one.
  public var halfLifeSeconds: Double?
  /// Nuclide symbol when the half-life came from the nuclide table.
  public var nuclide: String?
  /// Simulated hours after start at which the source appears (patient admitted).
  public var startHours: Double = 0
  /// Simulated hours after start at which it disappears (patient discharged); nil = never.
  public var endHours: Double?

  public init(doseRateUSvH: Double) {
    self.doseRateUSvH = doseRateUSvH
  }
}

public enum SimulatedFaultKind: String, Sendable, CaseIterable {
  /// The tube stops counting; the electronics keep reporting zero counts.
  case silence
  /// The device repeats its last count forever.
  case stuck
  /// The device vanishes: no readings, the driver reports it lost.
  case disconnect
}

public struct SimulatedFaultConfig: Sendable, Equatable {
  public var kind: SimulatedFaultKind
  public var startHours: Double
  /// nil = until the end of the run.
  public var durationHours: Double?

  public init(kind: SimulatedFaultKind, startHours: Double, durationHours: Double?) {
    self.kind = kind
    self.startHours = startHours
    self.durationHours = durationHours
  }
}

/// `[[location]]`
public struct LocationConfig: Sendable, Equatable {
  public var id: String
  public var kind: LocationKind
  public var detectors: [String]
  public var warnUSvH: Double
  public var alarmUSvH: Double
  /// Fraction below a threshold the upper bound must fall before a level clears.
  public var hysteresis: Double = 0.1
  /// Budget of the sequential alarm tests: false alarms per detector-year at half a threshold
  /// (default: 1).
  public var falseAlarmsPerYear: Double = ThresholdTest.defaultFalseAlarmsPerYear
  /// The nuclide the location's detectors are energy-corrected for, if any.
  public var nuclide: String?
  /// Isolation rooms' settings.
  public var room = RoomSettings()
  /// Waste stores' settings.
  public var store = StoreSettings()

  public init(
    id: String, kind: LocationKind, detectors: [String], warnUSvH: Double, alarmUSvH: Double
  ) {
    self.id = id
    self.kind = kind
    self.detectors = detectors
    self.warnUSvH = warnUSvH
    self.alarmUSvH = alarmUSvH
  }
}

/// An isolation room's settings.
public struct RoomSettings: Sendable, Equatable {
  /// State at start-up (`occupied`, `awaiting_clearance`, `clear`).
  public var initialOccupancy: RoomOccupancy = .awaitingClearance
  /// Ambient dose rate a clear room must stay below, µSv/h.
  public var clearUSvH: Double = 0.5
  /// The patient-release rule, a preset resolved for the patient's nuclide at admission, or a
  /// site limit; nil = none configured (release is then never "eligible").
  public var release: ReleaseRule?
  /// A commissioning geometry factor (detector → 1 m from the patient) used until a handheld
  /// calibration at admission replaces it.
  public var geometryFactor: Double?

  public init() {}
}

/// A waste store's settings.
public struct StoreSettings: Sendable, Equatable {
  /// Predicted surface dose rate at which a package is due for survey, µSv/h.
  public var releaseSurfaceUSvH: Double = 0.2
  /// The packages held.
  public var packages: [WastePackage] = []
  /// The release rule every package is judged by. Default US decay-in-storage (10 CFR 35.92),
  /// the rule dosed applied before rules were configurable.
  public var wasteRule: WasteRule = .usDecayInStorage
  /// The detector packages are surveyed at (needs a [detector.background]).
  public var surveyDetector: String?
  /// How long a release survey counts, clock seconds. Default 60: project choice (a minute, as
  /// with a handheld on its most sensitive scale).
  public var surveySeconds: Double = 60
  /// The largest detection limit a survey may have and still pass, µSv/h; default half of
  /// `release_surface_usv_h` (MDC 10–50 % of the limit, HPS q5387 via health-physics.md §6.4).
  public var surveyMaxDetectionLimitUSvH: Double?

  public var effectiveSurveyMaxDetectionLimitUSvH: Double {
    surveyMaxDetectionLimitUSvH ?? 0.5 * releaseSurfaceUSvH
  }

  public init() {}
}

/// A room's patient-release rule as configured.
public enum ReleaseRule: Sendable, Equatable {
  /// `release_preset`: resolved for each patient's nuclide (`ReleaseLimit.resolve`).
  case preset(String)
  /// `release_limit_usv_h` + `release_distance_m` + `release_limit_source`.
  case site(ReleaseLimit)

  /// The limit for a patient's nuclide, or why there is none.
  public func limit(for nuclide: String) -> Result<ReleaseLimit, ReleaseLimitError> {
    switch self {
    case .site(let limit): .success(limit)
    case .preset(let name):
      Result { () throws(ReleaseLimitError) in
        try ReleaseLimit.resolve(name, forNuclide: nuclide)
      }
    }
  }
}
