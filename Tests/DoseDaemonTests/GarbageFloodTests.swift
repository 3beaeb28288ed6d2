import DeviceEmulators
import DoseCore
import DoseProtocol
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 9: a counter's line fills with garbage at the full rate of its port (9600 baud for a
/// MightyOhm kit, about 960 bytes a second; here ten times that) for five seconds, against the
/// real `dosed` binary. The daemon's CPU stays low, and readings resume when the garbage stops.
@Suite(.serialized) struct GarbageFloodTests {
  /// CPU seconds (user + system) a process has used, from /proc/PID/stat.
  func cpuSeconds(_ pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return .nan }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    // Fields 14 and 15 (utime, stime), counted from the pid; after ")" the state is field 3.
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12])
    else { return .nan }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
  }

  @Test func garbageAtFullRateCostsLittleAndReadingsResume() async throws {
    let (daemon, terminal) = try DosedProcess.startWithKitTerminal(name: "flood")
    let fd = terminal.masterFD
    func talk(seconds: Int) async throws {
      _ = try await DosedProcess.talkLikeAKit(fd, seconds: seconds)
    }
    func detector() async -> DetectorStatus? { await daemon.detector("kit") }
    /// Talks like a kit, a second at a time, until `condition` holds (a loaded machine may
    /// open the port or read the lines late); the bound ends a hang only.
    func talk(until what: String, _ condition: () async -> Bool) async throws {
      for _ in 0..<60 {
        try await talk(seconds: 1)
        if await condition() { return }
        try await Task.sleep(for: .seconds(1))
      }
      Issue.record("not \(what) after 60 s of good lines")
    }
    try await eventually("dosed answers") { await detector() != nil }
    try await talk(until: "reading") { await detector()?.state == "ok" }

    // Five seconds of random bytes (newlines included) at 9600 bytes a second.
    let before = cpuSeconds(daemon.pid)
    try await offPool {
      var random = SeededGenerator(seed: 5)
      for _ in 0..<50 {
        let chunk = (0..<960).map { _ in UInt8.random(in: 0...255, using: &random) }
        _ = chunk.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        Thread.sleep(forTimeInterval: 0.1)
      }
    }
    let used = cpuSeconds(daemon.pid) - before
    print("garbage flood: dosed used \(String(format: "%.2f", used)) CPU s in 5 s of garbage")
    // Bounded: well under half a core (a loop per byte, a log line per junk line, or a parse
    // that rescans would show here).
    #expect(used < 2.5)
    // Good lines again: readings resume.
    let lastBefore = await detector()?.lastReadingAt
    try await talk(until: "readings resumed") {
      let kit = await detector()
      return kit?.state == "ok" && (kit?.link?.junkLines ?? 0) > 0
        && kit?.lastReadingAt != lastBefore
    }
    #expect(daemon.stop() == 0)
  }
}
