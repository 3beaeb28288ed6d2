import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 14, finding 6: the daemon removes only a stale socket at its path (a socket nobody
/// listens on). Anything else in the way is left alone and named; a listener is never taken
/// over, even one that does not answer; on exit a daemon removes its socket only if the path is
/// still the socket it bound.
@Suite(.serialized) struct SocketPathTests {
  /// Runs a service on `socket` until it gives up, or until `takenOver` says it has replaced
  /// what was at the path (the old behaviour); what it threw.
  func refusal(socket: String, in directory: String, takenOver: @escaping () -> Bool)
    async throws -> String
  {
    let run = try ServiceRun(
      ward: smallWard, socket: socket, stateDirectory: directory + "/state")
    try await eventually("the service gives up or takes the path", seconds: 60) {
      run.finished || takenOver()
    }
    return await run.stop().map { "\($0)" } ?? "no error"
  }

  @Test(arguments: ["regular file", "directory", "FIFO"])
  func somethingInTheWayIsNamedAndLeftAlone(kind: String) async throws {
    let directory = try HostilePaths.scratch("sockpath")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/dosed.sock"
    switch kind {
    case "regular file": try "precious".write(toFile: path, atomically: false, encoding: .utf8)
    case "directory":
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    default: try HostilePaths.makeFIFO(path)
    }
    let before = HostilePaths.identity(path)
    let message = try await refusal(socket: path, in: directory) {
      HostilePaths.identity(path) != before
    }
    #expect(message.contains("\(path) is a \(kind), not a socket; not removing it"), "\(message)")
    #expect(HostilePaths.identity(path) == before)
    if kind == "regular file" {
      #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
    }
  }

  @Test func aSymlinkIsNamedWithItsTargetAndLeftAlone() async throws {
    let directory = try HostilePaths.scratch("sockpath")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/dosed.sock"
    for target in [directory + "/nowhere.sock", directory + "/file"] {
      unlink(path)
      if target.hasSuffix("file") {
        try "kept".write(toFile: target, atomically: false, encoding: .utf8)
      }
      try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
      let before = HostilePaths.identity(path)
      let message = try await refusal(socket: path, in: directory) {
        HostilePaths.identity(path) != before
          || (target.hasSuffix("file") && !FileManager.default.fileExists(atPath: target))
      }
      #expect(message.contains("\(path) is a symlink to \(target)"), "\(message)")
      #expect(HostilePaths.identity(path) == before)
    }
    #expect(try String(contentsOfFile: directory + "/file", encoding: .utf8) == "kept")
  }

  /// A socket something listens on, even if it never answers (a daemon stopped with SIGSTOP, a
  /// full backlog), is live: refused, not probed for a hello line and then stolen.
  @Test func aListenerThatNeverAnswersIsNotTakenOver() async throws {
    let directory = try HostilePaths.scratch("sockpath")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/dosed.sock"
    let listener = try HostilePaths.silentListener(at: path)
    defer { close(listener) }
    let before = HostilePaths.identity(path)
    let message = try await refusal(socket: path, in: directory) {
      HostilePaths.identity(path) != before
    }
    #expect(message.contains("listening on \(path)"), "\(message)")
    #expect(HostilePaths.identity(path) == before)
  }

  /// Someone else's socket now at the path (the daemon's was removed and another bound there):
  /// the stopping daemon leaves it.
  @Test func aDaemonRemovesOnlyItsOwnSocketOnExit() async throws {
    let daemon = try await TestDaemon.start(smallWard)
    unlink(daemon.socketPath)
    let theirs = try HostilePaths.silentListener(at: daemon.socketPath)
    defer { close(theirs) }
    let before = HostilePaths.identity(daemon.socketPath)
    await daemon.stop(keepFiles: true)
    #expect(HostilePaths.identity(daemon.socketPath) == before)
    try? FileManager.default.removeItem(atPath: daemon.directory)
  }

  /// The real binary stopped with SIGSTOP: a second daemon on its socket exits 1 and leaves the
  /// socket; after SIGCONT the first answers there, and removes its own socket when it stops.
  @Test func aStoppedDaemonKeepsItsSocket() async throws {
    let first = try DosedProcess(name: "sigstop", ward: smallWard)
    try first.start()
    defer { first.stop() }
    try await first.waitAnswering()
    let before = HostilePaths.identity(first.socket)
    kill(first.pid, SIGSTOP)
    defer { kill(first.pid, SIGCONT) }
    let socket = first.socket
    let second = try await HostilePaths.runDosed([
      "--config", first.configPath, "--socket", socket, "--state-dir", first.directory + "/other",
    ]) { _ in HostilePaths.identity(socket) != before }
    #expect(second.status == 1, "\(second.stderr)")
    #expect(second.stderr.contains("listening on \(socket)"), "\(second.stderr)")
    #expect(HostilePaths.identity(socket) == before)

    kill(first.pid, SIGCONT)
    try await first.waitAnswering("the first dosed answers again")
    #expect(first.stop() == 0)
    #expect(HostilePaths.identity(socket) == nil, "a daemon removes its own socket")
  }
}
