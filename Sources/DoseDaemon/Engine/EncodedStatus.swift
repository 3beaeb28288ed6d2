import DoseProtocol
import Foundation
import Synchronization

/// The latest `status` reply encoded once per snapshot, with a hole where the request's `id`
/// goes: a busy socket then costs a copy per request, not a JSON encoding of every detector.
///
/// The reply is encoded with a sentinel id; the bytes before and after the sentinel are kept,
/// and a request's id (encoded on its own) is put between them. Keys are sorted, so the id's
/// place is fixed; without an id the reply is encoded as it is.
struct EncodedStatus: Sendable {
  let withoutID: Data
  let beforeID: Data
  let afterID: Data

  static let sentinel = "\u{1}dosed-id\u{1}"

  init?(_ reply: StatusReply) {
    var copy = reply
    copy.id = nil
    guard let plain = try? WireCoding.line(copy) else { return nil }
    copy.id = .string(Self.sentinel)
    guard let marked = try? WireCoding.line(copy),
      let sentinel = try? WireCoding.encoder().encode(Self.sentinel),
      let range = marked.range(of: sentinel)
    else { return nil }
    withoutID = plain
    beforeID = marked[marked.startIndex..<range.lowerBound]
    afterID = marked[range.upperBound...]
  }

  /// The reply line for a request id.
  func line(id: RequestID?) -> Data {
    guard let id else { return withoutID }
    let encoded = Self.json(id)
    var line = Data(capacity: beforeID.count + encoded.utf8.count + afterID.count)
    line.append(beforeID)
    line.append(contentsOf: encoded.utf8)
    line.append(afterID)
    return line
  }

  /// An id as JSON, by hand: a JSONEncoder per request would cost more than the copy.
  static func json(_ id: RequestID) -> String {
    switch id {
    case .number(let number): return String(number)
    case .string(let string):
      var text = "\""
      for scalar in string.unicodeScalars {
        switch scalar {
        case "\"": text += "\\\""
        case "\\": text += "\\\\"
        case "\n": text += "\\n"
        case "\r": text += "\\r"
        case "\t": text += "\\t"
        case _ where scalar.value < 0x20:
          let hex = String(scalar.value, radix: 16)
          text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: text.unicodeScalars.append(scalar)
        }
      }
      return text + "\""
    }
  }
}

/// The engine's latest `status`, readable by every client session without waiting for the
/// engine actor (which may be busy with readings): set by the engine at each evaluation,
/// encoded on the first request after that.
final class StatusSnapshot: Sendable {
  private struct State {
    var reply: StatusReply?
    var encoded: EncodedStatus?
  }

  private let state = Mutex(State())

  func publish(_ reply: StatusReply) {
    state.withLock { $0 = State(reply: reply, encoded: nil) }
  }

  /// The latest reply as it is; nil before the first evaluation.
  func reply() -> StatusReply? {
    state.withLock { $0.reply }
  }

  /// The reply line for a request id; nil before the first evaluation.
  func line(id: RequestID?) -> Data? {
    let encoded: EncodedStatus? = state.withLock { state in
      if state.encoded == nil, let reply = state.reply { state.encoded = EncodedStatus(reply) }
      return state.encoded
    }
    return encoded?.line(id: id)
  }
}
