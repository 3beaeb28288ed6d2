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
/// is not even passed on for display yet. The spectrum is not read: the device's spectrum is
/// cumulative, and `Reading.spectrum` must be the interval's own histogram summing to `counts`.
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

  public init(detectorID: String, timeout: Double = 3) {
    self.detectorID = detectorID
    self.timeout = timeout
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
    return DeviceIdentity(model: "RadiaCode", firmware: target)
  }

  /// One DATA_BUF poll. Returns one Reading when the buffer held RealTimeData, else none (the
  /// next reading then covers the whole time since the last one).
  public mutating func step(
    transport: some RadiaCodeTransport, monotonicSeconds: Double, wallTime: Date
  ) throws(RadiaCodeSessionError) -> [Reading] {
    let buffer = try readDataBuffer(transport)
    var rates: [Double] = []
    for record in buffer.records {
      // The dose rate in the record is the device's own conversion: ignored on purpose.
      guard case .realTime(let countRate, _, _, _, _, _) = record.body else { continue }
      let rate = Double(countRate)
      if rate.isFinite && rate >= 0 && rate < 1e7 { rates.append(rate) }
    }
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
