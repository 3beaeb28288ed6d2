import DoseProtocol
import Foundation

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
  func line(id: RequestID?) -> Data? {
    guard let id else { return withoutID }
    guard let encoded = try? WireCoding.encoder().encode(id) else { return nil }
    var line = Data(capacity: beforeID.count + encoded.count + afterID.count)
    line.append(beforeID)
    line.append(encoded)
    line.append(afterID)
    return line
  }
}
