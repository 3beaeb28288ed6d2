import DetectorDrivers
import FuzzSupport

/// Open Gamma Detector output: each line classified (event lines into a histogram), the
/// messages as a `read info` reply and the other lines as `read settings` JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  var messages: [String] = []
  var other: [String] = []
  for line in FuzzInput.serialLines(FuzzInput.bytes(data, size)) {
    switch OpenGammaCodec.classify(line) {
    case .events(let channels): _ = OpenGammaCodec.histogram(channels)
    case .message(let text): messages.append(text)
    case .error: break
    case .other(let text): other.append(text)
    }
  }
  _ = OpenGammaCodec.identity(info: messages)
  _ = OpenGammaCodec.settings(json: other)
  return 0
}
