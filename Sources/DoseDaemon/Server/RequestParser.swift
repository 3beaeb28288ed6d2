import DoseProtocol
import Foundation

/// Turns one request line into a command, or into the error reply the client gets instead.
/// Never throws and never traps, whatever the bytes (`package` so that the fuzz target
/// `FuzzRequest` can hold it to that).
package enum RequestParser {
  package enum Outcome: Equatable {
    case command(Command, id: RequestID?)
    case error(ErrorReply)
    /// A blank line: nothing to answer.
    case empty
  }

  package static func parse(_ bytes: [UInt8]) -> Outcome {
    if let simple = SimpleRequestScanner.scan(bytes) {
      return .command(simple.command, id: simple.id)
    }
    return parseInGeneral(bytes)
  }

  /// Any JSON: every error case with its specific reply.
  static func parseInGeneral(_ bytes: [UInt8]) -> Outcome {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      return .error(
        ErrorReply(id: nil, code: .notUTF8, message: "request is not valid UTF-8"))
    }
    if text.allSatisfy(\.isWhitespace) { return .empty }
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: Data(bytes), options: [])
    } catch {
      return .error(
        ErrorReply(
          id: nil, code: .badJSON,
          message: "request is not valid JSON; send one object per line, e.g. "
            + #"{"id":1,"cmd":"status"}"#))
    }
    guard let dictionary = object as? [String: Any] else {
      return .error(
        ErrorReply(id: nil, code: .badRequest, message: "request must be a JSON object"))
    }
    let decoder = WireCoding.decoder()
    let data = Data(bytes)
    let id = (try? decoder.decode(IDProbe.self, from: data))?.id
    if let raw = dictionary["id"], !(raw is NSNull), id == nil {
      return .error(
        ErrorReply(id: nil, code: .badRequest, message: "'id' must be an integer or a string"))
    }
    guard let cmd = dictionary["cmd"] as? String else {
      return .error(
        ErrorReply(id: id, code: .badRequest, message: "request needs a string 'cmd'"))
    }
    guard let command = Command(rawValue: cmd) else {
      let known = Command.allCases.map(\.rawValue).joined(separator: ", ")
      return .error(
        ErrorReply(
          id: id, code: .unknownCommand, message: "unknown command '\(cmd)' (known: \(known))"))
    }
    return .command(command, id: id)
  }

  private struct IDProbe: Decodable {
    var id: RequestID?
  }
}
