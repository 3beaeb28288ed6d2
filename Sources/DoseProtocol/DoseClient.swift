import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A small blocking client for the daemon's Unix socket, enough for dosectl and tests.
///
/// Connects, reads the `hello` line, then sends requests and reads reply lines.
public final class DoseClient {
  public enum Failure: Error, CustomStringConvertible {
    /// The socket could not be reached (no daemon, wrong path, no permission).
    case unreachable(path: String, reason: String)
    /// The daemon sent something that is not protocol 1.
    case protocolViolation(String)
    /// The connection ended before a reply arrived.
    case closed
    /// No reply within the timeout: the daemon is alive but not answering.
    case timedOut(Double)

    public var description: String {
      switch self {
      case .unreachable(let path, let reason):
        "cannot reach dosed at \(path): \(reason)"
      case .protocolViolation(let what): "protocol error: \(what)"
      case .closed: "the daemon closed the connection"
      case .timedOut(let seconds): "no reply from dosed within \(Int(seconds)) s"
      }
    }
  }

  private let fd: Int32
  /// Bytes received and not yet returned; the first `scanned` of them hold no newline.
  private var buffer: [UInt8] = []
  private var scanned = 0
  /// One receive buffer for the connection's life (a status reply is about 15 kB).
  private var chunk = [UInt8](repeating: 0, count: 65536)
  public private(set) var hello: Hello?

  private var timeout: Double?

  /// Connects to `path` and reads the greeting. Reads give up after `timeout` seconds (nil =
  /// wait forever, as `watch` does between events).
  public init(path: String, timeout: Double? = 10) throws(Failure) {
    // Close-on-exec: a program the notifier runs must not inherit its connections to dosed.
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw .unreachable(path: path, reason: Self.errnoText()) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else {
      close(fd)
      throw .unreachable(path: path, reason: "socket path longer than \(capacity - 1) bytes")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard result == 0 else {
      let reason = Self.errnoText()
      close(fd)
      throw .unreachable(path: path, reason: reason)
    }
    self.fd = fd
    setTimeout(timeout)
    guard let line = try readLine() else { throw .closed }
    // Turned away at the door (too many clients): say why.
    if let refusal = try? WireCoding.decoder().decode(ErrorReply.self, from: line),
      refusal.class == "error"
    {
      throw .unreachable(path: path, reason: "\(refusal.code.rawValue): \(refusal.message)")
    }
    guard let hello = try? WireCoding.decoder().decode(Hello.self, from: line),
      hello.class == "hello"
    else {
      throw .protocolViolation("expected a hello, got \(String(decoding: line, as: UTF8.self))")
    }
    self.hello = hello
  }

  deinit {
    close(fd)
  }

  /// Changes the read timeout (nil = none).
  public func setTimeout(_ seconds: Double?) {
    timeout = seconds
    let value = seconds ?? 0
    var interval = timeval(
      tv_sec: Int(value), tv_usec: Int((value - value.rounded(.down)) * 1_000_000))
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
  }

  /// Sends one request line.
  public func send(_ request: some Encodable) throws(Failure) {
    let data: Data
    do {
      data = try WireCoding.line(request)
    } catch {
      throw .protocolViolation("cannot encode request: \(error)")
    }
    try sendRaw(data)
  }

  /// Sends bytes as they are (tests use this for malformed input).
  public func sendRaw(_ data: Data) throws(Failure) {
    var offset = 0
    while offset < data.count {
      let written = data.withUnsafeBytes { raw in
        Glibc.send(fd, raw.baseAddress! + offset, data.count - offset, Int32(MSG_NOSIGNAL))
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw .closed
      }
      offset += written
    }
  }

  /// Shuts down the sending side (the daemon still answers what it got).
  public func finishSending() {
    shutdown(fd, Int32(SHUT_WR))
  }

  /// The next line from the daemon without its newline, or nil at end of stream.
  public func readLine() throws(Failure) -> Data? {
    while true {
      // Only the new bytes are searched: a long line arriving in pieces is scanned once.
      if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
        let line = Data(buffer[..<newline])
        buffer.removeSubrange(...newline)
        scanned = 0
        return line
      }
      scanned = buffer.count
      let fd = fd
      let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count < 0 {
        if errno == EINTR { continue }
        if errno == EAGAIN || errno == EWOULDBLOCK { throw .timedOut(timeout ?? 0) }
        throw .closed
      }
      if count == 0 {
        return nil
      }
      buffer.append(contentsOf: chunk[0..<count])
    }
  }

  /// Sends a request and returns the first reply line.
  public func request(_ command: String, id: RequestID = .number(1)) throws(Failure) -> Data {
    try send(Request(id: id, cmd: command))
    guard let line = try readLine() else { throw .closed }
    return line
  }

  /// Sends any request object (control commands carry arguments) and returns the first reply
  /// line.
  public func request(_ value: some Encodable) throws(Failure) -> Data {
    try send(value)
    guard let line = try readLine() else { throw .closed }
    return line
  }

  private static func errnoText() -> String {
    String(cString: strerror(errno))
  }
}
