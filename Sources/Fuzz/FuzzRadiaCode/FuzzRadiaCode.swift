import DetectorDrivers
import FuzzSupport

/// RadiaCode 10x: the input through every reply parser: response framing (against the header
/// it carries itself, so the echo check can pass), each reply payload, DATA_BUF records and
/// both spectrum formats.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = FuzzInput.bytes(data, size)
  var header = RadiaCodeHeader(command: 0x0826, sequence: 0)
  if bytes.count >= 8 {
    header = RadiaCodeHeader(
      command: UInt16(bytes[4]) | UInt16(bytes[5]) << 8, sequence: bytes[7])
  }
  _ = try? RadiaCodeFrame.responseSize(startingWith: bytes)
  _ = try? RadiaCodeFrame.payload(ofResponse: bytes, to: header)
  _ = try? RadiaCodeReply.virtualString(bytes)
  _ = try? RadiaCodeReply.writeAcknowledged(bytes)
  _ = try? RadiaCodeReply.status(bytes)
  _ = try? RadiaCodeReply.version(bytes)
  _ = try? RadiaCodeReply.hardwareSerial(bytes)
  _ = try? RadiaCodeReply.firmwareSignature(bytes)
  _ = try? RadiaCodeReply.registers(bytes, for: [.countRate, .temperature])
  _ = try? RadiaCodeReply.energyCalibration(bytes)
  _ = try? RadiaCodeReply.spectrumFormat(configuration: bytes)
  _ = try? RadiaCodeSpectrum.decode(bytes, format: 0)
  _ = try? RadiaCodeSpectrum.decode(bytes, format: 1)
  _ = RadiaCodeDataBuffer.decode(bytes)
  return 0
}
