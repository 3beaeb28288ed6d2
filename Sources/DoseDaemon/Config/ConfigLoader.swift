import ConfigLines
import DoseCore
import Foundation
import TOMLKit

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Loads and validates a ward configuration (TOML) into a `DaemonConfig`.
///
/// The document is parsed by TOMLKit (toml++) and then walked by hand rather than decoded with
/// `Codable`, so that every error names the exact key (`detector[2].dead_time_s`), its line, what
/// was expected and what was found. The schema is documented in `config/dosed.toml`. Loading
/// stops at the first error.
public enum ConfigLoader {
  /// Reads and validates the configuration file at `path`.
  public static func load(path: String) throws(ConfigError) -> DaemonConfig {
    let text = try ConfigFile.read(path: path)
    return try parse(text, path: path)
  }

  /// Validates configuration `text`; `path` is used in messages and kept as `sourcePath`.
  public static func parse(_ text: String, path: String) throws(ConfigError) -> DaemonConfig {
    let locator = TOMLLineLocator(source: text)
    try refuseWhatTOMLKitCannotRead(text, locator: locator, path: path)
    let root: TOMLTable
    do {
      root = try TOMLTable(string: text)
    } catch let error as TOMLParseError {
      throw ConfigError(
        file: path, line: error.source.begin.line, keyPath: "",
        message: "invalid TOML: \(error.description)")
    } catch {
      throw ConfigError(file: path, line: nil, keyPath: "", message: "invalid TOML: \(error)")
    }
    let context = ConfigContext(file: path, locator: locator)
    let document = ConfigTable(table: root, keyPath: "", context: context)
    try document.checkKeys(["daemon", "simulation", "detector", "location", "metrics"])

    var daemon = try parseDaemon(document)
    if let metrics = try document.subtable("metrics") {
      try metrics.checkKeys(["listen"])
      if let listen = try metrics.string("listen") {
        guard let endpoint = MetricsServer.parse(listen) else {
          throw metrics.error(
            "listen", "must be host:port such as \"127.0.0.1:9853\", found \"\(listen)\"")
        }
        daemon.metricsListen = endpoint
      }
    }
    let detectors = try parseDetectors(document)
    let simulation = try parseSimulation(document, detectors: detectors)
    let locations = try parseLocations(document, detectors: detectors)
    return DaemonConfig(
      daemon: daemon, simulation: simulation, detectors: detectors, locations: locations,
      sourcePath: path)
  }

  /// Inputs TOMLKit 0.6.0 mishandles (a NUL byte, a header without a key, a date-time without
  /// a time: `TOMLKitHazard`), refused before the text reaches it.
  static func refuseWhatTOMLKitCannotRead(
    _ text: String, locator: TOMLLineLocator, path: String
  ) throws(ConfigError) {
    if let hazard = TOMLKitHazard.first(in: text, locator: locator) {
      throw ConfigError(file: path, line: hazard.line, keyPath: "", message: hazard.message)
    }
  }

  // MARK: [daemon]

  /// The window an operator's `--at` must fall in (see `DaemonSection.atPastLimitDays`).
  static func parseTimeWindow(_ table: ConfigTable, into section: inout DaemonSection)
    throws(ConfigError)
  {
    if let days = try table.integer("at_past_limit_days") {
      try table.require(
        days >= 1 && days <= DaemonSection.maxPastLimitDays, "at_past_limit_days",
        "must be between 1 and \(DaemonSection.maxPastLimitDays) days, found \(days)")
      section.atPastLimitDays = days
    }
    if let seconds = try table.number("at_future_limit_s") {
      try table.require(
        seconds >= 0 && seconds <= 86_400, "at_future_limit_s",
        "must be between 0 and 86400 s, found \(fmt(seconds))")
      section.atFutureLimitSeconds = seconds
    }
  }

