import DoseProtocol
import Foundation
import NIOCore

/// Closes a connection that has not sent one complete request line within `login_grace_s` of
/// connecting, after telling it why (`idle_timeout`), as sshd's `LoginGraceTime` closes a
/// connection that never logs in. Every client dosed knows sends its first line at once, so a
/// connection that sends nothing only holds a place; without this it would hold it for the
/// whole idle timeout (300 s). After the first line it steps aside and the idle timeout rules.
///
/// It sits after the line decoder, so a client trickling bytes without a newline does not
/// count as having sent a request.
final class GraceCloser: ChannelInboundHandler {
  typealias InboundIn = LineFrame
  typealias InboundOut = LineFrame

  let seconds: Double
  private var timer: Scheduled<Void>?
  private var sentALine = false

  init(seconds: Double) {
    self.seconds = seconds
  }

  func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { arm(context) }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    disarm()
  }

  func channelActive(context: ChannelHandlerContext) {
    arm(context)
    context.fireChannelActive()
  }

  func channelInactive(context: ChannelHandlerContext) {
    disarm()
    context.fireChannelInactive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    // Any frame ends the grace: a line, or an over-long one (which the session refuses).
    sentALine = true
    disarm()
    context.fireChannelRead(data)
  }

  private func arm(_ context: ChannelHandlerContext) {
    guard timer == nil, !sentALine else { return }
    let delay = TimeAmount.milliseconds(Int64((seconds * 1000).rounded()))
    timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
      timer = nil
      guard !sentALine, context.channel.isActive else { return }
      let reply = ErrorReply(
        id: nil, code: .idleTimeout,
        message: "no complete request line within \(Self.describe(seconds)) s of connecting "
          + "(login_grace_s); closing the connection")
      let line = (try? WireCoding.line(reply)) ?? Data()
      context.writeAndFlush(NIOAny(ByteBuffer(bytes: line)), promise: nil)
      context.close(promise: nil)
    }
  }

  private func disarm() {
    timer?.cancel()
    timer = nil
  }

  private static func describe(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
  }
}
