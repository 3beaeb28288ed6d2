import DoseProtocol
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `board`: what the ward board costs, against the release `dosed` and `dosed-board`. One
/// dosed with six simulated detectors in two rooms and a store; dosed's `status` latency from a
/// client of its own (sequential requests for `seconds`) with no page open on the board and with
/// `pages` open event streams (the board holds one watch and one status connection to dosed
/// however many pages are open, so the two should match); the board's resident memory with the
/// pages open; and the first-load weight of `/` (HTML + CSS + JS).
public struct BoardBench: Sendable {
  public var dosed: String
  public var board: String
  public var pages = 50
  public var seconds = 8.0
  /// Issue 18's bound on the first load of `/`.
  public static let maxPageBytes = 150_000
  /// "Unchanged" with room for a busy 2-core machine: p50 and p99 within 1.5× and 2×.
  public static let maxMedianRatio = 1.5
  public static let maxP99Ratio = 2.0

  public init(dosed: String, board: String) {
    self.dosed = dosed
    self.board = board
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  func ward() -> String {
    var text = BenchWard.simulatedDetectors(6, background: { 0.1 + Double($0) })
    text += """
      [[location]]
      id = "room-1"
      kind = "isolation_room"
      detectors = ["d0", "d1"]
      warn_usv_h = 60.0
      alarm_usv_h = 200.0
      state = "occupied"

      [[location]]
      id = "room-2"
      kind = "isolation_room"
      detectors = ["d2", "d3"]
      warn_usv_h = 60.0
      alarm_usv_h = 200.0
      state = "clear"
      clear_usv_h = 50.0

      [[location]]
      id = "store"
      kind = "waste_store"
      detectors = ["d4", "d5"]
      warn_usv_h = 60.0
      alarm_usv_h = 200.0

      """
    return text
  }

  public func run() throws -> BoardBenchResult {
    let daemon = try BenchDaemon(dosed: dosed, ward: ward(), name: "board")
    try SocketBench(dosed: dosed, dosectl: "").waitReady(daemon.socket)
    let port = Self.freePort()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: board)
    process.arguments = ["--socket", daemon.socket, "--listen", "127.0.0.1:\(port)"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer {
      process.terminate()
      process.waitUntilExit()
    }
    let deadline = Date().addingTimeInterval(30)
    while (try? Self.get(port: port, path: "/healthz").status) != 200 {
      guard Date() < deadline else { throw Failure(description: "the board never became live") }
      Thread.sleep(forTimeInterval: 0.1)
    }
    let page = try Self.get(port: port, path: "/")
    let css = try Self.get(port: port, path: "/static/board.css")
    let js = try Self.get(port: port, path: "/static/board.js")
    let idle = try latencies(daemon.socket)
    let streams = Streams()
    for _ in 0..<pages { try streams.open(port: port, path: "/events/ward") }
    let drain = Thread { streams.drain() }
    drain.start()
    Thread.sleep(forTimeInterval: 3)
    let loaded = try latencies(daemon.socket)
    let rss = Self.residentKB(process.processIdentifier)
    let open = streams.openCount
    streams.stop()
    return BoardBenchResult(
      pages: pages, openStreams: open, idleP50Ms: idle.p50, idleP99Ms: idle.p99,
      loadedP50Ms: loaded.p50, loadedP99Ms: loaded.p99, boardRSSKB: rss,
      pageBytes: page.body.count, cssBytes: css.body.count, jsBytes: js.body.count,
      eventsReceivedBytes: streams.received)
  }

  /// Sequential `status` round trips on one connection for `seconds`, in ms.
  func latencies(_ socket: String) throws -> (p50: Double, p99: Double) {
    let client = try DoseClient(path: socket, timeout: 5)
    let request = try WireCoding.line(Request(id: .number(1), cmd: "status"))
    let clock = ContinuousClock()
    var values: [Double] = []
    let end = clock.now + .seconds(seconds)
    while clock.now < end {
      let begin = clock.now
      try client.sendRaw(request)
      guard try client.readLine() != nil else { throw Failure(description: "dosed closed") }
      values.append(begin.duration(to: clock.now).inSeconds * 1000)
    }
    values.sort()
    return (values[values.count / 2], values[min(values.count - 1, values.count * 99 / 100)])
  }

  static func residentKB(_ pid: Int32) -> Int {
    let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = text.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
  }

  static func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  static func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return address
  }

