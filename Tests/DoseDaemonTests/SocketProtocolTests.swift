import DoseProtocol
import Foundation
import Logging
import Testing

@testable import DoseDaemon

/// A client kept across awaits by one test; only that test's thread uses it at a time.
final class ClientBox: @unchecked Sendable {
  var client: DoseClient?
}

@Suite(.serialized, .stopsDaemons) struct SocketProtocolTests {
  let ward = """
    [[detector]]
    id = "d"
    driver = "simulated"
    tube = "SBM-20"
      [detector.simulated]
      background_usv_h = 5.0

    [[location]]
    id = "room"
    kind = "isolation_room"
    detectors = ["d"]
    warn_usv_h = 50.0
    alarm_usv_h = 100.0
    """

  @Test func helloThenRepliesEchoTheirIds() async throws {
    let daemon = try await TestDaemon.start(ward)
    let (hello, lines) = try await daemon.talk { client in
      try client.send(Request(id: .string("abc"), cmd: "version"))
      let version = try client.readLine()
      try client.send(Request(id: .number(7), cmd: "locations"))
      return (client.hello, [version, try client.readLine()].compactMap { $0 })
    }
    #expect(hello?.protocol == 1)
    #expect(hello?.version == ProtocolInfo.softwareVersion)
    let version = try json(lines[0])
    #expect(version["class"] as? String == "version")
    #expect(version["id"] as? String == "abc")
    let locations = try json(lines[1])
    #expect(locations["class"] as? String == "locations")
    #expect(locations["id"] as? Int == 7)
  }

  @Test func badInputGetsErrorsAndTheConnectionStaysUsable() async throws {
    let daemon = try await TestDaemon.start(ward)
    let cases: [(bytes: [UInt8], code: String)] = [
      (Array("this is not json\n".utf8), "bad_json"),
      (Array("[1,2,3]\n".utf8), "bad_request"),
      (Array(#"{"id":1}"#.utf8) + [10], "bad_request"),
      (Array(#"{"id":1,"cmd":5}"#.utf8) + [10], "bad_request"),
      (Array(#"{"id":true,"cmd":"status"}"#.utf8) + [10], "bad_request"),
      (Array(#"{"id":1.5,"cmd":"status"}"#.utf8) + [10], "bad_request"),
      (Array(#"{"id":2,"cmd":"selfdestruct"}"#.utf8) + [10], "unknown_command"),
      ([0x7B, 0xFF, 0xFE, 0x7D, 0x0A], "not_utf8"),
    ]
    let inputs = cases.map(\.bytes)
    let replies = try await daemon.talk { client in
      var lines: [Data] = []
      for bytes in inputs {
        try client.sendRaw(Data(bytes))
        lines.append(try client.readLine() ?? Data())
      }
      // Blank lines are ignored, and the same connection still answers.
      try client.sendRaw(Data("\n\r\n".utf8))
      try client.send(Request(id: .number(3), cmd: "status"))
      lines.append(try client.readLine() ?? Data())
      return lines
    }
    for (index, (bytes, code)) in cases.enumerated() {
      let answer = try json(replies[index])
      #expect(answer["class"] as? String == "error")
      #expect(answer["code"] as? String == code, "for \(String(decoding: bytes, as: UTF8.self))")
      #expect((answer["message"] as? String)?.isEmpty == false)
    }
    let status = try json(replies[cases.count])
    #expect(status["class"] as? String == "status")
    #expect(status["id"] as? Int == 3)
  }

  @Test func oversizedLineIsRefusedAndClosed() async throws {
    let daemon = try await TestDaemon.start(ward)
    let (answer, afterwards) = try await daemon.talk { client in
      try client.sendRaw(
        Data(repeating: UInt8(ascii: "a"), count: ProtocolInfo.maxLineBytes + 10))
      return (try client.readLine(), try client.readLine())
    }
    #expect(try json(#require(answer))["code"] as? String == "line_too_long")
    #expect(afterwards == nil, "the daemon closes the connection")
    // The daemon itself is unharmed.
    #expect(try await daemon.status().class == "status")
  }

  @Test func halfClosedClientStillGetsItsReply() async throws {
    let daemon = try await TestDaemon.start(ward)
    let (answer, afterwards) = try await daemon.talk { client in
      // Like `printf '{"id":1,"cmd":"status"}' | socat - UNIX-CONNECT:…`: no newline, then EOF.
      try client.sendRaw(Data(#"{"id":1,"cmd":"status"}"#.utf8))
      client.finishSending()
      return (try client.readLine(), try client.readLine())
    }
    #expect(try json(#require(answer))["class"] as? String == "status")
    #expect(afterwards == nil)
  }

  @Test func watchStreamsEventsUntilTheClientLeaves() async throws {
    let daemon = try await TestDaemon.start(ward, timeScale: 10)
    let box = ClientBox()
    let path = daemon.socketPath
    let lines = try await offPool {
      let client = try DoseClient(path: path)
      box.client = client
      try client.send(Request(id: .number(1), cmd: "watch"))
      return try (0..<11).map { _ in try client.readLine() ?? Data() }
    }
    #expect(try json(lines[0])["class"] as? String == "watch")
    var kinds: Set<String> = []
    for line in lines.dropFirst() {
      let event = try json(line)
      #expect(event["class"] as? String == "event")
      kinds.insert(event["event"] as? String ?? "?")
    }
    #expect(kinds.contains("reading"))
    // Other clients are served while one watches.
    #expect(try await daemon.status().class == "status")
    #expect(await daemon.service.engine.watcherCount == 1)
    box.client = nil
    try await eventually("the watcher is gone") {
      await daemon.service.engine.watcherCount == 0
    }
  }

  @Test func secondServerRefusesALiveSocket() async throws {
    let daemon = try await TestDaemon.start(ward)
    let config = try ConfigLoader.parse(ward, path: "second.toml")
    let server = SocketServer(
      path: daemon.socketPath, engine: Engine(config: config, clock: .init()),
      logger: .init(label: "second") { _ in SwiftLogNoOpLogHandler() })
    await #expect(throws: SocketServer.Failure.self) { try await server.run() }
    #expect(try await daemon.status().class == "status")
  }
}
