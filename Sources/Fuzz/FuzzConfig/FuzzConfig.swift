import DoseDaemon
import FuzzSupport

/// Ward configuration: the input as a TOML file through parsing and validation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: FuzzInput.bytes(data, size), as: UTF8.self)
  _ = try? ConfigLoader.parse(text, path: "fuzz.toml")
  return 0
}
