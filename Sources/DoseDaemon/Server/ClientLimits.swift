import DoseProtocol
import Foundation
import NIOCore

/// Closes a connection that sent nothing for the idle timeout, after telling it why. Removed
/// from the pipeline when the client starts `watch` (a watcher only listens).
final class IdleCloser: ChannelInboundHandler, RemovableChannelHandler, Sendable {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  static let handlerName = "dosed-idle"
  static let timerName = "dosed-idle-timer"

  let seconds: Double

  init(seconds: Double) {
    self.seconds = seconds
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
      context.fireUserInboundEventTriggered(event)
      return
    }
    let reply = ErrorReply(
      id: nil, code: .idleTimeout,
      message: "no request for \(Int(seconds)) s; closing the connection")
    let line = (try? WireCoding.line(reply)) ?? Data()
    context.writeAndFlush(NIOAny(ByteBuffer(bytes: line)), promise: nil)
    context.close(promise: nil)
  }
}
