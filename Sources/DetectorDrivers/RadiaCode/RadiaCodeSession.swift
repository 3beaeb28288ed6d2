import DoseCore
import Foundation

/// Why a RadiaCode session ended.
public enum RadiaCodeSessionError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The link failed (`.transport(.gone)` when the device vanished).
  case transport(RadiaCodeTransportError)
  /// The device answered something the codec rejects.
  case reply(RadiaCodeError)
  /// Target firmware older than 4.8, which the package (and so this driver) cannot talk to.
  case unsupportedFirmware(String)

  public var description: String {
    switch self {
    case .transport(let error): error.description
    case .reply(let error): error.description
    case .unsupportedFirmware(let version):
      "RadiaCode firmware \(version) is too old: 4.8 or later is required; update the device"
    }
  }

  /// Whether the device itself went away.
  public var isGone: Bool {
    if case .transport(.gone) = self { return true }
    return false
  }
}

/// One conversation with a RadiaCode 10x, from open until failure; a new session is made for
/// every (re)connection.
///
/// `start` does the package's set-up in its order (`radiacode.py` `RadiaCode.__init__`,
/// devices.md §5.2): SET_EXCHANGE, SET_TIME (local time), DEVICE_TIME = 0, GET_VERSION (target
/// ≥ 4.8), CONFIGURATION (spectrum format). It then reads DATA_BUF once and discards it, so
/// records from before this connection never become readings.
///
/// `step` reads DATA_BUF and turns its RealTimeData records into one Reading: the mean device
/// count rate of those records times the host time since the previous poll. The device's dose
/// rate is deliberately not used anywhere (the core converts counts to dose, in one place); it
/// is not even passed on for display yet.
///
/// With `spectrumInterval` set (a G(E) dose model is configured), readings come from the
/// spectrum instead, and only from it, so counts and spectrum always describe the same
/// interval. The device's SPECTRUM is cumulative since its last reset: `start` reads it once as
/// the baseline, and every `spectrumInterval` seconds `step` reads it again and emits the
/// channel-wise difference as `Reading.spectrum` (non-zero channels only), with `counts` its
/// total and the interval the host time between the two reads. A channel that went down (or
/// the accumulation time, or the channel count changed) means the device was reset: the new
/// spectrum becomes the baseline and nothing is emitted for that interval. Each such reading
/// carries the spectrum header's a₀, a₁, a₂ as `Reading.energyCalibration`, which the dose
/// model uses when the configuration gives no energy calibration. DATA_BUF is still drained on
/// every poll (so a vanished device is noticed at once), and its latest device count rate is
/// passed on for display.
public struct RadiaCodeSession {
  public let detectorID: String
  /// Seconds allowed for one exchange (the package's USB default is 3 s).
  public var timeout: Double
  public private(set) var firmware: RadiaCodeFirmwareVersion?
  /// `SpecFormatVersion` from CONFIGURATION (0 when absent).
  public private(set) var spectrumFormat = 0

  private var sequence = RadiaCodeSequence()
  /// Host monotonic time of the previous poll (or of the set-up's closing drain).
  private var lastPoll: Double?
  /// Fraction of a count carried to the next reading, so rounding loses nothing over time.
  private var carry = 0.0
  /// Seconds between spectrum reads; nil = count-rate readings from DATA_BUF.
  public let spectrumInterval: Double?
  /// The previous cumulative spectrum and the host monotonic time it was read at.
  private var baseline: (spectrum: RadiaCodeSpectrum, time: Double)?
  /// The device's latest count rate (display only) in spectrum mode.
  private var latestRate: Double?

  /// The spectrum interval used when a G(E) model is configured without one.
  public static let defaultSpectrumInterval = 10.0

  public init(detectorID: String, timeout: Double = 3, spectrumInterval: Double? = nil) {
    precondition(spectrumInterval.map { $0 > 0 } ?? true, "spectrum interval must be positive")
    self.detectorID = detectorID
    self.timeout = timeout
    self.spectrumInterval = spectrumInterval
  }

