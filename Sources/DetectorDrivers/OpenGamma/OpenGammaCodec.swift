import Foundation

/// The Open Gamma Detector's text protocol (firmware 4.x, `OpenGammaProject/Open-Gamma-Detector`
/// software/ogd_pico/ogd_pico.ino at f4d9b2e, FW_VERSION "4.3.2"; software/README.md "Serial
/// Interface"; devices.md §7). Facts used here, from that source:
///
/// - Commands are lines handled by SimpleShell: `read info`, `read settings`, `set out events`
///   (also `spectrum`, `off`), `set mode geiger|energy`. The shell runs at 2 000 000 baud
///   (`shell.begin(2000000)`); over USB CDC the rate is ignored.
/// - Messages are printed with `println`, prefixed `[#] ` (info) or `[!] ` (error), CRLF ended.
/// - `read info` prints `[#] -- Open Gamma Detector --` and `[#] Firmware Version: 4.3.2`
///   among other lines; there is no serial number.
/// - `read settings` pretty-prints the settings JSON (`ser_output`, `geiger_mode`,
///   `print_spectrum`, `meas_avg`, `enable_display`, `enable_trng`, `subtract_baseline`,
///   `enable_ticker`, `tick_rate`), then `[#] Read settings file successfully.`
/// - `set out events` answers `[#] Set serial output mode to events.`
/// - Event output (`dataOutput`, every OUT_REFRESH = 1000 ms): the ADC channel of each event
///   since the previous output followed by `;`, then a line end, e.g. `389;874;359;`. Nothing is
///   printed in a second without events. Channels are 12-bit (ADC_RES 12, 0…4095).
/// - With `enable_trng` on, TRNG numbers are printed as `123;` lines, which look like events.
public enum OpenGammaCodec {
  public static let readInfo = "read info\n"
  public static let readSettings = "read settings\n"
  public static let setOutEvents = "set out events\n"

  /// `shell.begin(2000000)` in the firmware.
  public static let firmwareBaud = 2_000_000
  /// ADC_BINS = 1 << ADC_RES with ADC_RES = 12.
  public static let channelCount: UInt32 = 4096

  public static let setOutEventsReply = "Set serial output mode to events."
  public static let settingsDone = "Read settings file successfully."

  /// One line from the device.
  public enum Line: Sendable, Hashable {
    /// ADC channels of the events registered since the previous event line.
    case events([UInt32])
    /// A `[#] ` message (text after the prefix).
    case message(String)
    /// A `[!] ` error message.
    case error(String)
    /// Anything else (JSON of `read settings`, garbage).
    case other(String)
  }

  public static func classify(_ raw: String) -> Line {
    let line = raw.trimmingCharacters(in: .whitespaces)
    if line.hasPrefix("[#]") {
      return .message(String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces))
    }
    if line.hasPrefix("[!]") {
      return .error(String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces))
    }
    if let channels = events(line) { return .events(channels) }
    return .other(line)
  }

  /// The channels of an event line (`389;874;359;`, the trailing `;` optional), or nil when it
  /// is not one: an empty field inside, a non-number, or a channel beyond the ADC range.
  public static func events(_ line: String) -> [UInt32]? {
    var fields = line.split(separator: ";", omittingEmptySubsequences: false)
    if fields.last?.isEmpty == true { fields.removeLast() }
    guard !fields.isEmpty else { return nil }
    var channels: [UInt32] = []
    channels.reserveCapacity(fields.count)
    for field in fields {
      guard !field.isEmpty, field.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), field.count <= 5,
        let channel = UInt32(field), channel < channelCount
      else { return nil }
      channels.append(channel)
    }
    return channels
  }

  /// Histogram of event channels: channel → events.
  public static func histogram(_ channels: [UInt32]) -> [UInt32: UInt32] {
    var histogram: [UInt32: UInt32] = [:]
    for channel in channels { histogram[channel, default: 0] += 1 }
    return histogram
  }

  /// Model and firmware from the `read info` messages.
  public static func identity(info messages: [String]) -> (model: String, firmware: String?)? {
    let isOpenGamma = messages.contains { $0.contains("Open Gamma Detector") }
    let firmware = messages.lazy.compactMap { message -> String? in
      guard message.hasPrefix("Firmware Version:") else { return nil }
      return message.dropFirst("Firmware Version:".count).trimmingCharacters(in: .whitespaces)
    }.first
    guard isOpenGamma || firmware != nil else { return nil }
    return ("Open Gamma Detector", firmware)
  }

  /// The settings that matter to dosed, from the JSON lines of `read settings`.
  public struct Settings: Sendable, Hashable {
    public var geigerMode: Bool
    public var trngEnabled: Bool
  }

  public static func settings(json lines: [String]) -> Settings? {
    guard let data = lines.joined(separator: "\n").data(using: .utf8),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let geiger = object["geiger_mode"] as? Bool
    else { return nil }
    return Settings(geigerMode: geiger, trngEnabled: object["enable_trng"] as? Bool ?? false)
  }
}
