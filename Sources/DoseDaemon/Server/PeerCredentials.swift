import Foundation
import NIOCore

#if canImport(Glibc)
  import Glibc
#endif

/// `struct ucred` as `SO_PEERCRED` fills it (pid, uid, gid; 12 bytes). Glibc hides the C type
/// without `_GNU_SOURCE`, so it is mirrored here (shared/reference/swift-stack.md §3).
struct PeerCred: Sendable {
  var pid: Int32 = 0
  var uid: UInt32 = 0
  var gid: UInt32 = 0
}

enum PeerCredentials {
  /// The connecting process's credentials, read from the kernel (they cannot be forged by the
  /// client); nil when the socket cannot say.
  static func read(_ channel: Channel) -> EventLoopFuture<PeerCred?> {
    guard let provider = channel as? SocketOptionProvider else {
      return channel.eventLoop.makeSucceededFuture(nil)
    }
    let future: EventLoopFuture<PeerCred> = provider.unsafeGetSocketOption(
      level: SocketOptionLevel(SOL_SOCKET), name: SO_PEERCRED)
    return future.map { Optional($0) }.recover { _ in nil }
  }

  /// The identity recorded with a control action: uid, the user name the system knows for it,
  /// and pid.
  static func identity(_ cred: PeerCred) -> ActorIdentity {
    ActorIdentity(uid: cred.uid, name: userName(cred.uid), pid: cred.pid)
  }

  /// `getpwuid_r`, thread-safe; the numeric uid when the system has no name for it.
  static func userName(_ uid: UInt32) -> String {
    var entry = passwd()
    var result: UnsafeMutablePointer<passwd>?
    var buffer = [CChar](repeating: 0, count: 4096)
    let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &result)
    guard status == 0, result != nil, let name = entry.pw_name else { return "uid \(uid)" }
    return String(cString: name)
  }
}
