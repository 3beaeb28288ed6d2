import DetectorDrivers
import FuzzSupport

/// Rad Pro reply lines: each line classified, and an `OK` value read as each value the session
/// asks for (device id, pulse count, decimal rate or sensitivity).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  var previous: UInt32?
  for line in FuzzInput.serialLines(FuzzInput.bytes(data, size)) {
    guard case .ok(let value) = RadProCodec.reply(line) else { continue }
    _ = RadProCodec.identity(value)
    _ = RadProCodec.decimal(value)
    if let count = RadProCodec.pulseCount(value) {
      if let previous { _ = RadProCodec.pulses(from: previous, to: count) }
      previous = count
    }
  }
  return 0
}
