import DoseCore
import DoseProtocol
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The socket abuse, as plain functions over a socket path: used by `SocketAbuseTests`
/// (what the daemon answers) and by the `abuse` bench (how fast a well-behaved client is served
/// meanwhile). Each blocks its calling thread.
public enum SocketAbuse {
  /// `count` malformed lines of every kind the issue names (bad JSON, wrong types, huge numbers,
  /// invalid UTF-8, bad control arguments, unknown commands), half with one random byte
  /// changed (never into a newline: one line, one reply). Seeded.
  public static func malformedLines(count: Int = 10_000, seed: UInt64 = 9) -> [[UInt8]] {
    var random = SeededGenerator(seed: seed)
    let templates: [[UInt8]] = [
      Array(#"{"id":1,"cmd":"#.utf8), Array(#"}{"#.utf8), Array(#"[1,2"#.utf8),
      Array(#"{"id":true,"cmd":"status"}"#.utf8), Array(#"{"cmd":5}"#.utf8),
      Array(#"{"id":[1],"cmd":"status"}"#.utf8), Array(#"{"id":1e999,"cmd":"status"}"#.utf8),
      Array(#"{"id":123456789012345678901234567890,"cmd":"status"}"#.utf8),
      Array(#"{"id":-1.5e308,"cmd":"room_admit","room":5}"#.utf8),
      Array(#"{"cmd":"history","of":"r1","last_s":1e400}"#.utf8),
      Array(#"{"cmd":"events","limit":-99999999999999999999}"#.utf8),
      Array(
        #"{"cmd":"waste_add","package":"x","store":"store","activities_bq":{"Lu-177":"x"}}"#.utf8),
      [0xFF, 0xFE, 0x7B, 0x7D], [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D], Array("null".utf8),
      Array(#""status""#.utf8), Array(#"{"cmd":"reboot"}"#.utf8),
    ]
    return (0..<count).map { index in
      var line = templates[index % templates.count]
      if index % 2 == 1 {
        let position = Int.random(in: 0..<line.count, using: &random)
        var byte = UInt8.random(in: 0...255, using: &random)
        if byte == 0x0A { byte = 0x0B }
        line[position] = byte
      }
      return line
    }
  }

  /// What one flooding connection got back.
  public struct FloodOutcome: Sendable {
    public var errors = 0
    /// Replies that were not errors: the random byte made a valid request of the line.
    public var others = 0
    /// The connection still answered `status` after its flood.
    public var stillServes = false
  }

  /// Sends `lines` in one go on one connection and reads one reply per line, then asks
  /// `status` on the same connection.
  public static func flood(_ socket: String, lines: [[UInt8]]) throws -> FloodOutcome {
    let client = try DoseClient(path: socket, timeout: 10)
    var payload = Data()
    for line in lines { payload.append(contentsOf: line + [0x0A]) }
    try client.sendRaw(payload)
    var outcome = FloodOutcome()
    for _ in lines {
      guard let reply = try client.readLine() else { break }
      if WireCoding.messageClass(of: reply) == "error" {
        outcome.errors += 1
      } else {
        outcome.others += 1
      }
    }
    outcome.stillServes = WireCoding.messageClass(of: try client.request("status")) == "status"
    return outcome
  }

  /// A line of 64 KiB + 1 bytes: true when it was refused with `line_too_long` and the
  /// connection closed.
  public static func overlongLine(_ socket: String) throws -> Bool {
    let long =
      Data(repeating: UInt8(ascii: "x"), count: ProtocolInfo.maxLineBytes + 1) + Data([0x0A])
    let client = try DoseClient(path: socket, timeout: 10)
    try? client.sendRaw(long)
    let reply = try? client.readLine()
    let refused = reply.map { String(decoding: $0, as: UTF8.self).contains("line_too_long") }
    let end = try? client.readLine()
    return refused == true && end == nil
  }

  /// `count` clients that ask to `watch` and never read a byte; close the descriptors after.
  public static func silentWatchers(_ socket: String, count: Int) -> [Int32] {
    (0..<count).map { _ in
      let fd = connect(socket)
      _ = firstLine(fd)
      let request = Array(#"{"id":"w","cmd":"watch"}"#.utf8) + [0x0A]
      _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      return fd
    }
  }

  /// `count` connections at once; the first line each got (the greeting, or `too_many_clients`).
  public static func crowd(_ socket: String, count: Int) -> [String] {
    let fds = (0..<count).map { _ in connect(socket) }
    defer { for fd in fds where fd >= 0 { close(fd) } }
    return fds.map { fd in fd < 0 ? "connect failed" : firstLine(fd) }
  }

  /// `count` clients that ask for `status` or a detector's history and vanish with a reset
  /// (SO_LINGER 0) before reading the reply.
  public static func vanishMidReply(_ socket: String, count: Int, detector: String) {
    for index in 0..<count {
      let fd = connect(socket)
      guard fd >= 0 else { continue }
      let request =
        index.isMultiple(of: 2) ? #"{"cmd":"status"}"# : #"{"cmd":"history","of":"\#(detector)"}"#
      _ = Array((request + "\n").utf8).withUnsafeBytes {
        send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
      close(fd)
    }
  }

  /// Raises this process's descriptor limit to `wanted` (within the hard limit): one process
  /// holding both ends of hundreds of connections needs more than the usual 1024.
  public static func raiseDescriptorLimit(to wanted: rlim_t = 4096) {
    var limit = rlimit()
    getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    limit.rlim_cur = Swift.max(limit.rlim_cur, Swift.min(limit.rlim_max, wanted))
    setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
  }

  /// A connected Unix stream socket with a 10 s receive timeout, or -1.
  public static func connect(_ path: String) -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return -1 }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    if result != 0 {
      close(fd)
      return -1
    }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    return fd
  }

  /// The first line the daemon sends, or what went wrong.
  public static func firstLine(_ fd: Int32) -> String {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while bytes.count < 4096 {
      let count = recv(fd, &byte, 1, 0)
      if count <= 0 { return "no greeting (\(count))" }
      if byte == 0x0A { break }
      bytes.append(byte)
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
