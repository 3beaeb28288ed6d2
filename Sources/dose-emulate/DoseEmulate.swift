import ArgumentParser
import DeviceEmulators
import Foundation

/// `dose-emulate`: a counter on a pseudo-terminal, for trying a configuration without hardware.
@main
struct DoseEmulate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dose-emulate",
    abstract: "Emulate a radiation counter's serial protocol on a pseudo-terminal.",
    discussion: """
      Point a detector's `port` at the --link path, e.g.
        dose-emulate mightyohm --link /tmp/ttyGEIGER --cpm 120
      and in dosed.toml: driver = "mightyohm", port = "/tmp/ttyGEIGER".
      Protocols: \(EmulatorCatalog.protocols.joined(separator: ", ")).
      """)

  @Argument(help: "Protocol to speak.")
  var protocolName: String

  @Option(help: "Symlink to create for the emulated port.")
  var link: String

  @Option(help: "Counts per minute the emulated tube registers.")
  var cpm: Double = 60

  @Option(help: "Random seed of the count source.")
  var seed: UInt64 = 1

  func validate() throws {
    guard EmulatorCatalog.protocols.contains(protocolName) else {
      throw ValidationError(
        "unknown protocol '\(protocolName)' (known: "
          + EmulatorCatalog.protocols.joined(separator: ", ") + ")")
    }
    guard cpm >= 0, cpm.isFinite else { throw ValidationError("--cpm must be ≥ 0") }
  }

  func run() throws {
    guard
      let emulator = EmulatorCatalog.make(protocolName, options: .init(cpm: cpm, seed: seed))
    else { throw ExitCode.failure }
    let host = try EmulatorHost(emulator: emulator, link: link)
    host.start()
    print("\(protocolName) emulator at \(cpm) cpm on \(host.path) → \(host.terminal.slavePath)")
    print("Ctrl-C to unplug.")
    fflush(nil)
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .main)
    let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .main)
    for signalSource in [source, terminate] {
      signalSource.setEventHandler {
        host.unplug()
        Foundation.exit(0)
      }
      signalSource.resume()
    }
    dispatchMain()
  }
}
