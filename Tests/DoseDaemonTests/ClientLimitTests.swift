import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

@Suite(.serialized, .stopsDaemons) struct ClientLimitTests {
  /// The small ward with at most 2 clients and a 10 s idle timeout (short for the test, long
  /// enough that a loaded machine still sends the watcher's first line within it).
  static var ward: String {
    "[daemon]\nmax_clients = 2\nidle_timeout_s = 10\n\n" + smallWard
  }

  @Test func excessClientsAreRefusedAndPlacesFreeUp() async throws {
    // No idle timeout or login grace to speak of: only the clients themselves may free a place
    // here, however long the test takes between connecting and asking.
    let daemon = try await TestDaemon.start(
      "[daemon]\nmax_clients = 2\nidle_timeout_s = 3600\nlogin_grace_s = 3600\n\n" + smallWard)
    let path = daemon.socketPath
    try await offPool {
      // The start-up probe's connection may still hold a place until the daemon notices its
      // close (slow on a loaded machine): wait for the two places rather than fail here.
      let first = try Self.connectWhenFree(path)
      var second: DoseClient? = try Self.connectWhenFree(path)
      #expect(throws: DoseClient.Failure.self) { _ = try DoseClient(path: path) }
      do {
        _ = try DoseClient(path: path)
      } catch {
        #expect("\(error)".contains("too_many_clients"))
      }
      // The others are still served.
      #expect(WireCoding.messageClass(of: try first.request("version")) == "version")
      second = nil
      _ = second
      // Once a place is free (the daemon notices the close), a new client gets in.
      #expect((try? Self.connectWhenFree(path)) != nil)
    }
  }

  /// Connects, retrying while the daemon says all places are taken: a closed connection frees
  /// its place only once the daemon has noticed the close. The minute only bounds a hang.
  static func connectWhenFree(_ path: String, timeout: Double = 30) throws -> DoseClient {
    let deadline = ContinuousClock.now + .seconds(60)
    while true {
      do {
        return try DoseClient(path: path, timeout: timeout)
      } catch {
        let full = String(describing: error).contains("too_many_clients")
        guard full, ContinuousClock.now < deadline else { throw error }
        Thread.sleep(forTimeInterval: 0.05)
      }
    }
  }

  @Test func idleClientsAreClosedButWatchersStay() async throws {
    let daemon = try await TestDaemon.start(Self.ward)
    let path = daemon.socketPath
    try await offPool {
      let idle = try Self.connectWhenFree(path)
      let watcher = try Self.connectWhenFree(path)
      try watcher.send(Request(id: .number(1), cmd: "watch"))
      #expect(WireCoding.messageClass(of: try #require(try watcher.readLine())) == "watch")
      // After the 10 s idle timeout the idle client is told why and closed.
      let line = try #require(try idle.readLine())
      let reply = try WireCoding.decoder().decode(ErrorReply.self, from: line)
      #expect(reply.code == .idleTimeout)
      #expect(reply.message.contains("no request for 10 s"), "the idle timeout, not the grace")
      #expect(try idle.readLine() == nil)
      // The watcher still gets events well after it.
      Thread.sleep(forTimeInterval: 11)
      var events = 0
      while events < 3, let event = try watcher.readLine() {
        if WireCoding.messageClass(of: event) == "event" { events += 1 }
      }
      #expect(events == 3)
    }
  }

  /// A connection that sends no complete line within `login_grace_s` is told so and closed
  /// long before the idle timeout; one that sent a line stays (issue 14, finding 7).
  @Test func silentConnectionsAreClosedAfterTheLoginGrace() async throws {
    let daemon = try await TestDaemon.start(
      "[daemon]\nlogin_grace_s = 1\nidle_timeout_s = 300\n\n" + smallWard)
    let path = daemon.socketPath
    try await offPool {
      let talker = try Self.connectWhenFree(path)
      #expect(WireCoding.messageClass(of: try talker.request("version")) == "version")
      let silent = try Self.connectWhenFree(path)
      let line = try #require(try silent.readLine())
      let reply = try WireCoding.decoder().decode(ErrorReply.self, from: line)
      #expect(reply.code == .idleTimeout)
      #expect(reply.message.contains("login_grace_s"))
      #expect(try silent.readLine() == nil)
      // The talker's grace ran out first, and it is still served.
      #expect(WireCoding.messageClass(of: try talker.request("version")) == "version")
    }
  }

  /// Watchers have places of their own: two watchers leave both request places free, and a
  /// third watcher is refused naming the watchers limit (issue 14, finding 7).
  @Test func watchersAreCountedApartFromRequestClients() async throws {
    let daemon = try await TestDaemon.start(
      "[daemon]\nmax_clients = 2\nmax_watchers = 2\nreserved_clients = 0\n\n" + smallWard)
    let path = daemon.socketPath
    try await offPool {
      var watchers: [DoseClient] = []
      for number in 1...2 {
        let watcher = try Self.connectWhenFree(path)
        try watcher.send(Request(id: .number(number), cmd: "watch"))
        #expect(WireCoding.messageClass(of: try #require(try watcher.readLine())) == "watch")
        watchers.append(watcher)
      }
      let first = try Self.connectWhenFree(path)
      var second: DoseClient? = try Self.connectWhenFree(path)
      #expect(WireCoding.messageClass(of: try first.request("version")) == "version")
      #expect(WireCoding.messageClass(of: try second!.request("version")) == "version")
      second = nil
      _ = second
      let third = try Self.connectWhenFree(path)
      try third.send(Request(id: .number(3), cmd: "watch"))
      let line = try #require(try third.readLine())
      let reply = try WireCoding.decoder().decode(ErrorReply.self, from: line)
      #expect(reply.code == .tooManyClients)
      #expect(reply.message.contains("watchers limit"))
      #expect(reply.id == .number(3))
      #expect(watchers.count == 2)
    }
  }
}
