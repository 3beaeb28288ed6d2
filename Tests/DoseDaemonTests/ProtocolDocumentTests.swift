import DoseProtocol
import Foundation
import Testing

@testable import DoseDaemon

/// Every JSON example in docs/protocol.md goes through the real codec: requests are accepted by
/// the daemon's parser and decode into their argument types; replies, events and objects decode
/// into their wire types and re-encode to the same JSON (so the document names no field the
/// code does not have, and no field with the wrong type).
@Suite struct ProtocolDocumentTests {
  static let document = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("docs/protocol.md")

  /// The JSON values of the document: a block is either one (pretty-printed) value or one
  /// value per line; a fragment `"key": value` is read as `{"key": value}`.
  static func examples() throws -> [(text: String, value: Any)] {
    let markdown = try String(contentsOf: document, encoding: .utf8)
    var result: [(String, Any)] = []
    var rest = markdown[...]
    while let start = rest.range(of: "```json\n") {
      guard let end = rest[start.upperBound...].range(of: "```") else { break }
      let block = String(rest[start.upperBound..<end.lowerBound])
      rest = rest[end.upperBound...]
      let whole = block.hasPrefix("\"") ? "{" + block + "}" : block
      if let value = try? JSONSerialization.jsonObject(with: Data(whole.utf8)) {
        result.append((block, value))
        continue
      }
      for line in block.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
        let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
        result.append((String(line), value))
      }
    }
    return result
  }

  @Test func everyExampleIsValidJSON() throws {
    #expect(try Self.examples().count >= 30)
  }

  @Test func everyExampleRoundTripsThroughTheCodec() throws {
    for (text, value) in try Self.examples() {
      let object = try #require(value as? [String: Any], "\(text.prefix(80))")
      let data = try JSONSerialization.data(withJSONObject: object)
      if object["cmd"] != nil {
        try checkRequest(data, text: text)
      } else {
        try checkValue(object, data: data, text: text)
      }
    }
  }

  private func checkRequest(_ data: Data, text: String) throws {
    guard case .command(let command, _) = RequestParser.parse(Array(data)) else {
      Issue.record("the daemon refuses the documented request \(text)")
      return
    }
    let decoder = WireCoding.decoder()
    switch command {
    case .roomAdmit: _ = try decoder.decode(RoomAdmitRequest.self, from: data)
    case .roomClear: _ = try decoder.decode(RoomClearRequest.self, from: data)
    case .roomCalibrate: _ = try decoder.decode(RoomCalibrateRequest.self, from: data)
    case .roomShow, .roomDischarge: _ = try decoder.decode(RoomRequest.self, from: data)
    case .wasteAdd: _ = try decoder.decode(WasteAddRequest.self, from: data)
    case .wasteSurvey: _ = try decoder.decode(WasteSurveyRequest.self, from: data)
    case .wasteList, .wasteShow, .wasteRelease:
      _ = try decoder.decode(WasteRequest.self, from: data)
    case .events: _ = try decoder.decode(EventsRequest.self, from: data)
    case .history: _ = try decoder.decode(HistoryRequest.self, from: data)
    case .alarmAck: _ = try decoder.decode(AlarmAckRequest.self, from: data)
    default: _ = try decoder.decode(Request.self, from: data)
    }
  }

  private func checkValue(_ object: [String: Any], data: Data, text: String) throws {
    let type: any Codable.Type
    switch object["class"] as? String {
    case "hello": type = Hello.self
    case "error": type = ErrorReply.self
    case "status": type = StatusReply.self
    case "detectors": type = DetectorsReply.self
    case "locations": type = LocationsReply.self
    case "version": type = VersionReply.self
    case "watch": type = WatchReply.self
    case "event": type = WatchEvent.self
    case "devices": type = DevicesReply.self
    case "room": type = RoomReply.self
    case "waste": type = WasteReply.self
    case "waste_list": type = WasteListReply.self
    case "events": type = EventsReply.self
    case "history": type = HistoryReply.self
    case "alarms": type = AlarmsReply.self
    case "metrics": type = MetricsReply.self
    case "reload": type = ReloadReply.self
    case .some(let other):
      Issue.record("documented class '\(other)' has no wire type")
      return
    case nil:
      // Fragments and single objects of the object reference.
      if object["alarms"] != nil {
        type = AlarmsFragment.self
      } else if object["driver"] != nil {
        type = DetectorStatus.self
      } else if object["kind"] != nil {
        type = LocationStatus.self
      } else {
        Issue.record("cannot tell what \(text.prefix(80)) is")
        return
      }
    }
    let decoded = try WireCoding.decoder().decode(type, from: data)
    let encoded = try WireCoding.encoder().encode(decoded)
    let again = try JSONSerialization.jsonObject(with: encoded)
    // Compared in a canonical form (sorted keys), as JSON values rather than as bytes.
    func canonical(_ value: Any) throws -> String {
      String(
        decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]),
        as: UTF8.self)
    }
    #expect(
      try canonical(again) == canonical(object),
      "\(type) does not round-trip \(text.prefix(120)):\nre-encoded \(String(decoding: encoded, as: UTF8.self).prefix(400))"
    )
  }
}

/// The `"alarms": […]` fragment of the status example.
private struct AlarmsFragment: Codable {
  var alarms: [AlarmStatus]
}
