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
