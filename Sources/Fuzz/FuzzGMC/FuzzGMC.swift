import DetectorDrivers
import FuzzSupport

/// GQ GMC replies: the whole input as a GETVER reply, and its leading bytes as the fixed-length
/// CPS, serial and GETDATETIME replies (`GMCSession` reads exactly these lengths).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = FuzzInput.bytes(data, size)
  if let version = GMCCodec.version(bytes) {
    _ = GMCCodec.cpsWidth(forVersion: version.text)
    _ = GMCCodec.cpsWidth(forVersion: version.model)
  }
  _ = GMCCodec.cpsWidth(forVersion: String(decoding: bytes, as: UTF8.self))
  _ = GMCCodec.serial(Array(bytes.prefix(GMCCodec.serialLength)))
  _ = GMCCodec.cps(Array(bytes.prefix(2)))
  _ = GMCCodec.cps(Array(bytes.prefix(4)))
  if let time = GMCCodec.dateTime(Array(bytes.prefix(GMCCodec.dateTimeLength))) {
    _ = time.secondsSince2000
  }
  return 0
}
