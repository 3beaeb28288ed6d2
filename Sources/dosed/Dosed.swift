import ArgumentParser
import DetectorDrivers
import DoseDaemon
import DoseProtocol
import Foundation

/// `dosed`: flags only; everything else lives in DoseDaemon.
@main
struct Dosed: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dosed",
    abstract: "Dose-monitoring daemon for radioligand-therapy wards.",
    version: ProtocolInfo.softwareVersion)

  @Option(name: .long, help: "Configuration file: a regular file of at most 1 MiB.")
  var config = "/etc/dosed/dosed.toml"

  @Option(
    name: .long,
    help: "Control socket path (overrides [daemon] socket); only a stale socket there is replaced.")
  var socket: String?

  @Option(
    name: .customLong("state-dir"),
    help: "State directory (overrides [daemon] state_dir); one dosed per directory (dosed.lock).")
  var stateDir: String?

  @Option(
    name: .customLong("time-scale"),
    help: "Simulated seconds per real second (simulated detectors only).")
  var timeScale: Double?

  @Flag(name: .customLong("check-config"), help: "Validate the configuration and exit.")
  var checkConfig = false

  @Flag(
    name: .customLong("list-devices"),
    help: "List the tty devices udev knows, with USB identity, without opening any.")
  var listDevices = false

  @Flag(
    name: .customLong("print-udev-rules"),
    help: "Print the udev rule for the counters dosed knows (systemd/60-dosed.rules).")
  var printUdevRules = false

  func run() async throws {
    if printUdevRules {
      print(UdevRules.render(), terminator: "")
      return
    }
    if listDevices {
      try printDevices()
      return
    }
    let options = DaemonOptions(
      configPath: config, socketPath: socket, stateDirectory: stateDir, timeScale: timeScale)
    let resolved: DaemonConfig
    do {
      resolved = try options.resolve()
    } catch {
      FileHandle.standardError.write(Data("dosed: \(error)\n".utf8))
      throw ExitCode(1)
    }
    if checkConfig {
      // Allowed, but said: the check passes.
      for warning in resolved.alarmBudgetWarnings {
        FileHandle.standardError.write(Data("dosed: warning: \(warning)\n".utf8))
      }
      print(
        "\(resolved.sourcePath): OK (\(resolved.detectors.count) detectors, "
          + "\(resolved.locations.count) locations)")
      return
    }
    do {
      try await DaemonRunner.run(config: resolved, options: options)
    } catch {
      FileHandle.standardError.write(Data("dosed: \(error)\n".utf8))
      throw ExitCode(1)
    }
  }

  private func printDevices() throws {
    for device in try UdevDevices.list(subsystem: "tty") {
      let usb = [device.usbVendorID, device.usbProductID].compactMap { $0 }.joined(separator: ":")
      print(
        // A device's serial is the device's own text: escaped, or it could forge columns.
        [device.devnode ?? "-", device.sysname, usb.isEmpty ? "-" : usb, device.usbSerial ?? "-"]
          .map(DisplayText.escaped).joined(separator: "\t"))
    }
  }
}
