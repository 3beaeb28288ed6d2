import DoseProtocol
import Foundation

/// Decodes the arguments of a request into its request type, with an error reply that says
/// which field is wrong instead of a decoder's dump. `package` for the fuzz target `FuzzRequest`.
package enum ControlRequests {
  package static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], id: RequestID?)
    -> Result<T, ErrorReply>
  {
    do {
      return .success(try WireCoding.decoder().decode(type, from: Data(bytes)))
    } catch let DecodingError.keyNotFound(key, _) {
      return .failure(
        ErrorReply(id: id, code: .badRequest, message: "missing '\(key.stringValue)'"))
    } catch let DecodingError.typeMismatch(_, context) {
      return .failure(
        ErrorReply(id: id, code: .badRequest, message: "\(field(context)) has the wrong type"))
    } catch let DecodingError.valueNotFound(_, context) {
      return .failure(
        ErrorReply(id: id, code: .badRequest, message: "\(field(context)) must not be null"))
    } catch let DecodingError.dataCorrupted(context) {
      return .failure(
        ErrorReply(
          id: id, code: .badRequest,
          message: "\(field(context)) is not valid (times are ISO 8601 such as "
            + "2026-11-27T10:00:00Z)"))
    } catch {
      return .failure(ErrorReply(id: id, code: .badRequest, message: "bad arguments: \(error)"))
    }
  }

  private static func field(_ context: DecodingError.Context) -> String {
    let path = context.codingPath.map(\.stringValue).joined(separator: ".")
    return path.isEmpty ? "the request" : "'\(path)'"
  }
}
