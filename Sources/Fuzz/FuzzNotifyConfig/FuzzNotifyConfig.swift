import DoseNotify
import FuzzSupport

/// dosed-notify's configuration: the input as notify.toml through parsing and validation
/// (actions, escalation tiers, every number), which must refuse, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: FuzzInput.bytes(data, size), as: UTF8.self)
  _ = try? NotifyConfigLoader.parse(text, file: "fuzz.toml", hostName: "fuzz-host")
  return 0
}
