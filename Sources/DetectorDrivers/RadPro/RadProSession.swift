import DoseCore

/// A Rad Pro counter (devices.md §2): its lifetime pulse counter is polled about once a
/// second and differenced, over the host-measured time between the two replies. The device's
/// own rate is attached for display only; its sensitivity is read and exposed, never used.
public struct RadProSession: SerialSession {
  public let detectorID: String
  public var pollPeriod = 1.0
  /// radpro-tool.py waits 0.5 s for a reply (devices.md §2.3).
  public var replyTimeout = 0.5
  /// Ask `tubeRate` after each pulse count, for display next to our own rate.
  public var queryRate = true
  /// Faster is not a GM tube but a corrupted or reset counter.
  public static let maximumCPS = 1e6
  /// The device's sensitivity (cpm per µSv/h), as configured on the device; informational.
  public private(set) var sensitivity: Double?

  private var baseline: (count: UInt32, time: Double)?
  private var nextPoll = 0.0

  public init(detectorID: String) {
    self.detectorID = detectorID
  }

  public mutating func start(link: SerialLink, clock: DoseClock) throws(SerialError)
    -> DeviceIdentity
  {
    // Retried once: a half-sent command left in the device's line buffer spoils the first.
    var failure = SerialError.timeout("GET deviceId")
    for _ in 0..<2 {
      switch try exchange(RadProCodec.deviceID, link, timeout: 1) {
      case .ok(let value)?:
        guard let id = RadProCodec.identity(value) else {
          failure = .protocolMismatch("deviceId \"\(value)\"")
          continue
        }
        sensitivity = try readSensitivity(link)
        nextPoll = SerialPort.monotonicNow()
        return DeviceIdentity(model: id.model, firmware: id.firmware, serial: id.serial)
      case .error?:
        failure = .protocolMismatch("ERROR to GET deviceId")
      case .junk?:
        failure = .protocolMismatch("not a Rad Pro reply to GET deviceId")
      case nil:
        failure = .timeout("GET deviceId")
      }
    }
    throw failure
  }

  public mutating func step(link: SerialLink, clock: DoseClock) throws(SerialError) -> [Reading] {
    try link.idle(until: nextPoll)
    nextPoll = max(nextPoll + pollPeriod, SerialPort.monotonicNow())
    guard let reply = try exchange(RadProCodec.tubePulseCount, link, timeout: replyTimeout) else {
      link.counters.resyncs += 1
      return []
    }
    let now = clock.now()
    let value: String
    switch reply {
    case .ok(let text): value = text
    case .error:
      link.counters.deviceErrors += 1
      return []
    case .junk:
      link.counters.junkLines += 1
      link.counters.resyncs += 1
      return []
    }
    guard let count = RadProCodec.pulseCount(value) else {
      // Nonsense: nothing to difference against any more.
      link.counters.junkLines += 1
      baseline = nil
      return []
    }
    defer { baseline = (count, now.monotonicSeconds) }
    guard let previous = baseline else { return [] }
    let pulses = RadProCodec.pulses(from: previous.count, to: count)
    let interval = now.monotonicSeconds - previous.time
    guard interval > 0, Double(pulses) <= Self.maximumCPS * interval else {
      // A reset or corrupted counter: restart from this value without a reading.
      link.counters.junkLines += 1
      return []
    }
    return [
      Reading(
        detectorID: detectorID, counts: UInt64(pulses), intervalSeconds: interval,
        monotonicSeconds: now.monotonicSeconds, wallTime: now.wallTime,
        deviceRateCPS: try deviceRate(link))
    ]
  }

  /// Sends `GET name` on a clean line and returns the reply, or nil if none came in time.
  private func exchange(_ name: String, _ link: SerialLink, timeout: Double) throws(SerialError)
    -> RadProCodec.Reply?
  {
    link.discardInput()
    try link.write(RadProCodec.request(name))
    return try link.readLine(timeout: timeout).map(RadProCodec.reply)
  }

  /// tubeSensitivity, or tubeConversionFactor on firmware before 2.1.1 (devices.md §2.3).
  /// The expected ERROR from newer or older firmware is not a device error.
  private func readSensitivity(_ link: SerialLink) throws(SerialError) -> Double? {
    for name in [RadProCodec.tubeSensitivity, RadProCodec.tubeConversionFactor] {
      if case .ok(let value)? = try exchange(name, link, timeout: replyTimeout) {
        return RadProCodec.decimal(value)
      }
    }
    return nil
  }

  /// tubeRate in cps; display only, so a missing or bad answer just leaves it out.
  private func deviceRate(_ link: SerialLink) throws(SerialError) -> Double? {
    guard queryRate,
      case .ok(let value)? = try exchange(RadProCodec.tubeRate, link, timeout: replyTimeout),
      let cpm = RadProCodec.decimal(value)
    else { return nil }
    return cpm / 60
  }
}

extension RadProSession {
  /// Rad Pro's USB serial runs at 115200 (devices.md §2.2); polled about once a second.
  public static let facts = DriverFacts(name: "radpro", attachment: .serialPort, bauds: [115200]) {
    RadProSession(detectorID: $0)
  }
}