  /// Sets the device up. `localTime` is the host's wall clock in its own time zone (the device
  /// has none); `monotonicSeconds` starts the first reading's interval.
  public mutating func start(
    transport: some RadiaCodeTransport, localTime: RadiaCodeLocalTime, monotonicSeconds: Double
  ) throws(RadiaCodeSessionError) -> DeviceIdentity {
    _ = try execute(.setExchange, on: transport)
    let setTime = try parse { () throws(RadiaCodeError) in
      try RadiaCodeRequest.setTime(localTime)
    }
    _ = try execute(setTime, on: transport)
    let acknowledgement = try execute(.zeroDeviceTime, on: transport)
    try parse { () throws(RadiaCodeError) in
      try RadiaCodeReply.writeAcknowledged(acknowledgement)
    }
    let versionReply = try execute(.getVersion, on: transport)
    let version = try parse { () throws(RadiaCodeError) in
      try RadiaCodeReply.version(versionReply)
    }
    let target = "\(version.target.major).\(version.target.minor)"
    guard version.isSupported else { throw .unsupportedFirmware(target) }
    firmware = version
    let configurationReply = try execute(.read(.configuration), on: transport)
    spectrumFormat = try parse { () throws(RadiaCodeError) in
      let configuration = try RadiaCodeReply.virtualString(configurationReply)
      return try RadiaCodeReply.spectrumFormat(configuration: configuration)
    }
    _ = try readDataBuffer(transport)
    lastPoll = monotonicSeconds
    carry = 0
    baseline = nil
    latestRate = nil
    if spectrumInterval != nil {
      baseline = usableBaseline(try readSpectrum(transport), at: monotonicSeconds)
    }
    return DeviceIdentity(model: "RadiaCode", firmware: target)
  }

  /// One DATA_BUF poll. Returns one Reading when the buffer held RealTimeData, else none (the
  /// next reading then covers the whole time since the last one).
  public mutating func step(
    transport: some RadiaCodeTransport, monotonicSeconds: Double, wallTime: Date
  ) throws(RadiaCodeSessionError) -> [Reading] {
    let buffer = try readDataBuffer(transport)
    if let spectrumInterval {
      return try spectrumStep(
        buffer, every: spectrumInterval, transport: transport, monotonicSeconds: monotonicSeconds,
        wallTime: wallTime)
    }
    let rates = Self.rates(in: buffer)
    guard let latest = rates.last else { return [] }
    let previous = lastPoll ?? monotonicSeconds
    let interval = monotonicSeconds - previous
    guard interval > 0 else { return [] }
    lastPoll = monotonicSeconds
    let mean = rates.reduce(0, +) / Double(rates.count)
    let exact = mean * interval + carry
    let counts = exact.rounded(.down)
    carry = exact - counts
    return [
      Reading(
        detectorID: detectorID, counts: UInt64(counts), intervalSeconds: interval,
        monotonicSeconds: monotonicSeconds, wallTime: wallTime, deviceRateCPS: latest)
    ]
  }

  /// Plausible RealTimeData count rates in a buffer, in order.
  private static func rates(in buffer: RadiaCodeDataBuffer) -> [Double] {
    var rates: [Double] = []
    for record in buffer.records {
      // The dose rate in the record is the device's own conversion: ignored on purpose.
      guard case .realTime(let countRate, _, _, _, _, _) = record.body else { continue }
      let rate = Double(countRate)
      if rate.isFinite && rate >= 0 && rate < 1e7 { rates.append(rate) }
    }
    return rates
  }

