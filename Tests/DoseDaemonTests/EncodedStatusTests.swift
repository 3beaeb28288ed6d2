import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

@Suite struct EncodedStatusTests {
  @Test func splicedRepliesEqualFullyEncodedOnes() throws {
    var detector = DetectorStatus(id: "d\u{1}1", driver: "simulated", state: "ok")
    detector.doseRateUSvH = 0.123
    let reply = StatusReply(
      id: nil, time: Date(timeIntervalSince1970: 1_795_773_600), version: "0.1.0",
      uptimeSeconds: 12.5, timeScale: 1, detectors: [detector], locations: [], alarms: [])
    let encoded = try #require(EncodedStatus(reply))
    let ids: [RequestID?] = [
      nil, .number(1), .number(-42), .number(.max), .number(.min), .string("a\"b\\n"),
      .string("\u{1}"), .string("a/b"), .string("tab\there\r\n"), .string("é✓\u{7F}\u{1F}"),
      .string(""),
    ]
    for id in ids {
      var expected = reply
      expected.id = id
      let line = encoded.line(id: id)
      #expect(line == (try WireCoding.line(expected)), "\(String(describing: id))")
      #expect(try WireCoding.decoder().decode(StatusReply.self, from: line) == expected)
    }
  }
}
