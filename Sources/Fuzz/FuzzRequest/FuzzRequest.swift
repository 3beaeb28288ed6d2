import DoseDaemon
import DoseProtocol
import FuzzSupport
import NIOCore
import NIOEmbedded

/// The socket's request path: the bytes a client sends, after a first control byte (low six
/// bits: the chunk size the bytes arrive in, minus one; bit 6: a 64-byte line limit instead of
/// the protocol's), framed by `LineFrameDecoder` in a channel that then sees end of input, each
/// line through `RequestParser`, and each command's line decoded as every control request.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = FuzzInput.bytes(data, size)
  guard let control = input.first else { return 0 }
  let chunk = Int(control & 0x3F) + 1
  let maxLength = control & 0x40 != 0 ? 64 : ProtocolInfo.maxLineBytes
  let stream = input.dropFirst()

  let channel = EmbeddedChannel(
    handler: ByteToMessageHandler(LineFrameDecoder(maxLength: maxLength)))
  var lines: [[UInt8]] = []
  func collect() {
    while let frame = try! channel.readInbound(as: LineFrame.self) {
      guard case .line(let buffer) = frame else { continue }
      precondition(buffer.readableBytes <= maxLength, "a line over the limit was framed")
      lines.append(Array(buffer.readableBytesView))
    }
  }
  var start = stream.startIndex
  while start < stream.endIndex {
    let end = min(start + chunk, stream.endIndex)
    try! channel.writeInbound(ByteBuffer(bytes: stream[start..<end]))
    collect()
    start = end
  }
  channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
  collect()
  _ = try? channel.finish()

  for line in lines {
    guard case .command(_, let id) = RequestParser.parse(line) else { continue }
    _ = ControlRequests.decode(RoomRequest.self, from: line, id: id)
    _ = ControlRequests.decode(RoomAdmitRequest.self, from: line, id: id)
    _ = ControlRequests.decode(RoomClearRequest.self, from: line, id: id)
    _ = ControlRequests.decode(RoomCalibrateRequest.self, from: line, id: id)
    _ = ControlRequests.decode(EventsRequest.self, from: line, id: id)
    _ = ControlRequests.decode(HistoryRequest.self, from: line, id: id)
    _ = ControlRequests.decode(WasteAddRequest.self, from: line, id: id)
    _ = ControlRequests.decode(WasteRequest.self, from: line, id: id)
    _ = ControlRequests.decode(WasteSurveyRequest.self, from: line, id: id)
    _ = ControlRequests.decode(AlarmAckRequest.self, from: line, id: id)
  }
  return 0
}
