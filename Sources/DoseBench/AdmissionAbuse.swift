import DoseProtocol
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The two clients of the connection-lockout scenario, each run as its
/// own process so that it connects with its own uid (`dosebench --client`, under `setpriv`):
/// the hostile reader, and a probe that an operator's `dosectl status` stands for.
public enum AdmissionAbuse {
  /// What the hostile reader got.
  public struct HostileOutcome: Sendable, Codable, Hashable {
    /// Connections greeted with `hello`, and held.
    public var held = 0
    /// Connections refused, by the limit the refusal names (per-user, total, watchers).
    public var refused: [String: Int] = [:]
    /// Malformed lines sent, and replies read to them.
    public var sent = 0
    public var replies = 0
    /// Per held connection, its error replies and its other replies (a line the random byte
    /// made valid). dosed's brake on garbage counts errors in a row, and any other reply starts
    /// the count again: from these two a test can bound how long the brake must have held the
    /// flood back, whatever order they came in.
    public var errorReplies: [Int] = []
    public var otherReplies: [Int] = []
    /// Seconds from the first malformed line to the last reply read.
    public var floodSeconds = 0.0
    public init() {}
  }

  /// Opens `connections` at once and holds those let in; `onHeld` hears when they are.
  /// Then floods the malformed lines, shared out over every held connection at once, reading
  /// every reply, over and over until `keepGoing` says stop (at least once).
  public static func hostile(
    socket: String, connections: Int, lines: [[UInt8]], onHeld: (HostileOutcome) -> Void,
    keepGoing: @Sendable () -> Bool
  ) -> HostileOutcome {
    SocketAbuse.raiseDescriptorLimit()
    var outcome = HostileOutcome()
    let fds = (0..<connections).map { _ in SocketAbuse.connect(socket) }
    defer { for fd in fds where fd >= 0 { close(fd) } }
    var held: [Int32] = []
    for fd in fds where fd >= 0 {
      let first = SocketAbuse.firstLine(fd)
      if first.contains("\"hello\"") {
        held.append(fd)
      } else {
        let limit = ["per-user", "total", "watchers"].first { first.contains("\($0) limit") }
        outcome.refused[limit ?? "other", default: 0] += 1
      }
    }
    outcome.held = held.count
    onHeld(outcome)
    let flooders = held
    guard !flooders.isEmpty else { return outcome }
    let share = lines.count / flooders.count
    outcome.errorReplies = Array(repeating: 0, count: flooders.count)
    outcome.otherReplies = outcome.errorReplies
    let floodStart = ContinuousClock.now
    repeat {
      // A thread each (concurrentPerform would run only as many as there are cores).
      let counts = Mutex([FloodReplies](repeating: FloodReplies(), count: flooders.count))
      let done = DispatchGroup()
      for (part, fd) in flooders.enumerated() {
        let mine = Array(lines[(part * share)..<((part + 1) * share)])
        done.enter()
        Thread {
          let read = flood(fd, lines: mine)
          counts.withLock { $0[part] = read }
          done.leave()
        }.start()
      }
      done.wait()
      outcome.sent += share * flooders.count
      for (part, read) in counts.withLock({ $0 }).enumerated() {
        outcome.replies += read.errors + read.others
        outcome.errorReplies[part] += read.errors
        outcome.otherReplies[part] += read.others
      }
    } while keepGoing()
    outcome.floodSeconds = milliseconds(ContinuousClock.now - floodStart) / 1000
    return outcome
  }

  /// The replies one connection read in one round.
  struct FloodReplies: Sendable {
    var errors = 0
    var others = 0
  }

  /// Sends `lines` on `fd` from one thread while reading the replies on this one.
  static func flood(_ fd: Int32, lines: [[UInt8]]) -> FloodReplies {
    var bytes: [UInt8] = []
    for line in lines { bytes += line + [0x0A] }
    let payload = bytes
    let sender = Thread {
      var offset = 0
      while offset < payload.count {
        let sent = payload[offset...].withUnsafeBytes {
          send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }
        if sent <= 0 { return }
        offset += sent
      }
    }
    sender.start()
    var replies = FloodReplies()
    var buffer = [UInt8](repeating: 0, count: 65536)
    var pending: [UInt8] = []
    let errorStart = Array(#"{"class":"error""#.utf8)
    while replies.errors + replies.others < lines.count {
      let count = recv(fd, &buffer, buffer.count, 0)
      if count <= 0 { break }
      pending += buffer[..<count]
      // Each whole reply line; dosed writes `class` first (WireCoding's sorted keys).
      var start = pending.startIndex
      while let end = pending[start...].firstIndex(of: 0x0A) {
        if pending[start..<end].starts(with: errorStart) {
          replies.errors += 1
        } else {
          replies.others += 1
        }
        start = end + 1
      }
      pending.removeSubrange(..<start)
    }
    return replies
  }

  /// What a probe saw: every `status` latency, connecting included, and the control action.
  public struct ProbeOutcome: Sendable, Codable {
    public var statusMs: [Double] = []
    public var controlMs: [Double] = []
    /// Errors, and replies of the wrong class; the first few.
    public var failures: [String] = []
    public var failureCount = 0
    public init() {}
  }

  /// For `seconds`, every `interval`: a fresh connection (as each `dosectl status` makes),
  /// `hello`, `status`, then the `control` request line if one is given; latency from
  /// connecting to the `status` reply, and of the control reply.
  public static func probe(
    socket: String, seconds: Double, interval: Double = 0.05, control: String?
  ) -> ProbeOutcome {
    var outcome = ProbeOutcome()
    func fail(_ what: String) {
      outcome.failureCount += 1
      if outcome.failures.count < 5 { outcome.failures.append(what) }
    }
    let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    repeat {
      let start = ContinuousClock.now
      do {
        // The timeout ends a hang (a lockout); latencies are reported, not bounded, here.
        let client = try DoseClient(path: socket, timeout: 30)
        let reply = try client.request("status")
        let answered = ContinuousClock.now
        if WireCoding.messageClass(of: reply) == "status" {
          outcome.statusMs.append(milliseconds(answered - start))
        } else {
          fail(String(decoding: reply.prefix(200), as: UTF8.self))
        }
        if let control {
          try client.sendRaw(Data((control + "\n").utf8))
          let line = try client.readLine() ?? Data("closed".utf8)
          if WireCoding.messageClass(of: line) == "error" || line == Data("closed".utf8) {
            fail(String(decoding: line.prefix(200), as: UTF8.self))
          } else {
            outcome.controlMs.append(milliseconds(ContinuousClock.now - answered))
          }
        }
      } catch {
        fail("\(error)")
      }
      Thread.sleep(forTimeInterval: interval)
    } while ContinuousClock.now < end
    return outcome
  }

  static func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000
      + Double(duration.components.attoseconds) / 1e15
  }
}
