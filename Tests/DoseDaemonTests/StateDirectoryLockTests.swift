import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 14, finding 3: one daemon per state directory. A second daemon given the same state
/// directory (with a socket of its own) gives up before it binds its socket or writes a record,
/// naming the holder's pid and the directory; once the first has stopped, a new one starts.
@Suite(.serialized) struct StateDirectoryLockTests {
  static func starts(_ events: [RecordedEvent]) -> Int {
    events.filter { $0.kind == "start" }.count
  }

  static func events(_ daemon: TestDaemon) async throws -> [RecordedEvent] {
    try await daemon.send(EventsRequest(id: .number(1)), as: EventsReply.self).events
  }

  /// Two services in one process: flock locks belong to the open file description, so the
  /// second open conflicts as a second process would.
  @Test func aSecondServiceOnTheSameStateDirectoryGivesUp() async throws {
    let first = try await TestDaemon.start(smallWard)
    let stateDirectory = first.service.config.daemon.stateDirectory
    let otherSocket = first.directory + "/second.sock"
    #expect(Self.starts(try await Self.events(first)) == 1)

    let second = try ServiceRun(
      ward: smallWard, socket: otherSocket, stateDirectory: stateDirectory)
    try await eventually("the second service gives up or serves", seconds: 60) {
      second.finished || FileManager.default.fileExists(atPath: otherSocket)
    }
    let error = await second.stop()
    let message = error.map { "\($0)" } ?? "no error"
    #expect(message.contains("pid \(getpid())"), "\(message)")
    #expect(message.contains(stateDirectory), "\(message)")
    #expect(!FileManager.default.fileExists(atPath: otherSocket), "the socket was bound")
    #expect(Self.starts(try await Self.events(first)) == 1, "the second wrote to the records")

    // Stopping releases the lock: a daemon on the same directory starts.
    await first.stop(keepFiles: true)
    let next = try await TestDaemon.start(smallWard, directory: first.directory)
    #expect(Self.starts(try await Self.events(next)) == 2)
    await next.stop()
  }

  /// The real binary: exit 1 with the holder's pid and the directory; the holder's records have
  /// no second start; after the holder stops, the same command starts a daemon.
  @Test func theRealDaemonRefusesAStateDirectoryInUse() async throws {
    let first = try DosedProcess(name: "lock", ward: smallWard)
    try first.start()
    defer { first.stop() }
    try await first.waitAnswering()
    let otherSocket = first.directory + "/second.sock"
    let arguments = [
      "--config", first.configPath, "--socket", otherSocket, "--state-dir", first.stateDirectory,
    ]

    let refused = try await HostilePaths.runDosed(arguments) { _ in
      FileManager.default.fileExists(atPath: otherSocket)
    }
    #expect(refused.status == 1, "\(refused.stderr)")
    #expect(refused.stderr.contains("pid \(first.pid)"), "\(refused.stderr)")
    #expect(refused.stderr.contains(first.stateDirectory), "\(refused.stderr)")
    #expect(Self.starts(try await first.events()) == 1, "the second wrote to the records")

    #expect(first.stop() == 0)
    let started = try await HostilePaths.runDosed(arguments) { _ in
      (try? DoseClient(path: otherSocket, timeout: 5)) != nil
    }
    #expect(started.status == nil, "it should have started and answered: \(started.stderr)")
  }
}
