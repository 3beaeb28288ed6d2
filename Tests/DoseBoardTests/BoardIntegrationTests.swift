import DoseProtocol
import Foundation
import Testing

@testable import DoseBoard

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// The real `dosed` binary, the board in this process, and HTTP over loopback: the tiles are
/// dosed's locations with dosed's state words, the event stream carries them, a killed dosed
/// turns every page lost, and a restarted one live again.
@Suite(.serialized) struct BoardIntegrationTests {
  static let ward = """
    [[detector]]
    id = "room-1-ceiling"
    driver = "simulated"
    tube = "SBM-20"
      [detector.simulated]
      seed = 3
      background_usv_h = 0.1
      [[detector.simulated.source]]
      dose_rate_usv_h = 25.0
      nuclide = "Lu-177"

    [[detector]]
    id = "store-1"
    driver = "simulated"
    tube = "SBM-20"
      [detector.simulated]
      background_usv_h = 1.0

    [[location]]
    id = "room-1"
    kind = "isolation_room"
    detectors = ["room-1-ceiling"]
    warn_usv_h = 60.0
    alarm_usv_h = 200.0
    state = "occupied"
    nuclide = "Lu-177"

    [[location]]
    id = "store"
    kind = "waste_store"
    detectors = ["store-1"]
    warn_usv_h = 10.0
    alarm_usv_h = 50.0
    """

  final class Ward: Sendable {
    let directory: ScratchDirectory
    let socket: String

    init(_ name: String) throws {
      directory = try ScratchDirectory(name)
      socket = directory.path + "/dosed.sock"
      _ = try directory.write("ward.toml", BoardIntegrationTests.ward)
    }

    func startDosed() throws -> ChildProcess {
      try ChildProcess(
        binaries.appendingPathComponent("dosed").path,
        [
          "--config", directory.path + "/ward.toml", "--socket", socket, "--state-dir",
          directory.path + "/state", "--time-scale", "60",
        ], log: directory.path + "/dosed.log")
    }
  }

  /// The board in this process on an ephemeral port, stopped when the test ends.
  struct RunningBoard {
    let runner: BoardRunner
    let task: Task<Void, any Error>
    let base: String

    static func start(socket: String) async throws -> RunningBoard {
      var config = BoardConfig()
      config.socket = socket
      config.listenPort = 0
      config.ward = "Test ward"
      let runner = BoardRunner(config: config, logger: .init(label: "board-test"))
      let port = PortBox()
      let task = Task { try await runner.run(signals: []) { port.set($0) } }
      try await eventually("the board listens") { port.get() != nil }
      return RunningBoard(runner: runner, task: task, base: "http://127.0.0.1:\(port.get()!)")
    }

    func stop() async {
      task.cancel()
      _ = try? await task.value
    }
  }

