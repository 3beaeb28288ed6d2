/// RadiaCode 10x request/response framing (shared reference devices.md §5.2), as the
/// `cdump/radiacode` package v0.4.0 does it. Pure: no transport, no clock.
///
/// Wire format, all little-endian (`radiacode/radiacode.py` `RadiaCode.execute`, lines 157-166;
/// `transports/usb.py` `Usb.execute`, lines 62-69):
/// - request:  `u32 length` of the rest, then the header `u16 command, u8 0x00, u8 0x80 + seq`
///   (seq counts 0…31 and wraps), then the command's arguments;
/// - response: `u32 length` of the rest, then the request's 4-byte header echoed (the package
///   asserts equality), then the payload.

/// Everything the RadiaCode codec can reject. Parsers throw only this, and never trap.
public enum RadiaCodeError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Fewer bytes than the structure needs.
  case truncated(needed: Int, available: Int)
  /// A length field disagrees with the bytes that follow it.
  case lengthMismatch(declared: Int, actual: Int)
  /// A frame length prefix beyond `RadiaCodeFrame.maximumLength`, or below the header size.
  case implausibleLength(UInt32)
  /// The response does not echo the request's header.
  case headerMismatch(expected: [UInt8], received: [UInt8])
  /// A read/write reply whose return code is not 1.
  case returnCode(UInt32)
  /// Bytes left over after a reply that must be consumed exactly.
  case trailingBytes(Int)
  /// A string field that is not ASCII.
  case notASCII
  /// A batch register read where not every register was valid.
  case validityMask(expected: UInt32, received: UInt32)
  /// GET_SERIAL length that is not a multiple of 4.
  case serialLength(UInt32)
  /// `SpecFormatVersion` outside {0, 1}, or not a number.
  case unsupportedSpectrumFormat(String)
  /// A format-1 spectrum run with a value width code above 5.
  case unsupportedSpectrumEncoding(Int)
  /// A format-1 spectrum whose running value leaves the 64-bit range.
  case countOverflow
  /// A spectrum with more channels than `RadiaCodeSpectrum.maximumChannels`.
  case tooManyChannels
  /// A request argument the device cannot carry (e.g. a year outside 2000…2255).
  case invalidArgument(String)

  public var description: String {
    switch self {
    case .truncated(let needed, let available):
      return "RadiaCode: truncated, need \(needed) bytes, have \(available)"
    case .lengthMismatch(let declared, let actual):
      return "RadiaCode: length field says \(declared) bytes, got \(actual)"
    case .implausibleLength(let length):
      return "RadiaCode: implausible frame length \(length)"
    case .headerMismatch(let expected, let received):
      return "RadiaCode: response header \(hex(received)) does not echo \(hex(expected))"
    case .returnCode(let code):
      return "RadiaCode: return code \(code), expected 1"
    case .trailingBytes(let count):
      return "RadiaCode: \(count) unexpected trailing bytes"
    case .notASCII:
      return "RadiaCode: string field is not ASCII"
    case .validityMask(let expected, let received):
      return "RadiaCode: register validity mask \(received), expected \(expected)"
    case .serialLength(let length):
      return "RadiaCode: serial length \(length) is not a multiple of 4"
    case .unsupportedSpectrumFormat(let format):
      return "RadiaCode: unsupported SpecFormatVersion \(format)"
    case .unsupportedSpectrumEncoding(let vlen):
      return "RadiaCode: unsupported spectrum value width code \(vlen)"
    case .countOverflow:
      return "RadiaCode: spectrum count overflow"
    case .tooManyChannels:
      return "RadiaCode: spectrum has more than \(RadiaCodeSpectrum.maximumChannels) channels"
    case .invalidArgument(let what):
      return "RadiaCode: invalid argument: \(what)"
    }
  }
}

