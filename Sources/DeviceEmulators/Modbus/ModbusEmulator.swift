import DetectorDrivers

/// A Modbus RTU slave with a pulse counter fed by a `CountSource`, for `driver = "modbus"`.
///
/// Register map (holding and input registers alike):
/// - 0–1: the running total as u32, high word first (`type = "u32"`, `word_order = "big"`);
/// - 2: the running total modulo 2¹⁶ (`type = "u16"`).
///
/// Any other address answers exception 2 (illegal data address), other functions exception 1,
/// a quantity outside 1–125 exception 3. Frames with a bad CRC or for another slave get no
/// answer, as on a real bus.
public struct ModbusEmulator: DeviceEmulator {
  public static let counter32Register: UInt16 = 0
  public static let counter16Register: UInt16 = 2
  static let registerCount = 3

  var source: CountSource
  public let slave: UInt8
  /// Pulses counted so far (wraps like the device's 32-bit register).
  public private(set) var total: UInt32
  private var lastTime: Double?
  private var pending: [UInt8] = []

  public init(source: CountSource, slave: UInt8 = 1, initialTotal: UInt32 = 0) {
    self.source = source
    self.slave = slave
    self.total = initialTotal
  }

  public mutating func tick(at time: Double) -> [UInt8] {
    advance(to: time)
    return []
  }

  public mutating func receive(_ bytes: [UInt8], at time: Double) -> [UInt8] {
    advance(to: time)
    pending += bytes
    var reply: [UInt8] = []
    // Every request this slave understands (fn 3, 4) is 8 bytes long.
    while pending.count >= 8 {
      let frame = Array(pending.prefix(8))
      guard ModbusRTU.hasValidCRC(frame) else {
        pending.removeAll()  // garbled: wait for the next frame
        break
      }
      pending.removeFirst(8)
      if frame[0] == slave { reply += answer(frame) }
    }
    return reply
  }

  private func answer(_ frame: [UInt8]) -> [UInt8] {
    let function = frame[1]
    let address = Int(frame[2]) << 8 | Int(frame[3])
    let quantity = Int(frame[4]) << 8 | Int(frame[5])
    guard ModbusFunction(rawValue: function) != nil else { return exception(function, 1) }
    guard (1...ModbusRTU.maxQuantity).contains(quantity) else { return exception(function, 3) }
    guard address + quantity <= Self.registerCount else { return exception(function, 2) }
    let registers = [UInt16(total >> 16), UInt16(total & 0xFFFF), UInt16(total & 0xFFFF)]
    var reply = [slave, function, UInt8(2 * quantity)]
    for register in registers[address..<(address + quantity)] {
      reply += [UInt8(register >> 8), UInt8(register & 0xFF)]
    }
    return ModbusRTU.withCRC(reply)
  }

  private func exception(_ function: UInt8, _ code: UInt8) -> [UInt8] {
    ModbusRTU.withCRC([slave, function | ModbusRTU.exceptionFlag, code])
  }

  private mutating func advance(to time: Double) {
    if let lastTime, time > lastTime {
      total &+= UInt32(truncatingIfNeeded: source.counts(over: time - lastTime))
    }
    lastTime = max(lastTime ?? time, time)
  }
}
