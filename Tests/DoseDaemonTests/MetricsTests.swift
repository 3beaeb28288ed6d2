import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

#if canImport(Glibc)
  import Glibc
#endif

/// A plain HTTP/1.1 GET over a TCP socket; the whole response (head and body).
func httpGet(port: Int, path: String) throws -> String {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = in_port_t(UInt16(port).bigEndian)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  let connected = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
    }
  }
  // A plain error, not #require: callers poll until a server is up.
  guard connected == 0 else { throw Timeout(description: "cannot connect to 127.0.0.1:\(port)") }
  var timeout = timeval(tv_sec: 5, tv_usec: 0)
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
  let request = Array("GET \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8)
  _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
  var response: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 65536)
  while true {
    let count = recv(fd, &buffer, buffer.count, 0)
    if count <= 0 { break }
    response += buffer[0..<count]
  }
  return String(decoding: response, as: UTF8.self)
}

@Suite(.serialized, .stopsDaemons) struct MetricsTests {
  @Test func endpointServesPromtoolCleanMetricsAndPrometheusScrapesIt() async throws {
    let port = freePort()
    let daemon = try await TestDaemon.start(
      "[metrics]\nlisten = \"127.0.0.1:\(port)\"\n\n" + smallWard, timeScale: 60,
      manualTime: true)
    // On a manual clock, so the ward stays as it is while it is scraped three ways: on scaled
    // wall time a loaded machine could let a detector go stale in between.
    try await daemon.advanceUntilEveryDetectorIsOK()
    let response = try await offPool { try httpGet(port: port, path: "/metrics") }
    #expect(response.hasPrefix("HTTP/1.1 200 OK"))
    #expect(response.contains("Content-Type: text/plain; version=0.0.4"))
    let body = try #require(response.components(separatedBy: "\r\n\r\n").last)
    for family in [
      "dosed_build_info{version=\"\(ProtocolInfo.softwareVersion)\"} 1",
      "dosed_detector_state{detector=\"r1\",state=\"ok\"} 1",
      "dosed_detector_dose_rate_sieverts_per_hour{detector=\"r1\"}",
      "dosed_detector_reading_age_seconds{detector=\"r1\"}",
      "dosed_location_state{location=\"room-1\",kind=\"isolation_room\",state=\"occupied\"} 1",
      "dosed_location_alarm_level{location=\"room-1\"} 0",
      "dosed_waste_packages{location=\"store\",state=\"release_due\"} 1",
      "dosed_uptime_seconds",
    ] {
      #expect(body.contains(family), "\(family)")
    }
    let missing = try await offPool { try httpGet(port: port, path: "/") }
    #expect(missing.hasPrefix("HTTP/1.1 404"))

    // promtool (Debian package prometheus, installed by make test-deps) accepts the text.
    let check = try await ExecutableTests().run(
      "/bin/sh", ["-c", "printf '%s' \"$METRICS\" | promtool check metrics"],
      environment: ["METRICS": body])
    #expect(check.status == 0, "promtool: \(check.stdout) \(check.stderr)")

    // The same over the socket.
    let socket = try await ExecutableTests().run(
      "dosectl", ["metrics", "--socket", daemon.socketPath])
    #expect(socket.stdout.contains("dosed_detector_state{detector=\"r1\",state=\"ok\"} 1"))

    // A real Prometheus scrapes it.
    let directory = daemon.directory + "/prometheus"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try """
    global:
      scrape_interval: 1s
    scrape_configs:
      - job_name: dosed
        static_configs:
          - targets: ["127.0.0.1:\(port)"]
    """.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
    let webPort = freePort()
    let prometheus = Process()
    prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
    prometheus.arguments = [
      "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
      "--web.listen-address=127.0.0.1:\(webPort)",
    ]
    prometheus.standardOutput = FileHandle.nullDevice
    prometheus.standardError = FileHandle.nullDevice
    try prometheus.run()
    defer {
      prometheus.terminate()
      prometheus.waitUntilExit()
    }
    try await eventually("Prometheus has scraped dosed") {
      let answer = try? await offPool {
        try httpGet(
          port: webPort, path: "/api/v1/query?query=dosed_detector_state%7Bstate%3D%22ok%22%7D")
      }
      return answer?.contains("\"detector\":\"r1\"") == true && answer?.contains("\"1\"]") == true
    }
  }

  @Test func listenIsValidated() {
    #expect(MetricsServer.parse("127.0.0.1:9853")! == ("127.0.0.1", 9853))
    #expect(MetricsServer.parse("[::1]:9853")! == ("::1", 9853))
    #expect(MetricsServer.parse("localhost") == nil)
    #expect(MetricsServer.parse("127.0.0.1:0") == nil)
    #expect(MetricsServer.parse(":9853") == nil)
  }
}
