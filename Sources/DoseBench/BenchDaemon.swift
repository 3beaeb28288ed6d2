import Foundation

/// A real `dosed` for a benchmark: its own directory under /tmp with the ward's configuration,
/// socket and state; stopped (SIGTERM) and removed with this value.
final class BenchDaemon {
  let directory: String
  let socket: String
  let state: String
  let process = Process()

  var pid: Int32 { process.processIdentifier }

  init(dosed: String, ward: String, name: String, timeScale: Double? = nil) throws {
    directory = "/tmp/dosebench-\(name)-\(getpid())"
    socket = directory + "/dosed.sock"
    state = directory + "/state"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let config = directory + "/ward.toml"
    try ward.write(toFile: config, atomically: true, encoding: .utf8)
    process.executableURL = URL(fileURLWithPath: dosed)
    process.arguments =
      ["--config", config, "--socket", socket, "--state-dir", state]
      + (timeScale.map { ["--time-scale", String($0)] } ?? [])
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
  }

  /// Stops the daemon (SIGTERM) and keeps its directory, so that the next `BenchDaemon` of the
  /// same name starts on its records.
  func stopKeepingFiles() {
    process.terminate()
    process.waitUntilExit()
    keepFiles = true
  }

  private var keepFiles = false

  deinit {
    if keepFiles { return }
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
    }
    try? FileManager.default.removeItem(atPath: directory)
  }

  /// A line of /proc/PID/status in MB: `VmRSS`, `RssAnon`, `RssFile`.
  func residentMB(_ field: String = "VmRSS") -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
      let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return .nan }
    return kb / 1024
  }
}
