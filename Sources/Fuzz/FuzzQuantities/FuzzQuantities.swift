import DoseProtocol
import FuzzSupport

/// Operator quantities (`dosectl` arguments): each line as every kind of quantity.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  for line in FuzzInput.serialLines(FuzzInput.bytes(data, size)) {
    _ = try? Quantities.activity(line)
    _ = try? Quantities.doseRate(line)
    _ = try? Quantities.mass(line)
    _ = try? Quantities.nuclideActivity(line)
    _ = try? Quantities.duration(line)
    _ = try? Quantities.time(line)
  }
  return 0
}