  final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?
    func set(_ value: Int) { lock.withLock { port = value } }
    func get() -> Int? { lock.withLock { port } }
  }

  static func get(_ url: String) async throws -> (Int, String, [String: String]) {
    var request = URLRequest(url: URL(string: url)!)
    // A hang bound only: the board shares this process with the other suites.
    request.timeoutInterval = 60
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as! HTTPURLResponse
    var headers: [String: String] = [:]
    for (key, value) in http.allHeaderFields {
      headers[String(describing: key).lowercased()] = String(describing: value)
    }
    return (http.statusCode, String(decoding: data, as: UTF8.self), headers)
  }

  static func tiles(_ html: String) -> [String: String] {
    var tiles: [String: String] = [:]
    for match in html.matches(of: /data-location="([^"]+)" data-state="([^"]+)"/) {
      tiles[String(match.output.1)] = String(match.output.2)
    }
    return tiles
  }

  @Test func theTilesAreDosedsLocationsAndFollowItsLifeAndDeath() async throws {
    let ward = try Ward("integration")
    var dosed = try ward.startDosed()
    let board = try await RunningBoard.start(socket: ward.socket)
    defer { dosed.kill9() }

    try await eventually("the page is live") {
      try await Self.get(board.base + "/healthz").0 == 200
    }
    let (code, html, headers) = try await Self.get(board.base + "/")
    #expect(code == 200)
    #expect(headers["content-security-policy"]?.hasPrefix("default-src 'self'") == true)
    #expect(html.contains("data-monitoring=\"live\""))
    // The same states as dosed's status, once both are past start-up (a location is `fault`
    // until its detectors have read; page and status are read a moment apart).
    let client = try DoseClient(path: ward.socket)
    try await eventually("the tiles are dosed's locations and states") {
      let status = try WireCoding.decoder().decode(
        StatusReply.self, from: client.request("status"))
      let page = try await Self.get(board.base + "/").1
      return Self.tiles(page)
        == Dictionary(uniqueKeysWithValues: status.locations.map { ($0.id, $0.state) })
    }

    // The door page and the 404 for an id dosed does not have.
    #expect(try await Self.get(board.base + "/room/room-1").0 == 200)
    let (missing, missingHTML, _) = try await Self.get(board.base + "/room/%3Cimg%3E")
    #expect(missing == 404)
    #expect(missingHTML.contains("No location &#39;&lt;img&gt;&#39;"))
    #expect(try await Self.get(board.base + "/no/such/page").0 == 404)
    #expect(try await Self.get(board.base + "/static/board.css").0 == 200)

    // The history chart asks dosed once and is ranged to the data.
    try await eventually("a minute is recorded", seconds: 60) {
      try await Self.get(board.base + "/history/room-1?hours=1").1.contains("<path class=\"line")
    }
    #expect(try await Self.get(board.base + "/history/room-1?hours=0").0 == 400)

    // The event stream starts with the current page part.
    let (events, eventCode, eventHeaders) = try await Self.firstEvent(board.base + "/events/ward")
    #expect(eventCode == 200)
    #expect(eventHeaders == "text/event-stream; charset=utf-8")
    #expect(events.contains("event: page\ndata: live\n"))

    // dosed killed: lost on every page, no tile reads as safe.
    dosed.kill9()
    try await eventually("the board says the ward is unmonitored") {
      try await Self.get(board.base + "/healthz").0 == 503
    }
    let lost = try await Self.get(board.base + "/").1
    #expect(lost.contains("data-monitoring=\"lost\""))
    #expect(lost.contains("WARD UNMONITORED"))
    #expect(Set(Self.tiles(lost).values) == ["unknown"])
    let door = try await Self.get(board.base + "/room/room-1").1
    #expect(door.contains("WARD UNMONITORED"))

    // Restarted: live again.
    dosed = try ward.startDosed()
    try await eventually("the board is live again") {
      try await Self.get(board.base + "/healthz").0 == 200
    }
    #expect(try await Self.get(board.base + "/").1.contains("data-monitoring=\"live\""))
    await board.stop()
  }

  /// Opens an event stream over a plain socket (URLSession on Linux has no byte streams) and
  /// reads until the first page event has come; returns the text and the response head.
  static func firstEvent(_ url: String) async throws -> (String, Int, String?) {
    let parsed = URL(string: url)!
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(parsed.port!).bigEndian)
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    #expect(connected == 0)
    var timeout = timeval(tv_sec: 60, tv_usec: 0)  // a hang bound only
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let request = "GET \(parsed.path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    _ = request.withCString { send(fd, $0, strlen($0), 0) }
    var text = ""
    var buffer = [UInt8](repeating: 0, count: 65536)
    while !text.contains("data: live\n") && !text.contains("data: lost\n") {
      let count = recv(fd, &buffer, buffer.count, 0)
      guard count > 0 else { break }
      text += String(decoding: buffer[0..<count], as: UTF8.self)
    }
    let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
    let code = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
    let type = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-type:") }
      .map { $0.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces) }
    return (text, code, type)
  }

  /// `dosectl history`'s terminal chart is ranged to the data: a rate of 25 µSv/h with a few
  /// percent of noise no longer fills every column to the top.
  @Test func dosectlsChartIsRangedToTheData() async throws {
    let ward = try Ward("dosectl-chart")
    let dosed = try ward.startDosed()
    defer { dosed.kill9() }
    var chart = ""
    try await eventually("three minutes are recorded", seconds: 90) {
      let run = try ChildProcess(
        binaries.appendingPathComponent("dosectl").path,
        ["history", "room-1-ceiling", "--since", "1h", "--socket", ward.socket], capture: true)
      chart = run.finish().stdout
      let rows = chart.split(separator: "\n")
      return rows.count > 10 && rows[9].filter({ $0 == "█" }).count >= 3
    }
    let rows = chart.split(separator: "\n").prefix(10)
    let bottomLabel = Double(rows.last!.prefix(8).trimmingCharacters(in: .whitespaces)) ?? 0
    #expect(bottomLabel > 15, "the axis starts near the data, not at 0:\n\(chart)")
    let top = rows.first!.filter { $0 == "█" }.count
    let bottom = rows.last!.filter { $0 == "█" }.count
    #expect(top < bottom, "not every column reaches the top:\n\(chart)")
  }
}
