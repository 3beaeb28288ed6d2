import DoseProtocol
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Alertmanager down while alarms are raised: the release `dosed` and `dosed-notify` with an
/// Alertmanager action pointing at a port where nothing listens; three rooms step into alarm
/// one after another during the outage; then Debian's `prometheus-alertmanager` starts on that
/// port. Measured: whether all three alerts arrive, and how long after it came back.
public struct AlertmanagerOutageBench: Sendable {
  public var dosed: String
  public var notifier: String
  public var alertmanager = "/usr/bin/prometheus-alertmanager"
  /// Seconds from dosed's start to Alertmanager's: the outage the notifier sees, since it
  /// starts with Alertmanager already down.
  public var outageSeconds = 60.0
  /// Seconds after dosed's start at which each room steps into alarm.
  public var stepSeconds = [15.0, 25.0, 35.0]

  public init(dosed: String, notifier: String) {
    self.dosed = dosed
    self.notifier = notifier
  }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  func ward() -> String {
    BenchWard.steppingRooms(stepSeconds.count, seedBase: 2000, stepSeconds: { stepSeconds[$0] })
  }

  public func run() throws -> AlertmanagerOutageResult {
    guard FileManager.default.isExecutableFile(atPath: alertmanager) else {
      throw Failure(description: "\(alertmanager) is missing (Debian: prometheus-alertmanager)")
    }
    let port = try Self.freePort()
    let daemon = try BenchDaemon(dosed: dosed, ward: ward(), name: "outage")
    let started = Date()
    let config = daemon.directory + "/notify.toml"
    try """
    socket = "\(daemon.socket)"
    ward = "outage-bench"
    [[action]]
    name = "alertmanager"
    kind = "alertmanager"
    url = "http://127.0.0.1:\(port)"
    events = ["alarm", "clear"]
    """.write(toFile: config, atomically: true, encoding: .utf8)
    try SocketBench(dosed: dosed, dosectl: "").waitReady(daemon.socket)
    let notifyLog = daemon.directory + "/notify.log"
    let notify = try Self.start(notifier, ["--config", config], log: notifyLog)
    defer { Self.stop(notify) }

    // The three alarms, raised while nothing listens on the port (each room passes through
    // `warn` on its way: those occurrences end, and only the alarms active now must arrive).
    let client = try DoseClient(path: daemon.socket, timeout: 5)
    var raised = Set<String>()
    while Date().timeIntervalSince(started) < outageSeconds {
      let status = try WireCoding.decoder().decode(
        StatusReply.self, from: try client.request("status"))
      raised = Set(status.alarms.compactMap(\.alarmID).filter { $0.hasPrefix("dose:l") })
      Thread.sleep(forTimeInterval: 0.5)
    }
    let storage = daemon.directory + "/alertmanager"
    let amConfig = daemon.directory + "/am.yml"
    try "route:\n  receiver: \"null\"\nreceivers:\n  - name: \"null\"\n".write(
      toFile: amConfig, atomically: true, encoding: .utf8)
    let back = Date()
    let am = try Self.start(
      alertmanager,
      [
        "--config.file=\(amConfig)", "--storage.path=\(storage)",
        "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
      ])
    defer { Self.stop(am) }
    var arrived = Set<String>()
    var allArrivedAfter: Double?
    while Date().timeIntervalSince(back) < 120 {
      if let ids = Self.activeAlarmIDs(port: port) {
        arrived = ids.intersection(raised)
        if !raised.isEmpty && arrived == raised {
          allArrivedAfter = Date().timeIntervalSince(back)
          break
        }
      }
      Thread.sleep(forTimeInterval: 0.25)
    }
    // The notifier's own account of its posts, for the report.
    let log = (try? String(contentsOfFile: notifyLog, encoding: .utf8)) ?? ""
    let failedPosts = log.split(separator: "\n").filter { $0.contains("alerts failed") }
    return AlertmanagerOutageResult(
      outageSeconds: back.timeIntervalSince(started), raisedDuringOutage: raised.count,
      arrived: arrived.count, allArrivedAfterSeconds: allArrivedAfter ?? .nan,
      failedPosts: failedPosts.count, lastFailure: failedPosts.last.map(String.init))
  }

  static func start(_ path: String, _ arguments: [String], log: String? = nil) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    if let log {
      _ = FileManager.default.createFile(atPath: log, contents: nil)
      process.standardError = FileHandle(forWritingAtPath: log)
    } else {
      process.standardError = FileHandle.nullDevice
    }
    try process.run()
    return process
  }

  static func stop(_ process: Process) {
    process.terminate()
    process.waitUntilExit()
  }

  /// A loopback port nothing listens on: bound once by us, then released.
  static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
      }
    }
    guard bound else { throw Failure(description: "no free port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// The `alarm_id` labels of the alerts Alertmanager holds as active, by `GET
  /// /api/v2/alerts` (HTTP/1.0, read to the end); nil while it does not answer.
  static func activeAlarmIDs(port: Int) -> Set<String>? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 2, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
    guard connected else { return nil }
    let request = Array("GET /api/v2/alerts?active=true HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".utf8)
    guard write(fd, request, request.count) == request.count else { return nil }
    var reply: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while reply.count < 4 << 20 {
      let count = read(fd, &buffer, buffer.count)
      if count <= 0 { break }
      reply += buffer[0..<count]
    }
    let text = String(decoding: reply, as: UTF8.self)
    guard text.hasPrefix("HTTP/1.") && text.contains(" 200 "),
      let split = text.range(of: "\r\n\r\n"),
      let alerts = try? JSONSerialization.jsonObject(with: Data(text[split.upperBound...].utf8))
        as? [[String: Any]]
    else { return nil }
    return Set(alerts.compactMap { ($0["labels"] as? [String: String])?["alarm_id"] })
  }
}

public struct AlertmanagerOutageResult: Codable, Sendable {
  public var bench = "notify_outage"
  public var outageSeconds: Double
  public var raisedDuringOutage: Int
  public var arrived: Int
  public var allArrivedAfterSeconds: Double
  /// Posts the notifier logged as failed, and the last of them.
  public var failedPosts: Int
  public var lastFailure: String?

  public var failures: [String] {
    var failures: [String] = []
    if raisedDuringOutage < 3 {
      failures.append("notify_outage: only \(raisedDuringOutage) of 3 alarms were raised")
    }
    if arrived < raisedDuringOutage {
      failures.append(
        "notify_outage: \(raisedDuringOutage - arrived) of \(raisedDuringOutage) alarms never "
          + "reached Alertmanager after its outage")
    }
    return failures
  }

  public var summary: String {
    let f = BenchTable.f
    return "notify_outage: Alertmanager down \(f(outageSeconds)) s while \(raisedDuringOutage) "
      + "rooms went into alarm; \(arrived)/\(raisedDuringOutage) alerts active in Alertmanager "
      + "\(f(allArrivedAfterSeconds)) s after it came back (release dosed and dosed-notify; "
      + "the notifier's retries back off to retry_max_s); \(failedPosts) failed posts"
      + (lastFailure.map { ", the last: \($0)" } ?? "") + "\n"
  }
}