  static func parseDaemon(_ document: ConfigTable) throws(ConfigError) -> DaemonSection {
    var section = DaemonSection()
    guard let table = try document.subtable("daemon") else { return section }
    try table.checkKeys([
      "socket", "state_dir", "log_level", "hotplug", "retention_days", "admin_group",
      "max_clients", "idle_timeout_s", "at_past_limit_days", "at_future_limit_s",
      "reserved_clients", "max_clients_per_user", "max_watchers", "login_grace_s",
    ])
    try parseTimeWindow(table, into: &section)
    if let clients = try table.integer("max_clients") {
      try table.require(
        clients >= 1 && clients <= 10_000, "max_clients",
        "must be between 1 and 10000, found \(clients)")
      section.clients.maxClients = clients
    }
    if let idle = try table.number("idle_timeout_s") {
      try table.require(
        idle >= 1, "idle_timeout_s", "must be at least 1 s, found \(fmt(idle))")
      section.clients.idleTimeoutSeconds = idle
    }
    try parseAdmission(table, into: &section)
    if let group = try table.string("admin_group") {
      try table.require(!group.isEmpty, "admin_group", "must not be empty")
      section.adminGroup = group
    }
    if let days = try table.integer("retention_days") {
      try table.require(
        days >= DaemonSection.minRetentionDays, "retention_days",
        "must be at least \(DaemonSection.minRetentionDays) (records are kept 3 years, "
          + "10 CFR 35.2092), found \(days)")
      section.retentionDays = days
    }
    if let socket = try table.string("socket") {
      try table.require(!socket.isEmpty, "socket", "must not be empty")
      section.socketPath = socket
    }
    if let stateDirectory = try table.string("state_dir") {
      try table.require(!stateDirectory.isEmpty, "state_dir", "must not be empty")
      section.stateDirectory = stateDirectory
    }
    if let name = try table.string("log_level") {
      guard let level = LogLevelName(rawValue: name) else {
        let known = LogLevelName.allCases.map(\.rawValue).joined(separator: ", ")
        throw table.error("log_level", "unknown log level '\(name)' (expected one of: \(known))")
      }
      section.logLevel = level
    }
    if let name = try table.string("hotplug") {
      guard let source = HotplugSource(rawValue: name) else {
        let known = HotplugSource.allCases.map(\.rawValue).joined(separator: ", ")
        throw table.error("hotplug", "unknown hotplug source '\(name)' (expected one of: \(known))")
      }
      section.hotplug = source
    }
    return section
  }

  // MARK: [simulation]

  static func parseSimulation(
    _ document: ConfigTable, detectors: [DetectorConfig]
  ) throws(ConfigError) -> SimulationSection {
    var section = SimulationSection()
    guard let table = try document.subtable("simulation") else { return section }
    if let real = detectors.first(where: { $0.driver != .simulated }) {
      throw table.error(
        nil,
        "[simulation] is allowed only when every detector is simulated, but detector "
          + "'\(real.id)' uses driver '\(real.driver.rawValue)'")
    }
    try table.checkKeys(["start_at"])
    section.startAt = try table.offsetDateTime("start_at")
    return section
  }

  // MARK: Shared checks

  /// A detector or location id: non-empty, letters, digits, `.`, `_` and `-` only.
  static func identifier(_ table: ConfigTable, _ key: String = "id") throws(ConfigError) -> String {
    let id = try table.requiredString(key)
    let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
    try table.require(
      !id.isEmpty && id.allSatisfy(allowed.contains), key,
      "invalid id \(String(reflecting: id)) (use only letters, digits, '.', '_' and '-')")
    return id
  }

  /// A nuclide symbol from the nuclide table, returned in its canonical spelling.
  static func nuclide(
    _ table: ConfigTable, _ key: String, symbol: String
  ) throws(ConfigError) -> Nuclide {
    guard let nuclide = NuclideTable.lookup(symbol) else {
      throw table.error(
        key,
        "unknown nuclide '\(symbol)' (known: \(NuclideTable.symbols.joined(separator: ", ")))")
    }
    return nuclide
  }

  static func optionalNuclide(
    _ table: ConfigTable, _ key: String
  ) throws(ConfigError) -> Nuclide? {
    guard let symbol = try table.string(key) else { return nil }
    return try nuclide(table, key, symbol: symbol)
  }
}