private func hex(_ bytes: [UInt8]) -> String {
  bytes.map { byte in
    let digits = String(byte, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
  }.joined()
}

/// The 4-byte header that starts every request and is echoed by its response.
public struct RadiaCodeHeader: Sendable, Hashable {
  public var command: UInt16
  /// 0…31; only the low 5 bits are sent (`radiacode.py` line 158: `(seq + 1) % 32`).
  public var sequence: UInt8

  public init(command: UInt16, sequence: UInt8) {
    self.command = command
    self.sequence = sequence & 0x1F
  }

  /// `struct.pack('<HBB', command, 0, 0x80 + seq)` (`radiacode.py` line 160).
  public var bytes: [UInt8] {
    [UInt8(command & 0xFF), UInt8(command >> 8), 0x00, 0x80 | (sequence & 0x1F)]
  }
}

/// The package's request counter: starts at 0 on connect (`radiacode.py` line 95), wraps at 32.
public struct RadiaCodeSequence: Sendable, Hashable {
  public private(set) var next: UInt8

  public init(startingAt first: UInt8 = 0) {
    next = first & 0x1F
  }

  /// Returns the number for this request and advances.
  public mutating func advance() -> UInt8 {
    let current = next
    next = (next &+ 1) & 0x1F
    return current
  }
}

public enum RadiaCodeFrame {
  public static let lengthPrefixSize = 4
  public static let headerSize = 4
  /// Sanity bound on a response length prefix. The largest payload the package reads is a
  /// 1024-channel format-0 spectrum (≈ 4.1 KiB) or a full DATA_BUF; 1 MiB rejects garbage
  /// prefixes before a transport tries to read gigabytes.
  public static let maximumLength = 1 << 20

  /// `u32 len(header + args)` + header + args (`radiacode.py` lines 160-162).
  public static func request(command: UInt16, sequence: UInt8, arguments: [UInt8]) -> [UInt8] {
    let header = RadiaCodeHeader(command: command, sequence: sequence)
    var frame = RadiaCodeBytes.u32(UInt32(headerSize + arguments.count))
    frame += header.bytes
    frame += arguments
    return frame
  }

  /// The total size of a response (prefix included) from its first bytes, for a transport that
  /// reads in chunks (`usb.py` lines 62-67). Nil while fewer than 4 bytes are available.
  public static func responseSize(startingWith prefix: [UInt8]) throws(RadiaCodeError) -> Int? {
    guard prefix.count >= lengthPrefixSize else { return nil }
    let declared = RadiaCodeBytes.u32(prefix, at: 0)
    guard declared >= UInt32(headerSize), declared <= UInt32(maximumLength) else {
      throw .implausibleLength(declared)
    }
    return lengthPrefixSize + Int(declared)
  }

  /// Checks a complete response frame (prefix, echoed header, payload) and returns the payload.
  /// Short frames, extra bytes, implausible prefixes and a wrong echo are errors.
  public static func payload(
    ofResponse frame: [UInt8], to header: RadiaCodeHeader
  ) throws(RadiaCodeError) -> [UInt8] {
    guard let size = try responseSize(startingWith: frame) else {
      throw .truncated(needed: lengthPrefixSize, available: frame.count)
    }
    if frame.count < size { throw .truncated(needed: size, available: frame.count) }
    if frame.count > size {
      throw .lengthMismatch(declared: size - lengthPrefixSize, actual: frame.count - 4)
    }
    let echoed = Array(frame[lengthPrefixSize..<(lengthPrefixSize + headerSize)])
    guard echoed == header.bytes else {
      throw .headerMismatch(expected: header.bytes, received: echoed)
    }
    return Array(frame[(lengthPrefixSize + headerSize)...])
  }
}

/// Little-endian helpers shared by the RadiaCode files.
enum RadiaCodeBytes {
  static func u16(_ value: UInt16) -> [UInt8] {
    [UInt8(value & 0xFF), UInt8(value >> 8)]
  }

  static func u32(_ value: UInt32) -> [UInt8] {
    [
      UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF),
      UInt8(value >> 24),
    ]
  }

  /// Caller guarantees `offset + 4 <= bytes.count`.
  static func u32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
      | UInt32(bytes[offset + 3]) << 24
  }
}

/// A bounds-checked little-endian cursor, the counterpart of the package's `BytesBuffer`
/// (`bytes_buffer.py` lines 41-77): every read either succeeds or throws `.truncated`.
struct RadiaCodeReader {
  let bytes: [UInt8]
  private(set) var position = 0

  init(_ bytes: [UInt8]) {
    self.bytes = bytes
  }

  var remaining: Int { bytes.count - position }

  mutating func take(_ count: Int) throws(RadiaCodeError) -> ArraySlice<UInt8> {
    guard count >= 0, count <= remaining else {
      throw .truncated(needed: count, available: remaining)
    }
    defer { position += count }
    return bytes[position..<(position + count)]
  }

  mutating func skip(_ count: Int) throws(RadiaCodeError) {
    _ = try take(count)
  }

  mutating func u8() throws(RadiaCodeError) -> UInt8 {
    try take(1).first ?? 0
  }

  mutating func i8() throws(RadiaCodeError) -> Int8 {
    Int8(bitPattern: try u8())
  }

  mutating func u16() throws(RadiaCodeError) -> UInt16 {
    let slice = try take(2)
    return UInt16(slice[slice.startIndex]) | UInt16(slice[slice.startIndex + 1]) << 8
  }

  mutating func i16() throws(RadiaCodeError) -> Int16 {
    Int16(bitPattern: try u16())
  }

  mutating func u32() throws(RadiaCodeError) -> UInt32 {
    let slice = try take(4)
    let start = slice.startIndex
    return UInt32(slice[start]) | UInt32(slice[start + 1]) << 8
      | UInt32(slice[start + 2]) << 16 | UInt32(slice[start + 3]) << 24
  }

  mutating func i32() throws(RadiaCodeError) -> Int32 {
    Int32(bitPattern: try u32())
  }

  mutating func f32() throws(RadiaCodeError) -> Float {
    Float(bitPattern: try u32())
  }

  /// `u8 length` + ASCII (`bytes_buffer.py` `unpack_string`, lines 63-77).
  mutating func string() throws(RadiaCodeError) -> String {
    let length = Int(try u8())
    return try Self.ascii(try take(length))
  }

  static func ascii(_ bytes: some Collection<UInt8>) throws(RadiaCodeError) -> String {
    guard bytes.allSatisfy({ $0 < 0x80 }) else { throw .notASCII }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Throws unless every byte was consumed (the package's `assert r.size() == 0`).
  func finish() throws(RadiaCodeError) {
    if remaining != 0 { throw .trailingBytes(remaining) }
  }
}
