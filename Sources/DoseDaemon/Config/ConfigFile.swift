import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Reads a configuration file's text: a regular file (or a symlink to one) of at most 1 MiB,
/// and nothing else.
///
/// Why: the file is read inside the running daemon (a reload reads it before the parser child
/// sees it). A FIFO would block that read until someone writes to it: the reload never answers
/// and SIGTERM no longer ends the daemon, whose task is stuck in the read. A device such as
/// /dev/zero never ends. So the path is opened without blocking (O_NONBLOCK: a FIFO opens at
/// once; O_NOCTTY: a terminal never becomes ours), the open descriptor is checked with fstat
/// (what is read, not what the path named a moment before), and the read stops after the limit.
/// Reads of a regular file do not wait for anyone, so nothing here can hold up a shutdown.
enum ConfigFile {
  /// 1 MiB. The largest real ward file (config/dosed.toml, every driver with its comments) is
  /// 27 kB; a file 40 times larger is a wrong path (a log, a disk image), and holding it,
  /// copying it to the parser child and parsing it twice would only delay that error.
  static let sizeLimit = 1 << 20

  static func read(path: String) throws(ConfigError) -> String {
    func failure(_ message: String) -> ConfigError {
      ConfigError(file: path, line: nil, keyPath: "", message: message)
    }
    func systemFailure(_ code: Int32) -> ConfigError {
      failure("cannot read: \(String(cString: strerror(code)))")
    }
    func check(_ info: stat) throws(ConfigError) {
      guard FileKind.isRegular(info.st_mode) else {
        throw failure("is \(FileKind.describe(info.st_mode)), not a regular file")
      }
      guard Int(info.st_size) <= sizeLimit else { throw failure(tooBig(Int(info.st_size))) }
    }
    // Checked before opening too, so that a device node is never opened (opening a serial
    // port raises its modem lines); the check on the open descriptor below is the one that
    // counts.
    var info = stat()
    guard stat(path, &info) == 0 else { throw systemFailure(errno) }
    try check(info)
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
    guard descriptor >= 0 else { throw systemFailure(errno) }
    defer { close(descriptor) }
    guard fstat(descriptor, &info) == 0 else { throw systemFailure(errno) }
    try check(info)
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = buffer.withUnsafeMutableBytes {
        Glibc.read(descriptor, $0.baseAddress, $0.count)
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw systemFailure(errno)
      }
      if count == 0 { break }
      bytes.append(contentsOf: buffer[0..<count])
      // A file that grew after fstat.
      guard bytes.count <= sizeLimit else { throw failure(tooBig(bytes.count)) }
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw failure("cannot read: not UTF-8 text")
    }
    return text
  }

  private static func tooBig(_ size: Int) -> String {
    let mebibytes = String(format: "%.1f", Double(size) / Double(1 << 20))
    return "is \(size) bytes (\(mebibytes) MiB); the limit is 1 MiB"
  }
}
