import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The file at the control socket's path: what may be removed before binding, and whether it is
/// still this daemon's when it leaves.
///
/// Why: the path comes from an admin (`--socket`, `[daemon] socket`), and a mistake there must
/// not cost a file, nor a live daemon its socket. Only a stale socket is removed: a socket file
/// nobody listens on, left by a crash. A plain connect() decides: ECONNREFUSED means nobody
/// listens; a connection, or a full backlog, means a live listener even if it never answers (a
/// daemon stopped with SIGSTOP), which waiting for its hello line would mistake for a dead one.
/// Anything that is not a socket (a regular file, a directory, a symlink, even one to a socket)
/// is never removed. On exit the path is removed only if it is still the socket this daemon
/// bound, so a daemon never deletes another's socket.
enum SocketPath {
  /// A socket file as the file system knows it: st_dev and st_ino, and the change time,
  /// because a freed inode number is soon given to a new file (another daemon's socket).
  struct Identity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let changedSeconds: Int
    let changedNanoseconds: Int
  }

  /// The socket file at `path` itself (a symlink is not followed); nil if there is none.
  static func identity(of path: String) -> Identity? {
    var info = stat()
    guard lstat(path, &info) == 0, FileKind.isSocket(info.st_mode) else { return nil }
    return Identity(
      device: UInt64(info.st_dev), inode: UInt64(info.st_ino),
      changedSeconds: info.st_ctim.tv_sec, changedNanoseconds: info.st_ctim.tv_nsec)
  }

  /// Makes way for binding at `path`: nothing there, or a stale socket, which is removed.
  /// Anything else is refused, saying what is in the way.
  static func clear(_ path: String) throws(SocketServer.Failure) {
    var info = stat()
    guard lstat(path, &info) == 0 else {
      if errno == ENOENT { return }
      throw .cannotBind(path, String(cString: strerror(errno)))
    }
    if FileKind.isSymlink(info.st_mode) {
      throw .inTheWay(path, "is a symlink to \(linkTarget(path))")
    }
    guard let probed = identity(of: path) else {
      throw .inTheWay(path, "is \(FileKind.describe(info.st_mode)), not a socket")
    }
    switch probe(path) {
    case .listening:
      throw .alreadyServed(path)
    case .gone:
      return
    case .unknown(let reason):
      throw .cannotBind(path, "cannot tell whether something listens there: \(reason)")
    case .stale:
      // Only the socket just probed: another daemon may have bound a new one there since.
      guard identity(of: path) == probed else {
        throw .cannotBind(path, "it changed while being checked; try again")
      }
      unlink(path)
    }
  }

  /// A Unix stream socket bound and listening at `path` (listening at once, so that nobody
  /// probing the path meanwhile takes it for a stale one), for NIO to take over. Bound here
  /// rather than by NIO because NIO's server socket, when it closes, removes whatever socket is
  /// at its path then, which may be another daemon's by that time; one it is handed it leaves
  /// alone.
  static func bind(_ path: String) throws(SocketServer.Failure) -> Int32 {
    guard var address = address(path) else { throw .cannotBind(path, tooLong) }
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard descriptor >= 0 else { throw .cannotBind(path, String(cString: strerror(errno))) }
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard result == 0, listen(descriptor, backlog) == 0 else {
      let reason = String(cString: strerror(errno))
      close(descriptor)
      throw .cannotBind(path, reason)
    }
    return descriptor
  }

  /// Connections waiting to be accepted (listen(2)).
  static let backlog: Int32 = 64

  /// Removes the socket at `path` if it is still `ours` (taken after the last change this
  /// daemon makes to it, the chmod).
  static func remove(_ path: String, ifStill ours: Identity) {
    if identity(of: path) == ours { unlink(path) }
  }

  private enum Probe {
    case listening, stale, gone
    case unknown(String)
  }

  private static func probe(_ path: String) -> Probe {
    // Non-blocking: a listener whose backlog is full says EAGAIN at once instead of keeping us
    // waiting for a place.
    let descriptor = socket(
      AF_UNIX,
      Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard descriptor >= 0 else { return .unknown(String(cString: strerror(errno))) }
    defer { close(descriptor) }
    guard var address = address(path) else { return .unknown(tooLong) }
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    if result == 0 { return .listening }
    switch errno {
    case ECONNREFUSED: return .stale
    case EAGAIN, EINPROGRESS: return .listening
    case ENOENT: return .gone
    default: return .unknown(String(cString: strerror(errno)))
    }
  }

  private static let tooLong =
    "the path is longer than \(MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1) bytes"

  /// `path` as a socket address; nil if it does not fit.
  private static func address(_ path: String) -> sockaddr_un? {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    return address
  }

  private static func linkTarget(_ path: String) -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count >= 0 else { return "(unreadable: \(String(cString: strerror(errno))))" }
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
