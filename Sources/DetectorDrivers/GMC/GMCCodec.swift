/// GQ GMC wire format (shared reference devices.md §1; GQ-RFC1201 v1.40, GQ-RFC1801 v1.00).
/// Pure: builds request bytes and decodes fixed-length binary replies, so every quirk can be
/// tested from byte sequences without a device.
public enum GMCCodec {
  /// `<` NAME `>>`, ASCII, no terminator (devices.md §1.3).
  public static func request(_ name: String) -> [UInt8] {
    Array("<\(name)>>".utf8)
  }

  /// RFC1201 §1: 14 bytes on the 300/320 series; RFC1801: variable length (devices.md §1.4).
  public static let getVersion = request("GETVER")
  /// RFC1201 §11, RFC1801: 7 bytes.
  public static let getSerial = request("GETSERIAL")
  /// GeigerLog/RFC1801 §44: 2 or 4 bytes, see `cpsWidth(forVersion:)`.
  public static let getCPS = request("GETCPS")
  /// RFC1201 §2: only used to wake a counter whose first GETVER failed (devices.md §1.6).
  public static let getCPM = request("GETCPM")
  /// RFC1201 §23 (fw ≥ 3.00), RFC1801 §23: `YY MM DD HH MM SS 0xAA`.
  public static let getDateTime = request("GETDATETIME")

  /// Shortest GETVER reply (RFC1201 §1: 7 model + 7 firmware bytes); longer ones are drained.
  public static let versionMinimumLength = 14
  public static let serialLength = 7
  public static let dateTimeLength = 7
  /// Closing byte of GETDATETIME (RFC1201 §23).
  public static let dateTimeTrailer: UInt8 = 0xAA
  /// 2-byte CPS: bits 15/14 are reserved, the real device sets bit 15 (RFC1201 §3, GeigerLog
  /// `& 0x3FFF`, devices.md §1.4).
  public static let cpsMask14: UInt16 = 0x3FFF

  /// What GETVER said: the model before "Re", the firmware version after it.
  public struct Version: Sendable, Hashable {
    /// The reply with NULs removed, e.g. "GMC-320Re 4.26".
    public var text: String
    public var model: String
    public var firmware: String
  }

  /// Decodes a GETVER reply; nil unless it starts with "GMC" (devices.md §1.2: both GeigerLog
  /// and pygmc identify the family by that prefix). The GMC-320+V5 embeds a NUL
  /// (`GMC-320+V5\0RRe 5.73`): the model then ends at the NUL.
  public static func version(_ bytes: [UInt8]) -> Version? {
    let head = bytes.prefix { $0 != 0 }
    let cleaned = bytes.filter { $0 != 0 }
    let text = String(decoding: cleaned, as: UTF8.self).trimmingSpaces
    guard text.hasPrefix("GMC") else { return nil }
    guard let marker = text.ranges(of: "Re").last else {
      return Version(text: text, model: text, firmware: "")
    }
    var model = String(text[..<marker.lowerBound]).trimmingSpaces
    if head.count < bytes.count {
      let beforeNUL = String(decoding: head, as: UTF8.self).trimmingSpaces
      if beforeNUL.hasPrefix("GMC"), beforeNUL.count < model.count { model = beforeNUL }
    }
    let firmware = String(text[marker.upperBound...]).trimmingSpaces
    return Version(text: text, model: model, firmware: firmware)
  }

  /// Bytes of a GETCPS/GETCPM reply for a model (devices.md §1.4, GeigerLog model table):
  /// 2 for the GMC-300/320 series and the plain GMC-500, 4 for GMC-500+, 600, 600+ and 800.
  /// Accepts a model or a whole GETVER text.
  public static func cpsWidth(forVersion version: String) -> Int {
    var rest = Substring(version.filter { $0 != "\0" })
    guard rest.hasPrefix("GMC-") else { return 2 }
    rest = rest.dropFirst(4)
    let digits = rest.prefix { $0.isASCII && $0.isNumber }
    guard let number = Int(digits) else { return 2 }
    if number < 500 { return 2 }
    if number == 500 && !rest.dropFirst(digits.count).hasPrefix("+") { return 2 }
    return 4
  }

  /// The 7 serial bytes as upper-case hex, e.g. "F488E0B4B5A4E0".
  public static func serial(_ bytes: [UInt8]) -> String? {
    guard bytes.count == serialLength else { return nil }
    return bytes.map { byte in
      let hex = String(byte, radix: 16, uppercase: true)
      return hex.count == 1 ? "0" + hex : hex
    }.joined()
  }

  /// Counts of one second from a 2-byte (masked to 14 bits) or 4-byte big-endian reply.
  public static func cps(_ bytes: [UInt8]) -> UInt32? {
    switch bytes.count {
    case 2:
      return UInt32((UInt16(bytes[0]) << 8 | UInt16(bytes[1])) & cpsMask14)
    case 4:
      return bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    default:
      return nil
    }
  }

  /// Encodes a count the way a device sends it, for emulators: 2-byte replies carry bit 15
  /// set like the real 300/320 series (devices.md §1.4 "80 1C" = 28).
  public static func encodeCPS(_ value: UInt32, width: Int, highBit: Bool = true) -> [UInt8] {
    if width == 2 {
      let word = UInt16(min(value, UInt32(cpsMask14))) | (highBit ? 0x8000 : 0)
      return [UInt8(word >> 8), UInt8(word & 0xFF)]
    }
    return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
  }

  /// Decodes GETDATETIME; nil for a wrong length, trailer or out-of-range field.
  public static func dateTime(_ bytes: [UInt8]) -> GMCDateTime? {
    guard bytes.count == dateTimeLength, bytes[6] == dateTimeTrailer else { return nil }
    let time = GMCDateTime(
      year: 2000 + Int(bytes[0]), month: Int(bytes[1]), day: Int(bytes[2]), hour: Int(bytes[3]),
      minute: Int(bytes[4]), second: Int(bytes[5]))
    return time.isValid ? time : nil
  }
}

/// The device clock: local time without a zone (devices.md §1.4 SETDATETIME). Only its
/// progress matters to the driver, so it is turned into a plain second count.
public struct GMCDateTime: Sendable, Hashable {
  public var year, month, day, hour, minute, second: Int

  public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
    (self.year, self.month, self.day) = (year, month, day)
    (self.hour, self.minute, self.second) = (hour, minute, second)
  }

  /// From seconds since 2000-01-01 00:00:00 (device-local), for emulators.
  public init(secondsSince2000 total: Int) {
    let days = total / 86400
    let time = total % 86400
    // Civil-from-days (H. Hinnant, "chrono-compatible low-level date algorithms").
    let z = days + 10957 + 719468
    let era = z / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    self.init(
      year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day, hour: time / 3600,
      minute: time / 60 % 60, second: time % 60)
  }

  var isValid: Bool {
    (1...12).contains(month) && (1...31).contains(day) && hour < 24 && minute < 60
      && second < 60
  }

  /// Seconds since 2000-01-01 00:00:00 on the device's own clock.
  public var secondsSince2000: Int {
    // Days-from-civil, the inverse of the initialiser above.
    let y = year - (month <= 2 ? 1 : 0)
    let era = y / 400
    let yoe = y - era * 400
    let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146097 + doe - 719468 - 10957
    return days * 86400 + hour * 3600 + minute * 60 + second
  }

  /// The 7 reply bytes, for emulators.
  public var bytes: [UInt8] {
    [year - 2000, month, day, hour, minute, second].map { UInt8(truncatingIfNeeded: $0) }
      + [GMCCodec.dateTimeTrailer]
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}
