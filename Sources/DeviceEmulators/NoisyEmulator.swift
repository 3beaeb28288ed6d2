import DetectorDrivers
import DoseCore

/// Wraps an emulator and sprays random bytes onto the line between its own output: a loose
/// connector, a noisy RS-485 bus, a device rebooting. Drivers must skip the noise, count it, and
/// keep reading.
public struct NoisyEmulator: DeviceEmulator {
  var base: any DeviceEmulator
  var rng: SeededGenerator
  /// Seconds between bursts of noise.
  let period: Double
  var nextBurst: Double?

  public init(_ base: any DeviceEmulator, period: Double = 1.3, seed: UInt64 = 99) {
    self.base = base
    self.period = period
    self.rng = SeededGenerator(seed: seed)
  }

  public mutating func receive(_ bytes: [UInt8], at time: Double) -> [UInt8] {
    base.receive(bytes, at: time)
  }

  public mutating func tick(at time: Double) -> [UInt8] {
    var out = base.tick(at: time)
    guard let due = nextBurst else {
      nextBurst = time + period
      return out
    }
    if time >= due {
      nextBurst = time + period
      let count = 1 + Int(rng.next() % 40)
      out += (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }
    return out
  }
}
