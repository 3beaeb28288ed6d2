import DoseCore

/// `[detector.modbus]`: where a Modbus RTU probe keeps its count value and what the value means.
public struct ModbusOptions: Sendable, Equatable {
  /// What the register holds.
  public enum Quantity: String, Sendable, CaseIterable {
    /// A running total of pulses (u16 or u32), differenced between polls.
    case counts
    /// The device's own count rate, per second or per minute.
    case cps, cpm
  }

  public var slave: UInt8
  public var function: ModbusFunction = .readHoldingRegisters
  /// Protocol address of the first register (0-based, as on the wire).
  public var register: UInt16
  public var dataType: ModbusDataType = .u16
  public var wordOrder: ModbusWordOrder = .big
  /// Multiplies a rate value (device units to counts per second or minute).
  public var scale: Double = 1
  public var quantity: Quantity
  public var pollIntervalSeconds: Double = 1
  public var responseTimeoutSeconds: Double = 0.5

  public init(slave: UInt8, register: UInt16, quantity: Quantity) {
    self.slave = slave
    self.register = register
    self.quantity = quantity
  }
}

/// Polls one register of a Modbus RTU slave.
///
/// A `counts` register is a running pulse total: each poll's difference from the previous good
/// one (modulo 2¹⁶ or 2³², so a wrap is harmless) is a Poisson count over the exact host time
/// between the two requests. A jump backwards by more than half the range is taken for a
/// device restart: the baseline is reset and no reading is made.
///
/// A `cps`/`cpm` register is the device's own rate estimate. Multiplying it by the host
/// interval gives a number that is NOT a Poisson count: it is whatever smoothing the device
/// applies, resampled. Readings then carry `counts = round(rate_cps × interval)` and
/// `deviceRateCPS`, and the statistical uncertainty the core derives from them is only as good
/// as the device's own averaging (usually optimistic for short device windows, pessimistic for
/// long ones). Prefer a counts register where the device has one.
public struct ModbusSession: SerialSession {
  public let detectorID: String
  public let options: ModbusOptions
  /// Failed polls in a row (timeout, exception, bad frame) after which the device is gone.
  public static let maxConsecutiveFailures = 3

  private var previous: (raw: UInt32, time: Double)?
  private var nextPoll = 0.0
  private var quietUntil = 0.0
  private var failures = 0

  public init(detectorID: String, options: ModbusOptions) {
    precondition(
      options.quantity != .counts || [.u16, .u32].contains(options.dataType),
      "a counts register must be u16 or u32")
    self.detectorID = detectorID
    self.options = options
  }

  /// Silence required between frames: 3.5 character times of 11 bits, or a fixed 1.75 ms
  /// above 19200 baud (serial spec V1.02 §2.5.1.1).
  public static func interFrameSilence(baud: Int) -> Double {
    baud > 19200 ? 0.00175 : 3.5 * 11 / Double(max(baud, 1))
  }

  public mutating func start(link: SerialLink, clock: DoseClock) throws(SerialError)
    -> DeviceIdentity
  {
    let slave = options.slave
    switch try exchange(link: link, clock: clock) {
    case .registers(let registers, let time):
      previous = (options.dataType.raw(registers, order: options.wordOrder), time.monotonicSeconds)
    case .timeout:
      throw .timeout("a Modbus RTU reply from slave \(slave)")
    case .frame(let error):
      throw .protocolMismatch("slave \(slave), register \(options.register): \(error)")
    }
    return DeviceIdentity(model: "Modbus RTU probe (slave \(slave))")
  }

  public mutating func step(link: SerialLink, clock: DoseClock) throws(SerialError) -> [Reading] {
    let wait = nextPoll - SerialPort.monotonicNow()
    if wait > 0 { try link.pause(wait) }
    let reason: String
    switch try exchange(link: link, clock: clock) {
    case .registers(let registers, let time):
      failures = 0
      return reading(registers, at: time, link: link).map { [$0] } ?? []
    case .timeout:
      link.counters.resyncs += 1
      reason = "no reply within \(options.responseTimeoutSeconds) s"
    case .frame(.crcMismatch):
      link.counters.checksumFailures += 1
      link.discardInput()
      reason = "CRC mismatch"
    case .frame(.exception(let exception)):
      link.counters.deviceErrors += 1
      reason = "Modbus \(exception)"
    case .frame(let error):
      link.counters.junkLines += 1
      link.discardInput()
      reason = error.description
    }
    failures += 1
    if failures >= Self.maxConsecutiveFailures {
      throw .gone("slave \(options.slave) failed \(failures) polls in a row (last: \(reason))")
    }
    return []
  }

