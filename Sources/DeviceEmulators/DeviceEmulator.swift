import DetectorDrivers
import DoseCore
import Foundation

/// A counter's firmware, as far as its wire protocol goes. The host feeds it what the daemon
/// sent and asks it what to send; it answers from a `CountSource`.
public protocol DeviceEmulator {
  /// Bytes the daemon wrote; returns the reply bytes (may be empty).
  mutating func receive(_ bytes: [UInt8], at time: Double) -> [UInt8]
  /// Called about every 50 ms; returns bytes the device pushes by itself (line-per-second
  /// devices), usually empty for request/response devices.
  mutating func tick(at time: Double) -> [UInt8]
}

/// Counts a real tube would register at a configured rate, drawn from the same Poisson sampler
/// as the simulated detector: an emulated device is statistically a real one.
public struct CountSource {
  public var cpm: Double
  private var rng: SeededGenerator

  public init(cpm: Double, seed: UInt64 = 1) {
    self.cpm = cpm
    self.rng = SeededGenerator(seed: seed)
  }

  /// Counts over `seconds`.
  public mutating func counts(over seconds: Double) -> UInt64 {
    PoissonSampler.sample(mean: cpm / 60 * seconds, using: &rng)
  }
}

/// Runs an emulator on a pseudo-terminal on a thread of its own until stopped.
public final class EmulatorHost: @unchecked Sendable {
  // @unchecked: `terminal` and `emulator` are touched only by the host thread after start.
  public let terminal: PseudoTerminal
  private var emulator: any DeviceEmulator
  private let stop = StopFlag()
  private let finished = DispatchSemaphore(value: 0)
  private var started = false
  /// When set, the device only understands a host at this speed; at any other speed it hears
  /// noise and stays silent, as a real UART would. Lets tests exercise baud probing.
  public let baud: Int?

  public init(emulator: any DeviceEmulator, link: String? = nil, baud: Int? = nil) throws {
    terminal = try PseudoTerminal(link: link)
    self.emulator = emulator
    self.baud = baud
  }

  /// The path the daemon should open.
  public var path: String { terminal.linkPath ?? terminal.slavePath }

  public func start() {
    guard !started else { return }
    started = true
    let thread = Thread { [self] in
      let origin = SerialPort.monotonicNow()
      while !stop.isStopped {
        let input = terminal.read(timeout: 0.05)
        let now = SerialPort.monotonicNow() - origin
        if !input.isEmpty, baud == nil || terminal.speed == baud {
          let reply = emulator.receive(input, at: now)
          if !reply.isEmpty { terminal.write(reply) }
        }
        let pushed = emulator.tick(at: now)
        if !pushed.isEmpty { terminal.write(pushed) }
      }
      finished.signal()
    }
    thread.name = "emulator"
    thread.start()
  }

  /// Stops the device and closes its terminal: to the daemon, the device was unplugged.
  public func unplug() {
    if started {
      stop.stop()
      finished.wait()
      started = false
    }
    terminal.close()
  }

  deinit {
    if started {
      stop.stop()
      finished.wait()
    }
  }
}
