import ArgumentParser
import DoseProtocol
import Foundation

/// `dosectl`: the operators' view of dosed. Exit codes: 0 ok, 1 error reply, 2 usage,
/// 3 permission denied, 4 daemon unreachable.
@main
struct Dosectl: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dosectl",
    abstract: "Query the dosed dose-monitoring daemon.",
    discussion: """
      The socket is --socket, else $DOSED_SOCKET, else \(ProtocolInfo.defaultSocketPath).
      Exit codes: 0 ok, 1 the daemon answered with an error, 2 usage error,
      3 permission denied (control commands need the admin group), 4 the daemon could not be
      reached.
      """,
    version: ProtocolInfo.softwareVersion,
    subcommands: [
      Status.self, Detectors.self, Locations.self, Devices.self, Watch.self, Room.self,
      Events.self, History.self, Export.self, Waste.self, Alarms.self, Version.self,
      WaitReady.self, Metrics.self, Reload.self,
    ])

  /// The global options, parsed here wherever they stand on the command line; every leaf
  /// command includes the same group and is handed this value (see `CommonOptions`).
  @OptionGroup var options: CommonOptions

  /// ArgumentParser's own usage errors exit 64; the documented code is 2.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let error as ExitCode {
      Foundation.exit(error.rawValue)
    } catch {
      guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
      FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
      Foundation.exit(2)
    }
  }
}

/// Options every command shares, declared once: `dosectl [--socket S] [--json] COMMAND …`.
///
/// The root command (`Dosectl`) and every leaf command include this group. ArgumentParser parses
/// the root first, over the whole command line, so the root takes `--socket` and `--json`
/// wherever they stand: before the command, between `room` and `admit`, or after the leaf's own
/// arguments. It then hands the decoded value to each later `@OptionGroup` of the same type
/// (`OptionGroup.init(from:)` reuses a previously decoded value), so the leaf sees the same
/// options without parsing them again. The leaf's copy of the group is what puts the options in
/// its `--help`, man page and completions. No argument rewriting is needed, nested or not.
struct CommonOptions: ParsableArguments {
  @Option(name: .long, help: "Control socket of dosed.")
  var socket: String?

  @Flag(name: .long, help: "Print the daemon's reply as JSON (one object per line).")
  var json = false

  var socketPath: String {
    socket ?? ProcessInfo.processInfo.environment["DOSED_SOCKET"]
      ?? ProtocolInfo.defaultSocketPath
  }
}

/// Exit codes of dosectl.
enum ExitCodes {
  static let errorReply: Int32 = 1
  static let permissionDenied: Int32 = 3
  static let unreachable: Int32 = 4
}

/// Connects, sends one command and returns the raw reply line; exits with the documented code
/// on failure.
func query(_ command: String, options: CommonOptions) throws -> (DoseClient, Data) {
  try query(Request(id: .number(1), cmd: command), options: options)
}

/// Connects, sends one request object (commands with arguments) and returns the raw reply line.
func query(_ request: some Encodable, options: CommonOptions, timeout: Double? = 10) throws
  -> (DoseClient, Data)
{
  let client: DoseClient
  do {
    client = try DoseClient(path: options.socketPath, timeout: timeout)
  } catch {
    FileHandle.standardError.write(Data("dosectl: \(DisplayText.escaped("\(error)"))\n".utf8))
    throw ExitCode(ExitCodes.unreachable)
  }
  let line: Data
  do {
    line = try client.request(request)
  } catch {
    FileHandle.standardError.write(Data("dosectl: \(DisplayText.escaped("\(error)"))\n".utf8))
    throw ExitCode(ExitCodes.unreachable)
  }
  if WireCoding.messageClass(of: line) == "error" {
    if options.json {
      print(String(decoding: line, as: UTF8.self))
    } else if let reply = try? WireCoding.decoder().decode(ErrorReply.self, from: line) {
      FileHandle.standardError.write(
        Data("dosectl: \(reply.code.rawValue): \(DisplayText.escaped(reply.message))\n".utf8))
    }
    let denied = (try? WireCoding.decoder().decode(ErrorReply.self, from: line))?.code
    throw ExitCode(denied == .permissionDenied ? ExitCodes.permissionDenied : ExitCodes.errorReply)
  }
  return (client, line)
}

func decode<T: Decodable>(_ type: T.Type, _ line: Data) throws -> T {
  do {
    return try WireCoding.decoder().decode(type, from: line)
  } catch {
    FileHandle.standardError.write(
      Data("dosectl: unexpected reply: \(DisplayText.escaped("\(error)"))\n".utf8))
    throw ExitCode(ExitCodes.errorReply)
  }
}
