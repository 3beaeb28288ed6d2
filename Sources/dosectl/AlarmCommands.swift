import ArgumentParser
import DoseProtocol
import Foundation

/// `dosectl alarms [ack ID --note …] [test LOCATION]`.
struct Alarms: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Active alarms; `alarms ack ID` acknowledges one (recorded with your uid); "
      + "`alarms test LOCATION` tests the alarm chain.",
    subcommands: [AlarmsList.self, AlarmsAck.self, AlarmsTest.self],
    defaultSubcommand: AlarmsList.self)
}

struct AlarmsList: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "Active alarms with their ids and acknowledgements.")
  @OptionGroup var options: CommonOptions

  func run() throws {
    let (_, line) = try query("alarms", options: options)
    if options.json {
      print(String(decoding: line, as: UTF8.self))
      return
    }
    print(Tables.alarms(try decode(AlarmsReply.self, line).alarms, style: .current))
  }
}

struct AlarmsAck: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ack",
    abstract: "Acknowledge an active alarm: it stays listed until its cause is gone, and "
      + "alarms again if it recurs.")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Alarm id, as `dosectl alarms` shows it (e.g. fault:room-2-door).")
  var alarm: String
  @Option(help: "Why, or what was done.") var note: String?

  func run() throws {
    let (_, line) = try query(
      AlarmAckRequest(id: .number(1), alarm: alarm, note: note), options: options)
    if options.json {
      print(String(decoding: line, as: UTF8.self))
      return
    }
    print(Tables.alarms(try decode(AlarmsReply.self, line).alarms, style: .current))
  }
}

struct AlarmsTest: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Raise a test alarm at a location (admin): it travels every notification path "
      + "marked as a test, never masks a real alarm, and `alarms ack test:LOCATION` ends it.")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Room or store id, as `dosectl locations` shows it.") var location: String
  @Option(help: "Why (e.g. quarterly chain test).") var note: String?

  func run() throws {
    let (_, line) = try query(
      AlarmTestRequest(id: .number(1), location: location, note: note), options: options)
    if options.json {
      print(String(decoding: line, as: UTF8.self))
      return
    }
    print(Tables.alarms(try decode(AlarmsReply.self, line).alarms, style: .current))
  }
}

/// `dosectl version`: this client's and the daemon's versions and protocol.
struct Version: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Versions of dosectl and of the daemon it reaches.")
  @OptionGroup var options: CommonOptions

  func run() throws {
    let (_, line) = try query("version", options: options)
    let reply = try decode(VersionReply.self, line)
    if options.json {
      struct Both: Encodable {
        let dosectl: String
        let dosed: String
        let `protocol`: Int
      }
      let text = try WireCoding.encoder().encode(
        Both(dosectl: ProtocolInfo.softwareVersion, dosed: reply.version, protocol: reply.protocol))
      print(String(decoding: text, as: UTF8.self))
      return
    }
    print("dosectl \(ProtocolInfo.softwareVersion)")
    print("dosed   \(DisplayText.escaped(reply.version)) (protocol \(reply.protocol))")
  }
}

/// `dosectl wait-ready [--timeout 30]`: for scripts and units that need the daemon answering.
struct WaitReady: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "wait-ready",
    abstract: "Wait until dosed answers on its socket; exit 0, or 4 after the timeout.")
  @OptionGroup var options: CommonOptions
  @Option(help: "Seconds to wait.") var timeout: Double = 30

  func run() throws {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      if let client = try? DoseClient(path: options.socketPath, timeout: 2),
        let line = try? client.request("status"),
        WireCoding.messageClass(of: line) == "status"
      {
        return
      }
      if Date() >= deadline {
        FileHandle.standardError.write(
          Data(
            "dosectl: dosed did not answer on \(options.socketPath) within \(Int(timeout)) s\n"
              .utf8))
        throw ExitCode(ExitCodes.unreachable)
      }
      Thread.sleep(forTimeInterval: 0.2)
    }
  }
}

/// `dosectl metrics`: the Prometheus exposition over the socket (no HTTP listener needed).
struct Metrics: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "The daemon's metrics in the Prometheus text format.")
  @OptionGroup var options: CommonOptions

  func run() throws {
    let (_, line) = try query("metrics", options: options)
    if options.json {
      print(String(decoding: line, as: UTF8.self))
      return
    }
    print(try decode(MetricsReply.self, line).text, terminator: "")
  }
}
