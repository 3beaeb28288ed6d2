import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One daemon per state directory: an exclusive `flock` on `dosed.lock` in it, taken before the
/// records are opened or the socket is bound and held until the daemon has stopped, with the
/// holder's pid written in the file for a second daemon's message.
///
/// Why: two daemons on one state directory (with different sockets) each admit their own
/// patient to the same room, and the records no longer say what happened. flock(2) locks
/// belong to the open file description: the kernel drops the lock when its holder dies, even by
/// SIGKILL, so there is never a stale lock to clean up; and two opens in one process conflict
/// as two processes do (the in-process tests rely on that). The file is never removed: a
/// removed lock file lets a third daemon lock a new file while the second still holds the old.
struct StateDirectoryLock {
  static let fileName = "dosed.lock"

  enum Failure: Error, CustomStringConvertible {
    /// Another daemon holds the lock; its pid if it had written it yet.
    case inUse(directory: String, holder: Int32?)
    /// The lock file cannot be created, opened or locked.
    case cannotLock(path: String, reason: String)

    var description: String {
      switch self {
      case .inUse(let directory, let holder):
        "the state directory \(directory) is in use by another dosed "
          + "(pid \(holder.map(String.init) ?? "unknown")); one daemon per state directory: stop "
          + "that one or choose another --state-dir"
      case .cannotLock(let path, let reason): "cannot lock \(path): \(reason)"
      }
    }
  }

  let path: String
  private let descriptor: Int32

  /// Creates `directory` if needed and takes its lock, or throws.
  static func acquire(directory: String) throws(Failure) -> StateDirectoryLock {
    let path = (directory as NSString).appendingPathComponent(fileName)
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw .cannotLock(path: path, reason: "\(error)")
    }
    // O_NOFOLLOW: a symlink planted here must not make us create or empty a file elsewhere.
    // O_CLOEXEC: a child (the parser check) must not inherit the lock and outlive us with it.
    let descriptor = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o640)
    guard descriptor >= 0 else {
      throw .cannotLock(path: path, reason: String(cString: strerror(errno)))
    }
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      let code = errno
      if code == EINTR { continue }
      let holder = readPID(descriptor)
      close(descriptor)
      if code == EWOULDBLOCK { throw .inUse(directory: directory, holder: holder) }
      throw .cannotLock(path: path, reason: String(cString: strerror(code)))
    }
    // The pid is for people and for a second daemon's message; the lock is what counts, so a
    // failed write (a full disk) changes nothing.
    let text = Array("\(getpid())\n".utf8)
    _ = ftruncate(descriptor, 0)
    _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    return StateDirectoryLock(path: path, descriptor: descriptor)
  }

  /// Gives the lock up, emptying the pid that no longer holds anything.
  func release() {
    _ = ftruncate(descriptor, 0)
    close(descriptor)
  }

  /// The pid in the lock file; nil while its holder has not written it yet.
  private static func readPID(_ descriptor: Int32) -> Int32? {
    var buffer = [UInt8](repeating: 0, count: 32)
    let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
    guard count > 0 else { return nil }
    let text = String(decoding: buffer[0..<count], as: UTF8.self)
    return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
  }
}
