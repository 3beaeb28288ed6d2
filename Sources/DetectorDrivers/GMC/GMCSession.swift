import DoseCore

/// A GQ GMC counter polled for its per-second counts (devices.md §1). Each device second is
/// counted once: GETCPS is bracketed by two GETDATETIME requests, and a reading is emitted
/// only when the device clock shows a second not counted before. Seconds missed between polls
/// are left out (and so is their live time). Counters without GETDATETIME are paced by the
/// host clock instead. Only GET commands are ever sent: the device's settings stay untouched.
public struct GMCSession: SerialSession {
  public let detectorID: String
  /// Seconds between polls: twice per device second, so a second is rarely missed.
  public var pollPeriod = 0.5
  /// Seconds to wait for a reply (RFC1201 replies take a few ms; slow units need more).
  public var replyTimeout = 0.5
  /// Larger per-second counts are junk: beyond any GM tube and the 2-byte field's 16383.
  public static let maximumCPS: UInt32 = 100_000

  private var cpsWidth = 2
  private var hostPaced = false
  private var lastCountedSecond: Int?
  private var nextPoll = 0.0

  public init(detectorID: String) {
    self.detectorID = detectorID
  }

  public mutating func start(link: SerialLink, clock: DoseClock) throws(SerialError)
    -> DeviceIdentity
  {
    let version = try identify(link)
    cpsWidth = GMCCodec.cpsWidth(forVersion: version.model)
    link.discardInput()
    try link.write(GMCCodec.getSerial)
    let serialBytes = try optionalReply(GMCCodec.serialLength, link: link, what: "GETSERIAL")
    // Firmware before RFC1201 §23 (3.00) has no clock; a silent GETDATETIME means host pacing.
    link.discardInput()
    try link.write(GMCCodec.getDateTime)
    hostPaced =
      try optionalReply(GMCCodec.dateTimeLength, link: link, what: "GETDATETIME") == nil
    try confirmCPSWidth(link)
    nextPoll = SerialPort.monotonicNow()
    return DeviceIdentity(
      model: version.model, firmware: version.firmware,
      serial: serialBytes.flatMap(GMCCodec.serial))
  }

  public mutating func step(link: SerialLink, clock: DoseClock) throws(SerialError) -> [Reading] {
    try link.idle(until: nextPoll)
    nextPoll = max(nextPoll + (hostPaced ? 1 : pollPeriod), SerialPort.monotonicNow())
    if hostPaced {
      guard let cps = try poll(GMCCodec.getCPS, cpsWidth, link).flatMap(checked(link)) else {
        return []
      }
      return [reading(cps, clock)]
    }
    guard let before = try poll(GMCCodec.getDateTime, GMCCodec.dateTimeLength, link),
      let cpsBytes = try poll(GMCCodec.getCPS, cpsWidth, link),
      let after = try poll(GMCCodec.getDateTime, GMCCodec.dateTimeLength, link)
    else { return [] }
    guard let first = GMCCodec.dateTime(before), let second = GMCCodec.dateTime(after) else {
      link.counters.junkLines += 1
      link.counters.resyncs += 1
      return []
    }
    // The second ticked during the exchange: the CPS may belong to either; skip it.
    let now = first.secondsSince2000
    guard second.secondsSince2000 == now, let cps = checked(link)(cpsBytes) else { return [] }
    if let last = lastCountedSecond, now <= last {
      // Same second as counted before, or the clock was set back: wait for a new one.
      if now < last { lastCountedSecond = now }
      return []
    }
    lastCountedSecond = now
    return [reading(cps, clock)]
  }

  /// GETVER, retried once after a GETCPM that wakes a freshly plugged counter (GeigerLog,
  /// devices.md §1.6). GETVER is variable length (RFC1801): read the 14 bytes every model
  /// sends, then what follows.
  private func identify(_ link: SerialLink) throws(SerialError) -> GMCCodec.Version {
    var failure = SerialError.timeout("GETVER")
    for attempt in 0..<2 {
      if attempt > 0 {
        link.discardInput()
        try link.write(GMCCodec.getCPM)
        try link.idle(until: SerialPort.monotonicNow() + 0.3)
      }
      link.discardInput()
      try link.write(GMCCodec.getVersion)
      do {
        let bytes =
          try link.readExactly(GMCCodec.versionMinimumLength, timeout: 1, what: "GETVER")
          + drain(link)
        if let version = GMCCodec.version(bytes) { return version }
        failure = .protocolMismatch("GETVER answered \(bytes.count) bytes without \"GMC\"")
      } catch .timeout(let what) {
        failure = .timeout(what)
      }
    }
    throw failure
  }