  private enum Outcome {
    case registers([UInt16], time: DoseClock.Now)
    case timeout
    case frame(ModbusFrameError)
  }

  /// One request and its reply. `time` is the clock time at which the request was sent.
  private mutating func exchange(link: SerialLink, clock: DoseClock) throws(SerialError)
    -> Outcome
  {
    let silence = Self.interFrameSilence(baud: link.port.baud)
    let quiet = quietUntil - SerialPort.monotonicNow()
    if quiet > 0 { try link.pause(quiet) }
    defer { quietUntil = SerialPort.monotonicNow() + silence }

    let count = options.dataType.registerCount
    let request = ModbusRTU.readRequest(
      slave: options.slave, function: options.function, address: options.register,
      quantity: UInt16(count))
    link.discardInput()
    let started = SerialPort.monotonicNow()
    nextPoll = max(nextPoll, started) + options.pollIntervalSeconds
    let time = clock.now()
    try link.write(request)

    let deadline = started + options.responseTimeoutSeconds
    let what = "a Modbus reply"
    do throws(SerialError) {
      // Slave, function and the third byte decide the length: an exception is 5 bytes.
      var frame = try link.readExactly(3, timeout: options.responseTimeoutSeconds, what: what)
      let exception = frame[1] & ModbusRTU.exceptionFlag != 0
      let total = exception ? ModbusRTU.exceptionLength : ModbusRTU.responseLength(quantity: count)
      let remaining = max(0.01, deadline - SerialPort.monotonicNow())
      frame += try link.readExactly(total - 3, timeout: remaining, what: what)
      do throws(ModbusFrameError) {
        let registers = try ModbusRTU.parseResponse(
          frame, slave: options.slave, function: options.function, quantity: count)
        return .registers(registers, time: time)
      } catch {
        return .frame(error)
      }
    } catch .timeout {
      return .timeout
    }
  }

  /// The reading for a good poll, or nil (first value, device restart, nonsense rate).
  private mutating func reading(
    _ registers: [UInt16], at time: DoseClock.Now, link: SerialLink
  ) -> Reading? {
    let raw = options.dataType.raw(registers, order: options.wordOrder)
    defer { previous = (raw, time.monotonicSeconds) }
    guard let previous else { return nil }
    let interval = time.monotonicSeconds - previous.time
    switch options.quantity {
    case .counts:
      let modulus: UInt64 = options.dataType == .u16 ? 1 << 16 : 1 << 32
      let delta = (UInt64(raw) + modulus - UInt64(previous.raw)) % modulus
      guard delta <= modulus / 2 else {
        link.counters.resyncs += 1
        return nil
      }
      return Reading(
        detectorID: detectorID, counts: delta, intervalSeconds: interval,
        monotonicSeconds: time.monotonicSeconds, wallTime: time.wallTime)
    case .cps, .cpm:
      let value = options.dataType.value(registers, order: options.wordOrder) * options.scale
      guard value.isFinite, value >= 0 else {
        link.counters.junkLines += 1
        return nil
      }
      let cps = options.quantity == .cpm ? value / 60 : value
      // A "no data" sentinel (FLT_MAX) or a wrong word order decodes to absurd rates; they are
      // junk, never a trap in the conversion below.
      guard cps <= DetectorMonitor.maxPlausibleCPS,
        let counts = UInt64(exactly: (cps * interval).rounded())
      else {
        link.counters.junkLines += 1
        return nil
      }
      return Reading(
        detectorID: detectorID, counts: counts,
        intervalSeconds: interval, monotonicSeconds: time.monotonicSeconds,
        wallTime: time.wallTime, deviceRateCPS: cps)
    }
  }
}

extension ModbusSession {
  /// 9600 baud, what most RS-485 probes ship with (the serial line spec V1.02 requires 9600
  /// and 19200 of a device). The daemon builds its session from `[detector.modbus]`. A probe's
  /// register may already hold a dead-time-corrected rate, hence its own hint.
  public static let facts = DriverFacts(
    name: "modbus", attachment: .serialPort, bauds: [9600],
    deadTimeHint: "the dead time of the probe's tube (0 only if the register already holds a "
      + "dead-time-corrected rate, then give max_cps too)")
}
