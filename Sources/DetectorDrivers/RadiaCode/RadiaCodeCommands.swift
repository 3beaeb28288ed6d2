import Foundation

/// RadiaCode 10x commands, virtual strings and registers a session needs, with byte-exact
/// request builders and reply parsers (devices.md §5.2-5.3). Codes and layouts are from
/// `cdump/radiacode` v0.4.0: `radiacode/types.py` (COMMAND lines 423-440, VS lines 385-401,
/// VSFR lines 215-310, formats lines 316-382) and `radiacode/radiacode.py`.

/// Command codes (`types.py` COMMAND, lines 423-440).
public enum RadiaCodeCommand: UInt16, Sendable, CaseIterable {
  case getStatus = 0x0005
  case setExchange = 0x0007
  case getVersion = 0x000A
  case getSerial = 0x000B
  case firmwareSignature = 0x0101
  case readRegister = 0x0824
  case writeRegister = 0x0825
  case readString = 0x0826
  case writeString = 0x0827
  case readRegisterBatch = 0x082A
  case writeRegisterBatch = 0x082B
  case setTime = 0x0A04
}

/// Virtual strings (`types.py` VS, lines 385-401).
public enum RadiaCodeVirtualString: UInt32, Sendable, CaseIterable {
  /// cp1251 text with `SpecFormatVersion=` (`radiacode.py` lines 116-120, 311-314).
  case configuration = 0x02
  case serialNumber = 0x08
  case textMessage = 0x0F
  /// Measurement records, see `RadiaCodeDataBuffer` (`radiacode.py` lines 344-347).
  case dataBuffer = 0x100
  case registerDescription = 0x101
  case spectrum = 0x200
  /// `<fff` a0, a1, a2 (`radiacode.py` lines 385-395).
  case energyCalibration = 0x202
  case accumulatedSpectrum = 0x205
}

/// A virtual special-function register and how the package unpacks its 32-bit value.
public struct RadiaCodeRegister: Sendable, Hashable {
  /// `_VSFR_FORMATS` (`types.py` lines 316-382) unpack the packed `<I` with these formats.
  public enum Format: Sendable, Hashable {
    /// `I`
    case u32
    /// `i`
    case i32
    /// `f`
    case f32
    /// `3xB`: the most significant byte.
    case highU8
    /// `3x?`: the most significant byte, non-zero = true.
    case highBool
    /// `2xH`: the most significant 16 bits.
    case highU16
    /// `2xh`: the most significant 16 bits, signed.
    case highI16
  }

  public var id: UInt32
  public var format: Format

  public init(id: UInt32, format: Format) {
    self.id = id
    self.format = format
  }

  /// Written with 0 after SET_TIME (`radiacode.py` lines 107, 336-342).
  public static let deviceTime = RadiaCodeRegister(id: 0x0504, format: .u32)
  /// Written with no value to reset the accumulated dose (`radiacode.py` lines 367-372).
  public static let doseReset = RadiaCodeRegister(id: 0x8007, format: .highBool)
  /// Counts per second.
  public static let countRate = RadiaCodeRegister(id: 0x8020, format: .u32)
  /// Dose rate in µR/h (`DR_uR_h`).
  public static let doseRateMicroRoentgenPerHour = RadiaCodeRegister(id: 0x8021, format: .u32)
  /// Accumulated dose in µR (`DS_uR`).
  public static let doseMicroRoentgen = RadiaCodeRegister(id: 0x8022, format: .u32)
  /// `TEMP_degC`.
  public static let temperature = RadiaCodeRegister(id: 0x8024, format: .f32)
  /// `CHN_TO_keV_A0…A2`.
  public static let energyA0 = RadiaCodeRegister(id: 0x8010, format: .f32)
  public static let energyA1 = RadiaCodeRegister(id: 0x8011, format: .f32)
  public static let energyA2 = RadiaCodeRegister(id: 0x8012, format: .f32)
  /// Display unit: true = Sv, false = R (`DS_UNITS`).
  public static let doseUnitsSievert = RadiaCodeRegister(id: 0x8004, format: .highBool)

  /// Unpacks a raw register word as the package does
  /// (`struct.unpack('<' + fmt, struct.pack('<I', v))`, `radiacode.py` lines 243-250).
  public func value(of word: UInt32) -> RadiaCodeRegisterValue {
    switch format {
    case .u32: return .unsigned(word)
    case .i32: return .signed(Int32(bitPattern: word))
    case .f32: return .float(Float(bitPattern: word))
    case .highU8: return .unsigned(word >> 24)
    case .highBool: return .bool(word >> 24 != 0)
    case .highU16: return .unsigned(word >> 16)
    case .highI16: return .signed(Int32(Int16(bitPattern: UInt16(word >> 16))))
    }
  }
}

