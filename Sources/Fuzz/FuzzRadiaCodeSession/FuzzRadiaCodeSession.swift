import DetectorDrivers
import Foundation
import FuzzSupport

/// A whole RadiaCode session (set-up, then 32 polls) against a device whose reply payloads come
/// from the input. First byte: bit 0 selects spectrum mode. Then each reply is a little-endian
/// `u16` length and that many payload bytes; the framing around them (length prefix, echoed
/// header) is made right, so the session's own logic (data-buffer rates, spectrum differences,
/// the count carry) sees fuzzed values. `FuzzRadiaCode` covers the framing itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = FuzzInput.bytes(data, size)
  guard let flags = input.first else { return 0 }
  let device = FuzzDevice(input.dropFirst())
  var session = RadiaCodeSession(
    detectorID: "fuzz", spectrumInterval: flags & 1 != 0 ? 2 : nil)
  let wall = Date(timeIntervalSince1970: 1_795_000_000)
  do {
    _ = try session.start(
      transport: device,
      localTime: RadiaCodeLocalTime(year: 2026, month: 11, day: 27, hour: 8, minute: 0, second: 0),
      monotonicSeconds: 0)
    for poll in 1...32 {
      let time = Double(poll)
      for reading in try session.step(
        transport: device, monotonicSeconds: time, wallTime: wall + time)
      {
        precondition(reading.intervalSeconds > 0, "a reading over no time")
        if let spectrum = reading.spectrum {
          precondition(
            spectrum.values.reduce(UInt64(0)) { $0 + UInt64($1) } == reading.counts,
            "spectrum total differs from the counts")
        }
      }
    }
  } catch {}
  return 0
}

/// Replies with the next payload from the input, framed for the request it answers; `gone`
/// once the input is used up.
final class FuzzDevice: RadiaCodeTransport {
  private var rest: ArraySlice<UInt8>

  init(_ script: ArraySlice<UInt8>) {
    rest = script
  }

  func exchange(_ request: [UInt8], timeout: Double) throws(RadiaCodeTransportError) -> [UInt8] {
    guard rest.count >= 2, request.count >= 8 else { throw .gone("end of the fuzz input") }
    let length = Int(rest[rest.startIndex]) | Int(rest[rest.startIndex + 1]) << 8
    rest = rest.dropFirst(2)
    let payload = Array(rest.prefix(length))
    rest = rest.dropFirst(payload.count)
    let size = UInt32(4 + payload.count)
    let prefix: [UInt8] = [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: size >> $0) }
    return prefix + request[4..<8] + payload
  }
}
