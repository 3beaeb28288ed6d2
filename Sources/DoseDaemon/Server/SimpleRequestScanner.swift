import DoseProtocol

/// Recognises the request shape nearly every client sends, `{"id":1,"cmd":"status"}`, in one
/// pass over the bytes without building a JSON object: at thousands of `status` requests a
/// second, the general parser (JSONSerialization, then a decoder for the id) would cost more
/// than the reply.
///
/// Only a strict subset is accepted: an object whose members are exactly `cmd` (a known
/// command, letters and `_`) and optionally `id` (`null`, an integer that fits `Int`, or a
/// string of printable ASCII without escapes), each once, with JSON whitespace. Anything else
/// (other keys, escapes, exponents, duplicates, trailing bytes) returns nil and goes to the
/// general parser, so both always agree where this one answers.
enum SimpleRequestScanner {
  static func scan(_ bytes: [UInt8]) -> (command: Command, id: RequestID?)? {
    var scanner = Cursor(bytes: bytes)
    scanner.skipWhitespace()
    guard scanner.take(UInt8(ascii: "{")) else { return nil }
    var command: Command?
    var id: RequestID??
    repeat {
      scanner.skipWhitespace()
      guard let key = scanner.plainString() else { return nil }
      scanner.skipWhitespace()
      guard scanner.take(UInt8(ascii: ":")) else { return nil }
      scanner.skipWhitespace()
      switch key {
      case "cmd" where command == nil:
        guard let name = scanner.plainString(), let known = Command(rawValue: name) else {
          return nil
        }
        command = known
      case "id" where id == nil:
        guard let value = scanner.idValue() else { return nil }
        id = .some(value)
      default:
        return nil
      }
      scanner.skipWhitespace()
    } while scanner.take(UInt8(ascii: ","))
    guard scanner.take(UInt8(ascii: "}")) else { return nil }
    scanner.skipWhitespace()
    guard scanner.atEnd, let command else { return nil }
    return (command, id ?? nil)
  }

  private struct Cursor {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index == bytes.count }

    mutating func skipWhitespace() {
      while index < bytes.count,
        bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A
          || bytes[index] == 0x0D
      {
        index += 1
      }
    }

    mutating func take(_ byte: UInt8) -> Bool {
      guard index < bytes.count, bytes[index] == byte else { return false }
      index += 1
      return true
    }

    /// A string of printable ASCII without escapes, at most 256 bytes.
    mutating func plainString() -> String? {
      guard take(UInt8(ascii: "\"")) else { return nil }
      let start = index
      while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
        let byte = bytes[index]
        guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\"), index - start < 256 else {
          return nil
        }
        index += 1
      }
      guard index < bytes.count else { return nil }
      let text = String(decoding: bytes[start..<index], as: UTF8.self)
      index += 1
      return text
    }

    /// `null`, an integer without fraction or exponent that fits `Int`, or a plain string.
    mutating func idValue() -> RequestID?? {
      guard index < bytes.count else { return nil }
      switch bytes[index] {
      case UInt8(ascii: "\""):
        return plainString().map { .some(.string($0)) }
      case UInt8(ascii: "n"):
        guard bytes[index...].starts(with: Array("null".utf8)) else { return nil }
        index += 4
        return .some(nil)
      default:
        return integer().map { .some(.number($0)) }
      }
    }

    mutating func integer() -> Int? {
      let negative = take(UInt8(ascii: "-"))
      let start = index
      var value = 0
      while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
        let digit = Int(bytes[index] - 0x30)
        let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
        let (next, overflowAdd) =
          negative
          ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
        guard !overflowTimes, !overflowAdd else { return nil }
        value = next
        index += 1
      }
      let digits = index - start
      // JSON: at least one digit, no leading zero; a fraction or exponent is left to the
      // general parser.
      guard digits > 0, !(digits > 1 && bytes[start] == 0x30) else { return nil }
      if index < bytes.count,
        bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "e")
          || bytes[index] == UInt8(ascii: "E")
      {
        return nil
      }
      return value
    }
  }
}