  /// Spectrum mode: reads SPECTRUM when `interval` has passed since the baseline and emits the
  /// difference (see the type's comment).
  private mutating func spectrumStep(
    _ buffer: RadiaCodeDataBuffer, every interval: Double, transport: some RadiaCodeTransport,
    monotonicSeconds: Double, wallTime: Date
  ) throws(RadiaCodeSessionError) -> [Reading] {
    if let rate = Self.rates(in: buffer).last { latestRate = rate }
    if let baseline, monotonicSeconds - baseline.time < interval { return [] }
    let current = try readSpectrum(transport)
    let previous = baseline
    baseline = usableBaseline(current, at: monotonicSeconds)
    guard let previous, baseline != nil,
      let difference = Self.difference(from: previous.spectrum, to: current)
    else { return [] }
    let elapsed = monotonicSeconds - previous.time
    guard elapsed > 0 else { return [] }
    let calibration = current.calibration
    return [
      Reading(
        detectorID: detectorID, counts: difference.total, intervalSeconds: elapsed,
        monotonicSeconds: monotonicSeconds, wallTime: wallTime, deviceRateCPS: latestRate,
        spectrum: difference.channels,
        energyCalibration: [Double(calibration.a0), Double(calibration.a1), Double(calibration.a2)])
    ]
  }

  /// A spectrum fit to difference against later: nil when a channel is negative (a corrupt
  /// delta-coded stream), so the next good read becomes the baseline instead.
  private func usableBaseline(_ spectrum: RadiaCodeSpectrum, at time: Double)
    -> (spectrum: RadiaCodeSpectrum, time: Double)?
  {
    spectrum.counts.allSatisfy { $0 >= 0 } ? (spectrum, time) : nil
  }

  /// `current − previous` per channel (non-zero channels only) and its total; nil when the
  /// device was reset in between (a channel or the accumulation time went down, or the channel
  /// count changed) or a difference does not fit a channel count.
  static func difference(from previous: RadiaCodeSpectrum, to current: RadiaCodeSpectrum)
    -> (channels: [UInt32: UInt32], total: UInt64)?
  {
    guard previous.counts.count == current.counts.count,
      current.durationSeconds >= previous.durationSeconds
    else { return nil }
    var channels: [UInt32: UInt32] = [:]
    var total: UInt64 = 0
    for (index, (old, new)) in zip(previous.counts, current.counts).enumerated() {
      guard new >= old else { return nil }
      guard new > old else { continue }
      guard let events = UInt32(exactly: new - old) else { return nil }
      channels[UInt32(index)] = events
      total += UInt64(events)
    }
    return (channels, total)
  }

  private mutating func readSpectrum(_ transport: some RadiaCodeTransport)
    throws(RadiaCodeSessionError) -> RadiaCodeSpectrum
  {
    let reply = try execute(.read(.spectrum), on: transport)
    let format = spectrumFormat
    return try parse { () throws(RadiaCodeError) in
      try RadiaCodeSpectrum.decode(try RadiaCodeReply.virtualString(reply), format: format)
    }
  }

  private mutating func readDataBuffer(_ transport: some RadiaCodeTransport)
    throws(RadiaCodeSessionError) -> RadiaCodeDataBuffer
  {
    let reply = try execute(.read(.dataBuffer), on: transport)
    let data = try parse { () throws(RadiaCodeError) in try RadiaCodeReply.virtualString(reply) }
    return RadiaCodeDataBuffer.decode(data)
  }

  /// Frames `request` with the next sequence number, exchanges it, and returns the payload of a
  /// reply that echoes the header.
  private mutating func execute(_ request: RadiaCodeRequest, on transport: some RadiaCodeTransport)
    throws(RadiaCodeSessionError) -> [UInt8]
  {
    let number = sequence.advance()
    let reply: [UInt8]
    do {
      reply = try transport.exchange(request.frame(sequence: number), timeout: timeout)
    } catch {
      throw .transport(error)
    }
    do {
      return try RadiaCodeFrame.payload(ofResponse: reply, to: request.header(sequence: number))
    } catch {
      throw .reply(error)
    }
  }

  /// Runs a codec call, mapping its errors.
  private func parse<T>(
    _ body: () throws(RadiaCodeError) -> T
  ) throws(RadiaCodeSessionError) -> T {
    do {
      return try body()
    } catch {
      throw .reply(error)
    }
  }
}
