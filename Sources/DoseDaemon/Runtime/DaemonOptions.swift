import Foundation

/// Command-line choices that override or complement the configuration file.
public struct DaemonOptions: Sendable {
  public var configPath: String
  public var socketPath: String?
  public var stateDirectory: String?
  /// Simulated seconds per real second; only with simulated detectors.
  public var timeScale: Double?

  public init(
    configPath: String, socketPath: String? = nil, stateDirectory: String? = nil,
    timeScale: Double? = nil
  ) {
    self.configPath = configPath
    self.socketPath = socketPath
    self.stateDirectory = stateDirectory
    self.timeScale = timeScale
  }

  public struct Invalid: Error, CustomStringConvertible {
    public let description: String
  }

  /// Loads the configuration and applies the overrides, refusing combinations that make no
  /// sense (a scaled clock with a real counter would misdate every reading).
  /// With `sandbox` (reloads of the real daemon), the text is first parsed in a child process,
  /// so that a parser crash cannot end the daemon (`ParserSandbox`).
  public func resolve(vettingWith sandbox: ParserSandbox? = nil) throws -> DaemonConfig {
    let text = try ConfigFile.read(path: configPath)
    try sandbox?.vet(text, path: configPath)
    var config = try ConfigLoader.parse(text, path: configPath)
    if let socketPath { config.daemon.socketPath = socketPath }
    if let stateDirectory { config.daemon.stateDirectory = stateDirectory }
    if let timeScale {
      guard timeScale.isFinite, timeScale > 0 else {
        throw Invalid(description: "--time-scale must be a positive number, got \(timeScale)")
      }
      if timeScale != 1 && !config.isFullySimulated {
        let real = config.detectors.filter { $0.driver != .simulated }.map(\.id)
        throw Invalid(
          description: "--time-scale works only with simulated detectors; "
            + "real detectors configured: \(real.joined(separator: ", "))")
      }
    }
    if config.simulation.startAt != nil && !config.isFullySimulated {
      throw Invalid(
        description: "\(configPath): [simulation] start_at needs every detector simulated")
    }
    return config
  }
}
