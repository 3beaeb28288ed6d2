import DoseBench
import DoseProtocol
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 9 socket abuse: malformed requests by the thousand, over-long lines, hundreds of
/// simultaneous connections, watchers that never read and clients that vanish mid-reply. A
/// well-behaved client keeps getting `status` throughout, and the daemon never stops.
@Suite(.serialized, .stopsDaemons) struct SocketAbuseTests {
  @Test func malformedFloodsAreAnsweredWithErrorsAndStatusKeepsFlowing() async throws {
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60)
    let probe = try StatusProbe(socket: daemon.socketPath)
    let lines = SocketAbuse.malformedLines()
    let socket = daemon.socketPath
    // Four connections, 2 500 lines each, sent in one go; every line gets exactly one reply,
    // and the connection stays usable.
    let outcomes = try await withThrowingTaskGroup(of: SocketAbuse.FloodOutcome.self) { group in
      for part in 0..<4 {
        let mine = Array(lines[(part * 2500)..<((part + 1) * 2500)])
        group.addTask { try await offPool { try SocketAbuse.flood(socket, lines: mine) } }
      }
      return try await group.reduce(into: [SocketAbuse.FloodOutcome]()) { $0.append($1) }
    }
    // A malformed line may, by the random byte, have become a valid request.
    #expect(outcomes.map { $0.errors + $0.others }.reduce(0, +) == 10_000, "one reply per line")
    #expect(outcomes.map { $0.errors }.reduce(0, +) >= 9_500)
    #expect(outcomes.allSatisfy { $0.stillServes }, "each connection still answers status")

    // Lines of 64 KiB + 1: refused and closed, twenty at once.
    let closed = try await withThrowingTaskGroup(of: Bool.self) { group in
      for _ in 0..<20 {
        group.addTask { try await offPool { try SocketAbuse.overlongLine(socket) } }
      }
      return try await group.reduce(into: [Bool]()) { $0.append($1) }
    }
    #expect(closed.allSatisfy { $0 })

    let result = probe.finish()
    // Reported, not asserted: timing is `dosebench --only abuse`'s to check (≤ 100 ms).
    print(
      "socket abuse probe: \(result.answers) status answers, slowest "
        + "\(Int(result.slowestMs.rounded())) ms")
    #expect(result.failures.isEmpty, "\(result.failures.prefix(3))")
    #expect(result.answers >= 1)
    #expect(try await daemon.status().detectors.count == 3, "the daemon is still serving")
  }

  @Test func crowdsWatchersThatNeverReadAndVanishingClients() async throws {
    // This process holds both ends of every connection.
    SocketAbuse.raiseDescriptorLimit()
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60)
    let probe = try StatusProbe(socket: daemon.socketPath)
    let socket = daemon.socketPath

    // 20 watchers that never read a byte.
    let watchers = try await offPool { SocketAbuse.silentWatchers(socket, count: 20) }
    // 500 connections at once: up to max_clients (64) are served, the rest told so and
    // closed; none is left hanging.
    let greetings = try await offPool { SocketAbuse.crowd(socket, count: 500) }
    #expect(greetings.allSatisfy { $0.contains("\"hello\"") || $0.contains("too_many_clients") })
    #expect(greetings.contains { $0.contains("too_many_clients") })
    // 300 clients that ask for status (and for history) and vanish with a reset, mid-reply.
    try await offPool { SocketAbuse.vanishMidReply(socket, count: 300, detector: "r1") }
    for fd in watchers { close(fd) }
    let result = probe.finish()
    // Reported, not asserted: timing is `dosebench --only abuse`'s to check (≤ 100 ms).
    print(
      "socket abuse probe: \(result.answers) status answers, slowest "
        + "\(Int(result.slowestMs.rounded())) ms")
    #expect(result.failures.isEmpty, "\(result.failures.prefix(3))")
    #expect(result.answers >= 1)
    // Still serving, and the slots came back.
    try await eventually("new clients are served again") {
      (try? await daemon.request("version")) != nil
    }
  }
}
