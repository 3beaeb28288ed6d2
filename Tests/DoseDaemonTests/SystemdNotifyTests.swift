import Foundation
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// A real datagram listener standing in for systemd's notify socket.
final class NotifyListener: @unchecked Sendable {
  let path: String
  let fd: Int32

  init() throws {
    path = "/tmp/dosed-notify-\(UUID().uuidString.prefix(8)).sock"
    fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: Array(path.utf8) + [0])
    }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    try #require(bound == 0)
    var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
  }

  /// Datagrams received until `enough` holds on them, for at most `seconds` (a bound on a
  /// hang only).
  func receive(for seconds: Double = 60, until enough: ([String]) -> Bool) -> [String] {
    var messages: [String] = []
    let end = ContinuousClock.now + .seconds(seconds)
    var buffer = [UInt8](repeating: 0, count: 4096)
    while ContinuousClock.now < end, !enough(messages) {
      let count = recv(fd, &buffer, buffer.count, 0)
      if count > 0 { messages.append(String(decoding: buffer[0..<count], as: UTF8.self)) }
    }
    return messages
  }

  deinit {
    close(fd)
    unlink(path)
  }
}

@Suite(.serialized) struct SystemdNotifyTests {
  @Test func readyStatusWatchdogAndStoppingReachARealListener() async throws {
    let listener = try NotifyListener()
    let daemon = try await TestDaemon.start(
      smallWard, timeScale: 60,
      environment: ["NOTIFY_SOCKET": listener.path, "WATCHDOG_USEC": "400000"])
    // Pinged at half of 0.4 s while the evaluation loop runs.
    let messages = try await offPool {
      listener.receive {
        $0.contains { $0.hasPrefix("READY=1") } && $0.count { $0 == "WATCHDOG=1" } >= 3
      }
    }
    let ready = try #require(messages.first { $0.hasPrefix("READY=1") })
    #expect(ready.contains("STATUS="))
    #expect(messages.contains { $0.hasPrefix("STATUS=") && $0.contains("3 detectors") })
    #expect(messages.filter { $0 == "WATCHDOG=1" }.count >= 3)
    await daemon.stop()
    let after = try await offPool { listener.receive { $0.contains("STOPPING=1") } }
    #expect((messages + after).contains("STOPPING=1"))
  }

  @Test func watchdogSettingsAndLiveness() {
    #expect(Watchdog(environment: [:]).pingEvery == nil)
    #expect(Watchdog(environment: ["WATCHDOG_USEC": "30000000"]).pingEvery == 15)
    #expect(
      Watchdog(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"]).pingEvery == nil,
      "the variables belong to another process")
    #expect(
      Watchdog(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "\(getpid())"])
        .pingEvery == 15)
    #expect(Watchdog.engineAlive(secondsSinceEvaluation: 0.3, period: 0.25, pingEvery: 15))
    #expect(!Watchdog.engineAlive(secondsSinceEvaluation: 5, period: 0.25, pingEvery: 15))
    #expect(!Watchdog.engineAlive(secondsSinceEvaluation: nil, period: 0.25, pingEvery: 15))
  }
}