public enum RadiaCodeRegisterValue: Sendable, Hashable {
  case unsigned(UInt32)
  case signed(Int32)
  case float(Float)
  case bool(Bool)
}

/// Local wall-clock time for SET_TIME. The device has no time zone (the package sends
/// `datetime.now()`, `radiacode.py` line 106).
public struct RadiaCodeLocalTime: Sendable, Hashable {
  public var year: Int
  public var month: Int
  public var day: Int
  public var hour: Int
  public var minute: Int
  public var second: Int

  public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
    self.year = year
    self.month = month
    self.day = day
    self.hour = hour
    self.minute = minute
    self.second = second
  }
}

/// A command and its argument bytes; `frame(sequence:)` gives the bytes to send.
public struct RadiaCodeRequest: Sendable, Hashable {
  public var command: RadiaCodeCommand
  public var arguments: [UInt8]

  public init(command: RadiaCodeCommand, arguments: [UInt8] = []) {
    self.command = command
    self.arguments = arguments
  }

  public func header(sequence: UInt8) -> RadiaCodeHeader {
    RadiaCodeHeader(command: command.rawValue, sequence: sequence)
  }

  public func frame(sequence: UInt8) -> [UInt8] {
    RadiaCodeFrame.request(command: command.rawValue, sequence: sequence, arguments: arguments)
  }

  /// First command of a session, `01 ff 12 ff` (`radiacode.py` line 105). Reply ignored.
  public static let setExchange = RadiaCodeRequest(
    command: .setExchange, arguments: [0x01, 0xFF, 0x12, 0xFF])
  /// Reply: see `RadiaCodeReply.version` (`radiacode.py` lines 281-295).
  public static let getVersion = RadiaCodeRequest(command: .getVersion)
  /// Reply: see `RadiaCodeReply.hardwareSerial` (`radiacode.py` lines 297-309).
  public static let getSerial = RadiaCodeRequest(command: .getSerial)
  /// Reply: `u32` flags (`radiacode.py` lines 255-260).
  public static let getStatus = RadiaCodeRequest(command: .getStatus)
  /// Reply: see `RadiaCodeReply.firmwareSignature` (`radiacode.py` lines 273-279).
  public static let firmwareSignature = RadiaCodeRequest(command: .firmwareSignature)

  /// `<BBBBBBBB` day, month, year − 2000, 0, second, minute, hour, 0 (`radiacode.py`
  /// lines 262-271). Reply ignored.
  public static func setTime(_ time: RadiaCodeLocalTime) throws(RadiaCodeError)
    -> RadiaCodeRequest
  {
    let fields = [
      ("day", time.day, 1...31), ("month", time.month, 1...12),
      ("year", time.year - 2000, 0...255), ("second", time.second, 0...59),
      ("minute", time.minute, 0...59), ("hour", time.hour, 0...23),
    ]
    for (name, value, range) in fields where !range.contains(value) {
      throw .invalidArgument("\(name) \(value) outside \(range)")
    }
    return RadiaCodeRequest(
      command: .setTime,
      arguments: [
        UInt8(time.day), UInt8(time.month), UInt8(time.year - 2000), 0,
        UInt8(time.second), UInt8(time.minute), UInt8(time.hour), 0,
      ])
  }

  /// RD_VIRT_STRING `<I id` (`radiacode.py` line 181). Reply: `RadiaCodeReply.virtualString`.
  public static func read(_ string: RadiaCodeVirtualString) -> RadiaCodeRequest {
    RadiaCodeRequest(command: .readString, arguments: RadiaCodeBytes.u32(string.rawValue))
  }

  /// WR_VIRT_STRING `<II id, len` + data (`radiacode.py` lines 380, 408).
  public static func write(_ string: RadiaCodeVirtualString, data: [UInt8]) -> RadiaCodeRequest {
    RadiaCodeRequest(
      command: .writeString,
      arguments: RadiaCodeBytes.u32(string.rawValue) + RadiaCodeBytes.u32(UInt32(data.count))
        + data)
  }

  /// Spectrum reset: SPECTRUM written with length 0 (`radiacode.py` lines 374-383).
  public static let resetSpectrum = write(.spectrum, data: [])

