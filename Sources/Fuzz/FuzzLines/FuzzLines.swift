import DetectorDrivers
import FuzzSupport

/// Text-line counters: each line through the MightyOhm and GC10 parsers and two configured
/// regular expressions (a `counts` and a `cpm` group, as in `config/dosed.toml`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let parsers: [any LineParser] = [
    MightyOhmParser(), GC10Parser(),
    try! RegexLineParser(pattern: #"counts=(?<counts>\d+)"#, intervalSeconds: 2),
    try! RegexLineParser(pattern: #"^CPM: (?<cpm>\d+)$"#),
  ]
  for line in FuzzInput.serialLines(FuzzInput.bytes(data, size)) {
    for parser in parsers { _ = parser.parse(line) }
  }
  return 0
}
