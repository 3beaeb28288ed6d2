import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// sd_notify(3) without libsystemd: one datagram to `$NOTIFY_SOCKET` (a path, or an abstract
/// name written with a leading `@`), as chrony does it. A no-op when the variable is unset.
public struct SystemdNotifier: Sendable {
  public let socketPath: String?

  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
  }

  /// Sends `state` (e.g. "READY=1\nSTATUS=…"); returns false if it could not be delivered.
  @discardableResult
  public func notify(_ state: String) -> Bool {
    guard let socketPath else { return false }
    var bytes = Array(socketPath.utf8)
    let abstract = bytes.first == UInt8(ascii: "@")
    if abstract { bytes[0] = 0 }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else { return false }
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
    // An abstract name must not count a trailing NUL; a path does.
    let length = socklen_t(
      MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    let payload = Array(state.utf8)
    let sent = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        payload.withUnsafeBytes {
          sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), pointer, length)
        }
      }
    }
    return sent == payload.count
  }
}