  /// WR_VIRT_SFR `<I id` + `<I value`, or the id alone (`radiacode.py` lines 191-201).
  public static func write(_ register: RadiaCodeRegister, value: UInt32?) -> RadiaCodeRequest {
    var arguments = RadiaCodeBytes.u32(register.id)
    if let value { arguments += RadiaCodeBytes.u32(value) }
    return RadiaCodeRequest(command: .writeRegister, arguments: arguments)
  }

  /// Third step of the session set-up: DEVICE_TIME = 0 (`radiacode.py` line 107).
  public static let zeroDeviceTime = write(.deviceTime, value: 0)
  /// DOSE_RESET with no value (`radiacode.py` line 372).
  public static let resetDose = write(.doseReset, value: nil)

  /// RD_VIRT_SFR_BATCH `<I n` + n × `<I id` (`radiacode.py` lines 216-225); 1…32 registers,
  /// because the reply's validity mask is 32 bits.
  public static func read(_ registers: [RadiaCodeRegister]) throws(RadiaCodeError)
    -> RadiaCodeRequest
  {
    guard (1...32).contains(registers.count) else {
      throw .invalidArgument("\(registers.count) registers in a batch read (1…32)")
    }
    var arguments = RadiaCodeBytes.u32(UInt32(registers.count))
    for register in registers { arguments += RadiaCodeBytes.u32(register.id) }
    return RadiaCodeRequest(command: .readRegisterBatch, arguments: arguments)
  }
}

/// GET_VERSION reply.
public struct RadiaCodeFirmwareVersion: Sendable, Hashable {
  public struct Part: Sendable, Hashable {
    public var major: UInt16
    public var minor: UInt16
    public var date: String
  }

  public var boot: Part
  public var target: Part

  /// The package refuses targets older than 4.8 (`radiacode.py` lines 110-114).
  public var isSupported: Bool {
    target.major > 4 || (target.major == 4 && target.minor >= 8)
  }
}

/// FW_SIGNATURE reply.
public struct RadiaCodeFirmwareSignature: Sendable, Hashable {
  public var signature: UInt32
  public var fileName: String
  public var idString: String
}

/// The energy calibration: keV = a0 + a1·ch + a2·ch² (`radiacode.py` lines 38-50).
public struct RadiaCodeCalibration: Sendable, Hashable {
  public var a0: Float
  public var a1: Float
  public var a2: Float

  public init(a0: Float, a1: Float, a2: Float) {
    self.a0 = a0
    self.a1 = a1
    self.a2 = a2
  }

  public func energy(channel: Int) -> Double {
    let ch = Double(channel)
    return Double(a0) + Double(a1) * ch + Double(a2) * ch * ch
  }
}

/// Parsers for reply payloads (the bytes after the echoed header; see `RadiaCodeFrame`).
public enum RadiaCodeReply {
  /// RD_VIRT_STRING: `u32 retcode` (1 = ok), `u32 length`, data. Firmware sometimes appends one
  /// 0x00 beyond `length`; the package drops it (`radiacode.py` lines 181-189), so do we.
  public static func virtualString(_ payload: [UInt8]) throws(RadiaCodeError) -> [UInt8] {
    var reader = RadiaCodeReader(payload)
    let code = try reader.u32()
    let length = try reader.u32()
    guard code == 1 else { throw .returnCode(code) }
    var data = Array(payload.dropFirst(8))
    if UInt64(data.count) == UInt64(length) + 1, data.last == 0 { data.removeLast() }
    guard UInt64(data.count) == UInt64(length) else {
      throw .lengthMismatch(declared: Int(length), actual: data.count)
    }
    return data
  }

  /// WR_VIRT_SFR and WR_VIRT_STRING: `u32 retcode` = 1 and nothing else (`radiacode.py`
  /// lines 198-201, 380-383).
  public static func writeAcknowledged(_ payload: [UInt8]) throws(RadiaCodeError) {
    var reader = RadiaCodeReader(payload)
    let code = try reader.u32()
    guard code == 1 else { throw .returnCode(code) }
    try reader.finish()
  }

  /// GET_STATUS: `u32` flags (`radiacode.py` lines 257-259).
  public static func status(_ payload: [UInt8]) throws(RadiaCodeError) -> UInt32 {
    var reader = RadiaCodeReader(payload)
    let flags = try reader.u32()
    try reader.finish()
    return flags
  }

