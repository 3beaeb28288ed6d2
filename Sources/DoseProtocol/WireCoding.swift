import Foundation

/// JSON encoding and decoding as the protocol defines it: one object per line, sorted keys (so
/// output is stable), ISO 8601 times in UTC.
public enum WireCoding {
  public static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
  }

  public static func decoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return decoder
  }

  /// Encodes one message as a line, newline included.
  public static func line(_ value: some Encodable) throws -> Data {
    var data = try encoder().encode(value)
    data.append(UInt8(ascii: "\n"))
    return data
  }

  /// The `class` of a reply line, read before decoding the whole thing.
  public static func messageClass(of line: Data) -> String? {
    struct Peek: Decodable { var `class`: String }
    return try? decoder().decode(Peek.self, from: line).class
  }
}