  /// Checks the CPS width from the table against what the device actually sends: early
  /// GMC-500+ units report "GMC-500Re" but send 4 bytes (pygmc model notes). Two probes must
  /// agree before the table is overruled, so one garbled reply cannot break the session.
  private mutating func confirmCPSWidth(_ link: SerialLink) throws(SerialError) {
    var lengths: [Int] = []
    for _ in 0..<2 {
      link.discardInput()
      try link.write(GMCCodec.getCPS)
      let first = try link.port.read(timeout: replyTimeout)
      var length = first.count
      if !first.isEmpty { length += try drain(link).count }
      lengths.append(length)
    }
    if lengths[0] == lengths[1], [2, 4].contains(lengths[0]) { cpsWidth = lengths[0] }
  }

  /// Sends a request and reads exactly `count` bytes. A short or long reply means the stream
  /// is out of step: the poll is dropped, counted as a resync, and the next one starts clean.
  private func poll(_ request: [UInt8], _ count: Int, _ link: SerialLink) throws(SerialError)
    -> [UInt8]?
  {
    link.discardInput()
    try link.write(request)
    do {
      let reply = try link.readExactly(count, timeout: replyTimeout, what: "GMC reply")
      let extra = try link.takeExtraBytes(settle: 0.01)
      if extra.isEmpty { return reply }
      link.counters.bytesDropped += UInt64(extra.count)
    } catch .timeout {
    }
    link.counters.resyncs += 1
    return nil
  }

  /// A reply that may legitimately be missing on older firmware: nil on timeout.
  private func optionalReply(_ count: Int, link: SerialLink, what: String) throws(SerialError)
    -> [UInt8]?
  {
    do {
      let reply = try link.readExactly(count, timeout: 1, what: what)
      let extra = try drain(link)
      link.counters.bytesDropped += UInt64(extra.count)
      return extra.isEmpty ? reply : nil
    } catch .timeout {
      return nil
    }
  }

  /// The rest of a reply of unknown length: whatever arrives until the line goes quiet.
  private func drain(_ link: SerialLink) throws(SerialError) -> [UInt8] {
    var bytes: [UInt8] = []
    while bytes.count < 64 {
      let more = try link.takeExtraBytes(settle: 0.1)
      if more.isEmpty { break }
      bytes += more
    }
    return bytes
  }

  private func checked(_ link: SerialLink) -> ([UInt8]) -> UInt32? {
    { bytes in
      guard let cps = GMCCodec.cps(bytes), cps <= Self.maximumCPS else {
        link.counters.junkLines += 1
        link.counters.resyncs += 1
        return nil
      }
      return cps
    }
  }

  private func reading(_ cps: UInt32, _ clock: DoseClock) -> Reading {
    let now = clock.now()
    return Reading(
      detectorID: detectorID, counts: UInt64(cps), intervalSeconds: 1,
      monotonicSeconds: now.monotonicSeconds, wallTime: now.wallTime)
  }
}

extension SerialLink {
  /// Waits until `deadline` (host monotonic seconds) while watching the port, so an unplug
  /// between polls is noticed at once rather than at the next request. Bytes the device sends
  /// unasked are dropped and counted.
  func idle(until deadline: Double) throws(SerialError) {
    while true {
      if stop.isStopped { throw .stopped }
      let remaining = deadline - SerialPort.monotonicNow()
      if remaining <= 0 { return }
      let junk = try takeExtraBytes(settle: min(0.1, remaining))
      counters.bytesDropped += UInt64(junk.count)
    }
  }
}

extension GMCSession {
  /// Factory speed 115200 on current models, 57600 on older ones (devices.md §1.2); the GETVER
  /// reply identifies the device, so both can be tried in turn (`baud = "auto"`, the default).
  /// One reading per device second.
  public static let facts = DriverFacts(
    name: "gmc", attachment: .serialPort, bauds: [115200, 57600]
  ) { GMCSession(detectorID: $0) }
}
