import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A tty opened for a counter: `O_NOCTTY`, non-blocking, exclusive (`TIOCEXCL` and `flock`),
/// raw 8N1 without flow control at a fixed baud. Reads wait with `poll()`, so a quiet device
/// costs nothing and a vanished one is noticed at once (POLLHUP, EOF, EIO, ENODEV).
///
/// Used from one thread at a time (the driver's own thread).
public final class SerialPort {
  public let path: String
  public private(set) var baud: Int
  private var fd: Int32

  public init(path: String, baud: Int) throws(SerialError) {
    self.path = path
    self.baud = baud
    fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else {
      throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
    }
    do {
      // Exclusive: a second dosed, or a stray terminal program, must not share the counter.
      if flock(fd, LOCK_EX | LOCK_NB) != 0 {
        throw SerialError.busy(path: path)
      }
      if ioctl(fd, UInt(TIOCEXCL)) != 0 && errno != ENOTTY {
        throw SerialError.busy(path: path)
      }
      try configure(baud: baud)
    } catch {
      close(fd)
      throw error as! SerialError
    }
  }

  deinit {
    // Clear exclusive mode: it belongs to the tty, not to our descriptor, and would outlive us
    // while anything else holds the tty open.
    _ = ioctl(fd, UInt(TIOCNXCL))
    close(fd)
  }

  /// Raw 8N1, no flow control, no modem control, reads return what is there.
  public func configure(baud: Int) throws(SerialError) {
    guard let speed = Self.speed(for: baud) else { throw .unsupportedBaud(baud) }
    var options = termios()
    guard tcgetattr(fd, &options) == 0 else {
      throw .cannotOpen(path: path, reason: "not a terminal: \(String(cString: strerror(errno)))")
    }
    cfmakeraw(&options)
    options.c_cflag &= ~(tcflag_t(CSIZE) | tcflag_t(PARENB) | tcflag_t(CSTOPB) | tcflag_t(CRTSCTS))
    options.c_cflag |= tcflag_t(CS8) | tcflag_t(CLOCAL) | tcflag_t(CREAD)
    options.c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY))
    withUnsafeMutableBytes(of: &options.c_cc) { cc in
      cc[Int(VMIN)] = 0
      cc[Int(VTIME)] = 0
    }
    cfsetispeed(&options, speed)
    cfsetospeed(&options, speed)
    guard tcsetattr(fd, TCSANOW, &options) == 0 else {
      throw .cannotOpen(path: path, reason: "tcsetattr: \(String(cString: strerror(errno)))")
    }
    tcflush(fd, TCIOFLUSH)
    self.baud = baud
  }

  /// Writes all bytes or throws.
  public func write(_ bytes: [UInt8], timeout: Double = 1) throws(SerialError) {
    var offset = 0
    let deadline = Self.now() + timeout
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { raw in
        Glibc.write(fd, raw.baseAddress! + offset, bytes.count - offset)
      }
      if written > 0 {
        offset += written
        continue
      }
      let error = errno
      if written < 0 && (error == EAGAIN || error == EINTR) {
        if Self.now() > deadline { throw .timeout("the port to accept data") }
        _ = try waitFor(Int16(POLLOUT), timeout: 0.05)
        continue
      }
      throw .gone("write: \(String(cString: strerror(error)))")
    }
  }

  /// Reads what arrives within `timeout` seconds (at least one byte, or none on timeout).
  public func read(maxBytes: Int = 4096, timeout: Double) throws(SerialError) -> [UInt8] {
    guard try waitFor(Int16(POLLIN), timeout: timeout) else { return [] }
    var buffer = [UInt8](repeating: 0, count: maxBytes)
    let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, maxBytes) }
    if count > 0 { return Array(buffer[0..<count]) }
    if count == 0 { throw .gone("end of file on \(path)") }
    let error = errno
    if error == EAGAIN || error == EINTR { return [] }
    throw .gone("read: \(String(cString: strerror(error)))")
  }

  /// Discards unread input (kernel buffer); returns how many bytes were waiting.
  @discardableResult
  public func discardInput() -> Int {
    var waiting: Int32 = 0
    _ = ioctl(fd, UInt(FIONREAD), &waiting)
    tcflush(fd, TCIFLUSH)
    return Int(waiting)
  }

  /// Waits for `events`; false on timeout. Hang-up and errors mean the device is gone.
  private func waitFor(_ events: Int16, timeout: Double) throws(SerialError) -> Bool {
    var descriptor = pollfd(fd: fd, events: events, revents: 0)
    let result = poll(&descriptor, 1, Int32(max(0, timeout * 1000).rounded(.up)))
    if result < 0 {
      if errno == EINTR { return false }
      throw .gone("poll: \(String(cString: strerror(errno)))")
    }
    if result == 0 { return false }
    if descriptor.revents & Int16(POLLNVAL) != 0 { throw .gone("port closed") }
    if descriptor.revents & events != 0 { return true }
    if descriptor.revents & Int16(POLLHUP | POLLERR) != 0 {
      throw .gone("hang-up on \(path)")
    }
    return false
  }

  /// Host monotonic seconds (CLOCK_MONOTONIC), for timing exchanges.
  public static func monotonicNow() -> Double { now() }

  static func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
  }

  /// termios speed constants for the rates counters use.
  static func speed(for baud: Int) -> speed_t? {
    switch baud {
    case 1200: speed_t(B1200)
    case 2400: speed_t(B2400)
    case 4800: speed_t(B4800)
    case 9600: speed_t(B9600)
    case 19200: speed_t(B19200)
    case 38400: speed_t(B38400)
    case 57600: speed_t(B57600)
    case 115200: speed_t(B115200)
    case 230400: speed_t(B230400)
    case 460800: speed_t(B460800)
    case 921600: speed_t(B921600)
    // Open Gamma Detector firmware (`shell.begin(2000000)`, devices.md §7).
    case 2_000_000: speed_t(B2000000)
    default: nil
    }
  }

  /// The baud rates `speed(for:)` accepts, for configuration messages.
  public static let supportedBauds = [
    1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 2_000_000,
  ]
}
