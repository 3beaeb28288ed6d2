/// Modbus RTU framing, pure: CRC, read requests, responses and register decoding. No I/O.
///
/// References: "MODBUS over Serial Line Specification and Implementation Guide V1.02" (2006),
/// below "serial spec"; "MODBUS Application Protocol Specification V1.1b3" (2012), below
/// "application spec".
public enum ModbusRTU {
  /// CRC-16/MODBUS: reflected polynomial 0xA001 (x¹⁶ + x¹⁵ + x² + 1), initial value 0xFFFF, no
  /// final XOR; sent low byte first (serial spec §6.2.2 "CRC Generation", §2.5.1.2).
  public static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
    var crc: UInt16 = 0xFFFF
    for byte in bytes {
      crc ^= UInt16(byte)
      for _ in 0..<8 {
        crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1
      }
    }
    return crc
  }

  /// `frame` followed by its CRC, low byte first.
  public static func withCRC(_ frame: [UInt8]) -> [UInt8] {
    let crc = crc16(frame)
    return frame + [UInt8(crc & 0xFF), UInt8(crc >> 8)]
  }

  /// True when the last two bytes are the CRC of the rest.
  public static func hasValidCRC(_ frame: [UInt8]) -> Bool {
    guard frame.count >= 3 else { return false }
    let body = frame.dropLast(2)
    let sent = UInt16(frame[frame.count - 2]) | UInt16(frame[frame.count - 1]) << 8
    return crc16(body) == sent
  }

  /// Individual slave addresses; 0 is broadcast, 248–255 are reserved (serial spec §2.2).
  public static let slaveAddresses: ClosedRange<Int> = 1...247
  /// Registers one read may ask for: 1 to 125 (0x7D) (application spec §6.3, §6.4).
  public static let maxQuantity = 125
  /// Bit 7 set in the function code of a reply marks an exception (application spec §7).
  public static let exceptionFlag: UInt8 = 0x80

  /// `[slave, fn, addrHi, addrLo, qtyHi, qtyLo, crcLo, crcHi]` (application spec §6.3, §6.4).
  public static func readRequest(
    slave: UInt8, function: ModbusFunction, address: UInt16, quantity: UInt16
  ) -> [UInt8] {
    withCRC([
      slave, function.rawValue, UInt8(address >> 8), UInt8(address & 0xFF),
      UInt8(quantity >> 8), UInt8(quantity & 0xFF),
    ])
  }

  /// Length of a normal reply: slave, function, byte count, 2 bytes per register, CRC.
  public static func responseLength(quantity: Int) -> Int { 5 + 2 * quantity }
  /// Length of an exception reply: slave, function | 0x80, code, CRC.
  public static let exceptionLength = 5

  /// The registers of a complete reply frame to a read of `quantity` registers.
  public static func parseResponse(
    _ frame: [UInt8], slave: UInt8, function: ModbusFunction, quantity: Int
  ) throws(ModbusFrameError) -> [UInt16] {
    guard frame.count >= exceptionLength else { throw .malformed("\(frame.count)-byte reply") }
    guard hasValidCRC(frame) else { throw .crcMismatch }
    guard frame[0] == slave else { throw .wrongSlave(expected: slave, found: frame[0]) }
    if frame[1] == function.rawValue | exceptionFlag {
      guard frame.count == exceptionLength else {
        throw .malformed("\(frame.count)-byte exception reply")
      }
      throw .exception(ModbusException(code: frame[2]))
    }
    guard frame[1] == function.rawValue else {
      throw .malformed("function \(frame[1]) in reply to function \(function.rawValue)")
    }
    let expected = responseLength(quantity: quantity)
    guard frame.count == expected, Int(frame[2]) == 2 * quantity else {
      throw .malformed(
        "byte count \(frame[2]) in a \(frame.count)-byte reply (expected \(2 * quantity) in "
          + "\(expected))")
    }
    return (0..<quantity).map { UInt16(frame[3 + 2 * $0]) << 8 | UInt16(frame[4 + 2 * $0]) }
  }
}

/// The read functions a probe's value may be in (application spec §6.3, §6.4).
public enum ModbusFunction: UInt8, Sendable, Hashable, CaseIterable {
  case readHoldingRegisters = 3
  case readInputRegisters = 4
}

/// An exception reply's code and its name (application spec §7).
public struct ModbusException: Sendable, Hashable, CustomStringConvertible {
  public let code: UInt8

  public init(code: UInt8) {
    self.code = code
  }

  public var name: String {
    switch code {
    case 1: "illegal function"
    case 2: "illegal data address"
    case 3: "illegal data value"
    case 4: "server device failure"
    case 5: "acknowledge"
    case 6: "server device busy"
    case 8: "memory parity error"
    case 0x0A: "gateway path unavailable"
    case 0x0B: "gateway target device failed to respond"
    default: "unknown exception"
    }
  }

  public var description: String { "exception \(code) (\(name))" }
}

/// Why a reply frame was rejected.
public enum ModbusFrameError: Error, Sendable, Hashable, CustomStringConvertible {
  case crcMismatch
  case wrongSlave(expected: UInt8, found: UInt8)
  case exception(ModbusException)
  case malformed(String)

  public var description: String {
    switch self {
    case .crcMismatch: "CRC mismatch"
    case .wrongSlave(let expected, let found): "reply from slave \(found), expected \(expected)"
    case .exception(let exception): "Modbus \(exception)"
    case .malformed(let what): "malformed reply: \(what)"
    }
  }
}

/// How a value is laid out in 16-bit registers.
public enum ModbusDataType: String, Sendable, Hashable, CaseIterable {
  case u16, u32, i32, f32

  public var registerCount: Int { self == .u16 ? 1 : 2 }

  /// The register bits as an unsigned integer (words combined in `order`).
  public func raw(_ registers: [UInt16], order: ModbusWordOrder) -> UInt32 {
    precondition(registers.count == registerCount, "\(self) needs \(registerCount) registers")
    guard registerCount == 2 else { return UInt32(registers[0]) }
    let (high, low) = order == .big ? (registers[0], registers[1]) : (registers[1], registers[0])
    return UInt32(high) << 16 | UInt32(low)
  }

  /// The value the registers hold (f32 is IEEE 754 binary32).
  public func value(_ registers: [UInt16], order: ModbusWordOrder) -> Double {
    let bits = raw(registers, order: order)
    switch self {
    case .u16, .u32: return Double(bits)
    case .i32: return Double(Int32(bitPattern: bits))
    case .f32: return Double(Float(bitPattern: bits))
    }
  }
}

/// Which register of a 32-bit value comes first. Modbus itself only says each register is sent
/// high byte first (application spec §4.2); word order is the device's choice.
public enum ModbusWordOrder: String, Sendable, Hashable, CaseIterable {
  /// High word in the lower register address.
  case big
  /// Low word in the lower register address.
  case little
}
