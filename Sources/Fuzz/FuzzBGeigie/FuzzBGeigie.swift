import DetectorDrivers
import FuzzSupport

/// Safecast bGeigie sentences: each line through the checksum and field parser.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let parser = BGeigieParser()
  for line in FuzzInput.serialLines(FuzzInput.bytes(data, size)) {
    _ = parser.parse(line)
  }
  return 0
}
