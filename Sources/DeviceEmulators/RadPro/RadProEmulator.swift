import DetectorDrivers
import Foundation

/// Rad Pro firmware's USB protocol (devices.md §2.3, Gissio/radpro docs/comm.md): line
/// requests, `OK value` / `ERROR` replies with CRLF. The pulse counter is a wrapping u32 that
/// starts just below 2³², so every test crosses the wrap-around.
public struct RadProEmulator: DeviceEmulator {
  public var hardware = "FS2011 (STM32F051C8)"
  public var software = "Rad Pro 3.1.1/en"
  public var deviceID = "b5706d937087f975b5812810"
  /// cpm per µSv/h reported by `tubeSensitivity` (M4011, Rad Pro's table, devices.md §2.5).
  public var sensitivity = 108.345
  /// Firmware before 2.1.1 calls it `tubeConversionFactor` (devices.md §2.3).
  public var legacySensitivityName: Bool
  /// Every n-th tubePulseCount reply is spoiled: in turn a non-numeric value, a line cut off
  /// before its end, and `ERROR` (tests).
  public var garbleEvery: Int?
  public private(set) var pulseCount: UInt32

  var source: CountSource
  var input: [UInt8] = []
  var lastTime: Double?
  var second = 0
  var secondCounts: UInt64 = 0
  var lastSecondCounts: UInt64 = 0
  var pulseReplies = 0

  public init(
    source: CountSource, pulseCount: UInt32 = UInt32.max - 999, garbleEvery: Int? = nil,
    legacySensitivityName: Bool = false
  ) {
    self.source = source
    self.pulseCount = pulseCount
    self.garbleEvery = garbleEvery
    self.legacySensitivityName = legacySensitivityName
  }

  public mutating func receive(_ bytes: [UInt8], at time: Double) -> [UInt8] {
    advance(to: time)
    input += bytes
    var out = ""
    // The firmware accepts LF or CRLF (radpro-tool.py sends LF only).
    while let end = input.firstIndex(of: 0x0A) {
      let line = String(decoding: input[..<end], as: UTF8.self)
      input.removeFirst(end + 1)
      out += reply(to: line.trimmingCharacters(in: ["\r", " "]))
    }
    if input.count > 256 { input.removeAll() }
    return Array(out.utf8)
  }

  public mutating func tick(at time: Double) -> [UInt8] {
    advance(to: time)
    return []
  }

  private mutating func reply(to request: String) -> String {
    switch request {
    case "GET deviceId":
      return "OK \(hardware);\(software);\(deviceID)\r\n"
    case "GET tubePulseCount":
      pulseReplies += 1
      guard let garbleEvery, pulseReplies % garbleEvery == 0 else {
        return "OK \(pulseCount)\r\n"
      }
      switch pulseReplies / garbleEvery % 3 {
      case 1: return "OK 12x4\r\n"
      case 2: return "OK \(pulseCount / 10)"
      default: return "ERROR\r\n"
      }
    case "GET tubeRate":
      return "OK " + String(format: "%.3f", Double(lastSecondCounts) * 60) + "\r\n"
    case "GET tubeSensitivity" where !legacySensitivityName,
      "GET tubeConversionFactor" where legacySensitivityName:
      return "OK " + String(format: "%.3f", sensitivity) + "\r\n"
    default:
      return "ERROR\r\n"
    }
  }

  /// Registers the pulses since the last call; Poisson counts over adjoining spans add up to
  /// a Poisson count over their union, so the total is statistically a real tube's.
  private mutating func advance(to time: Double) {
    defer { lastTime = time }
    guard let lastTime, time > lastTime else { return }
    let counts = source.counts(over: time - lastTime)
    pulseCount &+= UInt32(truncatingIfNeeded: counts)
    let now = Int(time.rounded(.down))
    if now != second {
      lastSecondCounts = secondCounts
      secondCounts = 0
      second = now
    }
    secondCounts += counts
  }
}