  /// GET_VERSION: `u16 minor, u16 major`, length-prefixed ASCII date, for boot then target;
  /// the target date loses its NUL padding (`radiacode.py` lines 289-295).
  public static func version(_ payload: [UInt8]) throws(RadiaCodeError)
    -> RadiaCodeFirmwareVersion
  {
    var reader = RadiaCodeReader(payload)
    let bootMinor = try reader.u16()
    let bootMajor = try reader.u16()
    let bootDate = try reader.string()
    let targetMinor = try reader.u16()
    let targetMajor = try reader.u16()
    let targetDate = try reader.string()
    try reader.finish()
    return RadiaCodeFirmwareVersion(
      boot: .init(major: bootMajor, minor: bootMinor, date: bootDate),
      target: .init(
        major: targetMajor, minor: targetMinor, date: stripNULs(targetDate)))
  }

  /// GET_SERIAL: `u32 length` (a multiple of 4), then `length / 4` words printed as `%08X`
  /// joined by `-` (`radiacode.py` lines 304-309).
  public static func hardwareSerial(_ payload: [UInt8]) throws(RadiaCodeError) -> String {
    var reader = RadiaCodeReader(payload)
    let length = try reader.u32()
    guard length % 4 == 0 else { throw .serialLength(length) }
    guard UInt64(length) <= UInt64(reader.remaining) else {
      throw .truncated(needed: Int(length), available: reader.remaining)
    }
    var groups: [String] = []
    for _ in 0..<(Int(length) / 4) {
      let word = String(try reader.u32(), radix: 16, uppercase: true)
      groups.append(String(repeating: "0", count: 8 - word.count) + word)
    }
    try reader.finish()
    return groups.joined(separator: "-")
  }

  /// FW_SIGNATURE: `u32`, then two length-prefixed ASCII strings (`radiacode.py` 275-279).
  /// The package does not check for trailing bytes here; neither do we.
  public static func firmwareSignature(_ payload: [UInt8]) throws(RadiaCodeError)
    -> RadiaCodeFirmwareSignature
  {
    var reader = RadiaCodeReader(payload)
    let signature = try reader.u32()
    let fileName = try reader.string()
    let idString = try reader.string()
    return RadiaCodeFirmwareSignature(
      signature: signature, fileName: fileName, idString: idString)
  }

  /// RD_VIRT_SFR_BATCH: `u32` validity mask (bit i = register i read), then one `u32` each
  /// (`radiacode.py` lines 236-253). Every register must be valid, as in the package.
  public static func registers(
    _ payload: [UInt8], for registers: [RadiaCodeRegister]
  ) throws(RadiaCodeError) -> [RadiaCodeRegisterValue] {
    guard (1...32).contains(registers.count) else {
      throw .invalidArgument("\(registers.count) registers in a batch read (1…32)")
    }
    var reader = RadiaCodeReader(payload)
    let mask = try reader.u32()
    let expected = UInt32(truncatingIfNeeded: (UInt64(1) << registers.count) - 1)
    guard mask == expected else { throw .validityMask(expected: expected, received: mask) }
    var values: [RadiaCodeRegisterValue] = []
    for register in registers { values.append(register.value(of: try reader.u32())) }
    try reader.finish()
    return values
  }

  /// ENERGY_CALIB virtual string: `<fff` a0, a1, a2 (`radiacode.py` line 395). Like the
  /// package, bytes after the twelfth are ignored.
  public static func energyCalibration(_ data: [UInt8]) throws(RadiaCodeError)
    -> RadiaCodeCalibration
  {
    var reader = RadiaCodeReader(data)
    return RadiaCodeCalibration(a0: try reader.f32(), a1: try reader.f32(), a2: try reader.f32())
  }

  /// The spectrum format from the CONFIGURATION virtual string: the first line starting with
  /// `SpecFormatVersion`, value after `=`; 0 when there is none (`radiacode.py` lines 116-120).
  /// Only 0 and 1 are decodable (`decoders/spectrum.py` line 46).
  public static func spectrumFormat(configuration data: [UInt8]) throws(RadiaCodeError) -> Int {
    let key = Array("SpecFormatVersion".utf8)
    for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      guard line.starts(with: key) else { continue }
      let fields = line.split(separator: UInt8(ascii: "="), omittingEmptySubsequences: false)
      guard fields.count >= 2 else { throw .unsupportedSpectrumFormat("missing '='") }
      let text = String(decoding: fields[1], as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
      guard let format = Int(text), format == 0 || format == 1 else {
        throw .unsupportedSpectrumFormat(text)
      }
      return format
    }
    return 0
  }

  private static func stripNULs(_ text: String) -> String {
    var scalars = Substring(text)
    while scalars.first == "\0" { scalars = scalars.dropFirst() }
    while scalars.last == "\0" { scalars = scalars.dropLast() }
    return String(scalars)
  }
}
