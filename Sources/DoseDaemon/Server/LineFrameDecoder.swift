import DoseProtocol
import NIOCore

/// One framed request line, or the news that a line broke the length limit.
package enum LineFrame: Sendable {
  case line(ByteBuffer)
  case tooLong
}

/// Splits the byte stream at `\n` (a trailing `\r` is dropped), refusing lines longer than
/// `maxLength` without buffering them: a client cannot make the daemon hold more than the limit.
/// `package` for the fuzz target `FuzzRequest`.
package struct LineFrameDecoder: ByteToMessageDecoder {
  package typealias InboundOut = LineFrame

  package let maxLength: Int
  private var overflowed = false

  package init(maxLength: Int = ProtocolInfo.maxLineBytes) {
    self.maxLength = maxLength
  }

  package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws
    -> DecodingState
  {
    if overflowed {
      buffer.moveReaderIndex(to: buffer.writerIndex)
      return .needMoreData
    }
    guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
      if buffer.readableBytes > maxLength {
        overflow(context: context, buffer: &buffer)
      }
      return .needMoreData
    }
    let length = newline - buffer.readerIndex
    if length > maxLength {
      overflow(context: context, buffer: &buffer)
      return .needMoreData
    }
    var line = buffer.readSlice(length: length)!
    buffer.moveReaderIndex(forwardBy: 1)
    if line.readableBytesView.last == UInt8(ascii: "\r") {
      line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1)!
    }
    context.fireChannelRead(Self.wrapInboundOut(.line(line)))
    return .continue
  }

  package mutating func decodeLast(
    context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
  ) throws -> DecodingState {
    while try decode(context: context, buffer: &buffer) == .continue {}
    // A last request without its newline still gets an answer (`printf '…' | socat`).
    if seenEOF, !overflowed, buffer.readableBytes > 0,
      let rest = buffer.readSlice(
        length: buffer.readableBytes)
    {
      context.fireChannelRead(Self.wrapInboundOut(.line(rest)))
    }
    return .needMoreData
  }

  private mutating func overflow(context: ChannelHandlerContext, buffer: inout ByteBuffer) {
    overflowed = true
    buffer.moveReaderIndex(to: buffer.writerIndex)
    context.fireChannelRead(Self.wrapInboundOut(.tooLong))
  }
}
