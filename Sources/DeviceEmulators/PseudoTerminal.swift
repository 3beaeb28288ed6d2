import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A pseudo-terminal pair standing in for a counter's serial port: the emulator holds the
/// master side, the daemon opens the slave through a stable symlink (like socat's `link=`), so a
/// "replug" is a new pair behind the same path. PTYs never appear in udev, so tests use fixed
/// paths (shared reference swift-stack.md §2).
public final class PseudoTerminal {
  public let masterFD: Int32
  private var slaveFD: Int32
  /// `/dev/pts/N`.
  public let slavePath: String
  /// The symlink pointing at `slavePath`, if one was made.
  public let linkPath: String?

  public struct Failure: Error, CustomStringConvertible {
    public let description: String
  }

  public init(link: String? = nil) throws {
    var master: Int32 = -1
    var slave: Int32 = -1
    guard openpty(&master, &slave, nil, nil, nil) == 0 else {
      throw Failure(description: "openpty: \(String(cString: strerror(errno)))")
    }
    masterFD = master
    slaveFD = slave
    // ttyname_r, not ttyname: ttyname's static buffer is shared by every thread, and emulators
    // are created concurrently (a torn name once pointed a test at "/dev/pts/", a directory).
    var name = [CChar](repeating: 0, count: 256)
    let status = ttyname_r(slave, &name, name.count)
    guard status == 0 else {
      Glibc.close(master)
      Glibc.close(slave)
      throw Failure(description: "ttyname_r: \(String(cString: strerror(status)))")
    }
    slavePath = String(
      decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // Raw on both sides: no echo, no line discipline, bytes pass untouched.
    for fd in [master, slave] {
      var options = termios()
      tcgetattr(fd, &options)
      cfmakeraw(&options)
      tcsetattr(fd, TCSANOW, &options)
    }
    let flags = fcntl(master, F_GETFL)
    _ = fcntl(master, F_SETFL, flags | O_NONBLOCK)
    // Not inherited by processes the tests spawn (socat, python): a child holding a copy of the
    // master would hide an unplug from the daemon.
    for fd in [master, slave] {
      _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
    }
    if let link {
      unlink(link)
      guard symlink(slavePath, link) == 0 else {
        Glibc.close(master)
        Glibc.close(slave)
        throw Failure(description: "symlink \(link): \(String(cString: strerror(errno)))")
      }
    }
    linkPath = link
  }

  deinit {
    close()
  }

  /// "Unplugs" the device: the daemon's reads see hang-up/EOF, the link disappears.
  /// Our own slave descriptor stays open until then, so the master never sees a hang-up
  /// between the daemon's reopenings.
  public func close() {
    if slaveFD >= 0 {
      Glibc.close(slaveFD)
      slaveFD = -1
      Glibc.close(masterFD)
      if let linkPath { unlink(linkPath) }
    }
  }

  /// The line speed the daemon set on its side, in baud (a PTY master reports the slave's
  /// termios), or nil for a speed outside the usual table.
  public var speed: Int? {
    var options = termios()
    guard tcgetattr(masterFD, &options) == 0 else { return nil }
    let value = cfgetispeed(&options)
    let table: [(speed_t, Int)] = [
      (speed_t(B1200), 1200), (speed_t(B2400), 2400), (speed_t(B4800), 4800),
      (speed_t(B9600), 9600), (speed_t(B19200), 19200), (speed_t(B38400), 38400),
      (speed_t(B57600), 57600), (speed_t(B115200), 115200), (speed_t(B230400), 230400),
    ]
    return table.first { $0.0 == value }?.1
  }

  /// Bytes from the daemon within `timeout` seconds (empty on timeout).
  public func read(timeout: Double) -> [UInt8] {
    var descriptor = pollfd(fd: masterFD, events: Int16(POLLIN), revents: 0)
    guard poll(&descriptor, 1, Int32(timeout * 1000)) > 0,
      descriptor.revents & Int16(POLLIN) != 0
    else { return [] }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { Glibc.read(masterFD, $0.baseAddress, 4096) }
    return count > 0 ? Array(buffer[0..<count]) : []
  }

  /// Sends bytes to the daemon.
  public func write(_ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes {
        Glibc.write(masterFD, $0.baseAddress! + offset, bytes.count - offset)
      }
      if written <= 0 {
        if errno == EAGAIN || errno == EINTR {
          var descriptor = pollfd(fd: masterFD, events: Int16(POLLOUT), revents: 0)
          _ = poll(&descriptor, 1, 50)
          continue
        }
        return
      }
      offset += written
    }
  }

  public func write(_ text: String) {
    write(Array(text.utf8))
  }
}
