import DetectorDrivers

/// A GQ GMC counter's firmware as far as polling goes (devices.md §1): GETVER, GETSERIAL,
/// GETCPS (the counts of the last completed device second, repeated until the next one ends),
/// GETCPM (the last 60 seconds), GETDATETIME from its own clock. Anything else gets no reply,
/// as on the real device.
public struct GMCEmulator: DeviceEmulator {
  /// GETVER text; the model decides the CPS width (default: a 2019 GMC-320 Plus, pygmc).
  public var version: String
  public var serial: [UInt8]
  /// Every n-th GETCPS reply is garbled, alternately truncated and sent twice (tests).
  public var garbleEvery: Int?
  /// Firmware before 3.00 has no clock (RFC1201 §23).
  public var hasClock: Bool
  /// GETVER requests to ignore, like a counter just plugged in (devices.md §1.6).
  public var ignoredVersionRequests: Int
  /// Where device seconds start relative to host time, so they never line up with polls.
  public var clockPhase: Double
  /// The device clock at host time 0, in seconds since 2000 (2025-03-01 12:00:00).
  public var clockStart = 794_145_600

  var source: CountSource
  var input: [UInt8] = []
  var currentSecond: Int?
  var lastSeconds: [UInt64] = []
  var cpsReplies = 0

  public init(
    source: CountSource, version: String = "GMC-320Re 4.26",
    serial: [UInt8] = [0xF4, 0x88, 0xE0, 0xB4, 0xB5, 0xA4, 0xE0], garbleEvery: Int? = nil,
    hasClock: Bool = true, ignoredVersionRequests: Int = 0, clockPhase: Double = 0.37
  ) {
    self.source = source
    self.version = version
    self.serial = serial
    self.garbleEvery = garbleEvery
    self.hasClock = hasClock
    self.ignoredVersionRequests = ignoredVersionRequests
    self.clockPhase = clockPhase
  }

  var width: Int { GMCCodec.cpsWidth(forVersion: version) }

  public mutating func receive(_ bytes: [UInt8], at time: Double) -> [UInt8] {
    advance(to: time)
    input += bytes
    var out: [UInt8] = []
    // Commands are `<NAME>>` (RFC1201 "Command format"); bytes outside one are ignored.
    while let open = input.firstIndex(of: UInt8(ascii: "<")) {
      input.removeFirst(open)
      guard let close = closing(input) else { break }
      let name = String(decoding: input[1..<close], as: UTF8.self)
      input.removeFirst(close + 2)
      out += reply(to: name, at: time)
    }
    if input.count > 64 { input.removeAll() }
    return out
  }

  public mutating func tick(at time: Double) -> [UInt8] {
    advance(to: time)
    return []
  }

  private func closing(_ bytes: [UInt8]) -> Int? {
    guard bytes.count >= 3 else { return nil }
    return (1..<bytes.count - 1).first { bytes[$0] == 0x3E && bytes[$0 + 1] == 0x3E }
  }

  private mutating func reply(to name: String, at time: Double) -> [UInt8] {
    switch name {
    case "GETVER":
      if ignoredVersionRequests > 0 {
        ignoredVersionRequests -= 1
        return []
      }
      return Array(version.utf8)
    case "GETSERIAL":
      return serial
    case "GETCPS":
      let reply = GMCCodec.encodeCPS(UInt32(lastSeconds.last ?? 0), width: width)
      cpsReplies += 1
      guard let garbleEvery, cpsReplies % garbleEvery == 0 else { return reply }
      return cpsReplies / garbleEvery % 2 == 1 ? Array(reply.dropLast()) : reply + reply
    case "GETCPM":
      let cpm = UInt32(min(lastSeconds.reduce(0, +), UInt64(UInt32.max)))
      return GMCCodec.encodeCPS(cpm, width: width, highBit: false)
    case "GETDATETIME":
      guard hasClock, let currentSecond else { return [] }
      return GMCDateTime(secondsSince2000: clockStart + currentSecond).bytes
    default:
      return []
    }
  }

  /// Completes device seconds up to `time`, drawing each one's counts.
  private mutating func advance(to time: Double) {
    let second = Int((time + clockPhase).rounded(.down))
    guard let current = currentSecond else {
      // The tube was counting before we were asked: the previous second is complete.
      currentSecond = second
      lastSeconds = [source.counts(over: 1)]
      return
    }
    for _ in current..<max(current, second) {
      lastSeconds.append(source.counts(over: 1))
      if lastSeconds.count > 60 { lastSeconds.removeFirst() }
    }
    currentSecond = max(current, second)
  }
}