  /// A connected socket with `GET path` sent.
  static func request(port: Int, path: String) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = loopback(port: port)
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard result == 0 else {
      close(fd)
      throw Failure(description: "cannot connect to the board on port \(port)")
    }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    _ = text.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    return fd
  }

  /// A whole response (the board closes after it): status and body bytes.
  static func get(port: Int, path: String) throws -> (status: Int, body: [UInt8]) {
    let fd = try request(port: port, path: path)
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = recv(fd, &buffer, buffer.count, 0)
      if count <= 0 { break }
      bytes += buffer[0..<count]
    }
    let separator: [UInt8] = Array("\r\n\r\n".utf8)
    guard
      let end = (0..<max(0, bytes.count - 3)).first(where: {
        Array(bytes[$0..<$0 + 4]) == separator
      })
    else { throw Failure(description: "no HTTP response for \(path)") }
    let head = String(decoding: bytes[..<end], as: UTF8.self)
    let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
    return (status, Array(bytes[(end + 4)...]))
  }

  /// Open event streams, read and discarded by one thread, as browsers would read them.
  final class Streams: @unchecked Sendable {
    private let lock = NSLock()
    private var fds: [Int32] = []
    private var stopped = false
    private(set) var received = 0

    func open(port: Int, path: String) throws {
      let fd = try BoardBench.request(port: port, path: path)
      lock.withLock { fds.append(fd) }
    }

    var openCount: Int { lock.withLock { fds.count } }

    func drain() {
      var buffer = [UInt8](repeating: 0, count: 65536)
      while !lock.withLock({ stopped }) {
        var polls = lock.withLock { fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) } }
        guard poll(&polls, nfds_t(polls.count), 200) > 0 else { continue }
        for entry in polls where entry.revents != 0 {
          let count = recv(entry.fd, &buffer, buffer.count, 0)
          lock.withLock {
            if count > 0 {
              received += count
            } else {
              fds.removeAll { $0 == entry.fd }
              close(entry.fd)
            }
          }
        }
      }
    }

    func stop() {
      lock.withLock {
        stopped = true
        for fd in fds { close(fd) }
        fds = []
      }
    }
  }
}

public struct BoardBenchResult: Codable, Sendable {
  public var bench = "board"
  public var pages: Int
  public var openStreams: Int
  public var idleP50Ms: Double
  public var idleP99Ms: Double
  public var loadedP50Ms: Double
  public var loadedP99Ms: Double
  public var boardRSSKB: Int
  public var pageBytes: Int
  public var cssBytes: Int
  public var jsBytes: Int
  public var eventsReceivedBytes: Int

  public var firstLoadBytes: Int { pageBytes + cssBytes + jsBytes }

  public var failures: [String] {
    var failures: [String] = []
    if firstLoadBytes > BoardBench.maxPageBytes {
      failures.append(
        "board: first load of / is \(firstLoadBytes) bytes > \(BoardBench.maxPageBytes)")
    }
    if openStreams < pages {
      failures.append("board: only \(openStreams) of \(pages) event streams stayed open")
    }
    if !(loadedP50Ms <= idleP50Ms * BoardBench.maxMedianRatio + 0.05) {
      failures.append(
        "board: dosed's status p50 \(loadedP50Ms) ms with \(pages) pages vs \(idleP50Ms) ms")
    }
    if !(loadedP99Ms <= idleP99Ms * BoardBench.maxP99Ratio + 0.5) {
      failures.append(
        "board: dosed's status p99 \(loadedP99Ms) ms with \(pages) pages vs \(idleP99Ms) ms")
    }
    return failures
  }

  public var summary: String {
    let f = BenchTable.f
    let rows = [
      ["BOARD", "STATUS P50 ms", "STATUS P99 ms"],
      ["no page open", f(idleP50Ms), f(idleP99Ms)],
      ["\(openStreams) pages open (event streams)", f(loadedP50Ms), f(loadedP99Ms)],
      ["ratio", f(loadedP50Ms / idleP50Ms), f(loadedP99Ms / idleP99Ms)],
    ]
    return "board: dosed's status latency (sequential, one client) without and with \(pages) open "
      + "pages on dosed-board (release binaries)\n" + BenchTable.align(rows)
      + "\nboard resident memory with \(openStreams) pages: \(boardRSSKB / 1024) MiB (VmRSS \(boardRSSKB) kB)"
      + "\nfirst load of /: \(firstLoadBytes) bytes (HTML \(pageBytes), CSS \(cssBytes), JS \(jsBytes); "
      + "bound \(BoardBench.maxPageBytes))\n"
  }
}
