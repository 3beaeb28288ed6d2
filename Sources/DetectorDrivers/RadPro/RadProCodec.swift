import Foundation

/// Rad Pro USB protocol (shared reference devices.md §2.3; Gissio/radpro docs/comm.md): ASCII
/// `GET name\r\n` requests, `OK[ value]\r\n` or `ERROR\r\n` replies, decimal numbers,
/// case-sensitive names. Pure, so every reply can be tested from its text.
public enum RadProCodec {
  /// `GET name` + CRLF (comm.md; the firmware also accepts a bare LF).
  public static func request(_ name: String) -> [UInt8] {
    Array("GET \(name)\r\n".utf8)
  }

  /// `hardware;software/lang;unique id` (comm.md "Get device identification").
  public static let deviceID = "deviceId"
  /// Lifetime pulse count, u32, wraps at 2³² (devices.md §2.3): the driver differences it.
  public static let tubePulseCount = "tubePulseCount"
  /// Instantaneous cpm, for display only (comm.md recommends pulse-count deltas instead).
  public static let tubeRate = "tubeRate"
  /// cpm per µSv/h; named `tubeConversionFactor` before 2.1.1 (devices.md §2.3).
  public static let tubeSensitivity = "tubeSensitivity"
  public static let tubeConversionFactor = "tubeConversionFactor"

  public enum Reply: Sendable, Hashable {
    /// `OK` and the value after it (empty for a bare `OK`).
    case ok(String)
    case error
    /// Anything else: a stray line, a reply out of step.
    case junk
  }

  /// One reply line without its terminator (`SerialLink.readLine` strips CR and LF).
  public static func reply(_ line: String) -> Reply {
    let text = line.trimmingCharacters(in: [" ", "\r", "\n"])
    if text == "ERROR" { return .error }
    if text == "OK" { return .ok("") }
    if text.hasPrefix("OK ") { return .ok(String(text.dropFirst(3))) }
    return .junk
  }

  /// Identity from a deviceId value, e.g. `FS2011 (STM32F051C8);Rad Pro 2.0/en;b5706d…`.
  public static func identity(_ value: String) -> (
    model: String, firmware: String, serial: String?
  )? {
    let parts = value.split(separator: ";", omittingEmptySubsequences: false).map {
      $0.trimmingCharacters(in: [" "])
    }
    guard parts.count >= 2, !parts[0].isEmpty else { return nil }
    return (parts[0], parts[1], parts.count > 2 && !parts[2].isEmpty ? parts[2] : nil)
  }

  /// A tubePulseCount value: decimal digits only, within u32 (no sign, no fraction).
  public static func pulseCount(_ value: String) -> UInt32? {
    guard !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return UInt32(value)
  }

  /// Pulses between two readings of the wrapping u32 counter (devices.md §2.3).
  public static func pulses(from old: UInt32, to new: UInt32) -> UInt32 {
    new &- old
  }

  /// A decimal value such as tubeRate (cpm) or tubeSensitivity; nil unless finite and ≥ 0.
  public static func decimal(_ value: String) -> Double? {
    guard let number = Double(value), number.isFinite, number >= 0 else { return nil }
    return number
  }
}
