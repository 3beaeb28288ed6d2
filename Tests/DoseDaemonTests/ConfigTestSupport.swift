import Testing

@testable import DoseDaemon

/// The error `ConfigLoader.parse` gives for `text`, or nil when it loads.
func configError(_ text: String, path: String = "ward.toml") -> ConfigError? {
  do {
    _ = try ConfigLoader.parse(text, path: path)
    return nil
  } catch {
    return error
  }
}

/// The contract's minimal configuration (a daemon section, one simulated detector, one room):
/// it must load, with defaults for everything else.
let minimalWard = """
  [daemon]
  socket = "/run/dosed/dosed.sock"
  state_dir = "/var/lib/dosed"
  log_level = "info"

  [[detector]]
  id = "room-1-ceiling"
  driver = "simulated"
  sensitivity_cpm_per_usv_h = 106.0
  dead_time_s = 0.00019

  [[location]]
  id = "room-1"
  kind = "isolation_room"
  detectors = ["room-1-ceiling"]
  warn_usv_h = 5.0
  alarm_usv_h = 20.0
  """

/// The error loading `text` gives, or nil (with a recorded issue) when it loads.
func configLoadError(
  _ text: String, sourceLocation: SourceLocation = #_sourceLocation
) -> ConfigError? {
  do {
    _ = try ConfigLoader.parse(text, path: "ward.toml")
    Issue.record(
      "expected a ConfigError, but the configuration loaded", sourceLocation: sourceLocation)
    return nil
  } catch {
    return error
  }
}

/// Asserts the exact key path and line of the error loading `text`, and a fragment of its message.
func expectConfigError(
  _ text: String, keyPath: String, line: Int?, _ fragment: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  guard let error = configLoadError(text, sourceLocation: sourceLocation) else { return }
  #expect(error.file == "ward.toml", sourceLocation: sourceLocation)
  #expect(error.keyPath == keyPath, "\(error)", sourceLocation: sourceLocation)
  #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
  #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
}
