import DoseBoard
import FuzzSupport

/// dosed-board's configuration: the input as board.toml through parsing and validation
/// (listen address, limits, visitor guidance), which must refuse, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: FuzzInput.bytes(data, size), as: UTF8.self)
  _ = try? BoardConfigLoader.parse(text, file: "fuzz.toml")
  return 0
}
#if !FUZZING
  import FuzzSupport

  /// A build without libFuzzer (`swift build`) replays the files or directories named on the
  /// command line through the entry point instead; `make fuzz` builds with `-DFUZZING`.
  @main enum Replay {
    static func main() { FuzzReplay.run(fuzzOneInput) }
  }
#endif
