import DoseCore
import Foundation

/// A serial port with the framing helpers protocol sessions need: exact-length binary replies,
/// text lines, stale-input flushing, and counters of what was thrown away. Every wait is cut
/// into short slices so a stop request is honoured within 0.1 s.
public final class SerialLink {
  public let port: SerialPort
  public let stop: StopFlag
  public var counters = LinkCounters()
  private var buffer: [UInt8] = []
  /// Longest text line kept; longer ones are junk (a binary device on a text driver).
  public var maxLineLength = 1024

  public init(port: SerialPort, stop: StopFlag) {
    self.port = port
    self.stop = stop
  }

  /// Drops stale input before a request, so a late reply to an earlier request can never be
  /// taken for the answer to this one.
  public func discardInput() {
    let dropped = buffer.count + port.discardInput()
    if dropped > 0 {
      counters.bytesDropped += UInt64(dropped)
    }
    buffer.removeAll()
  }

  public func write(_ bytes: [UInt8]) throws(SerialError) {
    try checkStop()
    try port.write(bytes)
  }

  public func write(_ text: String) throws(SerialError) {
    try write(Array(text.utf8))
  }

  /// Exactly `count` bytes within `timeout` seconds, else `.timeout` (the partial reply is
  /// dropped and counted).
  public func readExactly(_ count: Int, timeout: Double, what: String) throws(SerialError)
    -> [UInt8]
  {
    let deadline = SerialPort.now() + timeout
    while buffer.count < count {
      try fill(until: deadline)
      if SerialPort.now() >= deadline && buffer.count < count {
        counters.bytesDropped += UInt64(buffer.count)
        buffer.removeAll()
        throw .timeout(what)
      }
    }
    let reply = Array(buffer[0..<count])
    buffer.removeFirst(count)
    return reply
  }

  /// Bytes that arrived after a complete reply: a reply longer than the protocol says.
  public func takeExtraBytes(settle: Double = 0.02) throws(SerialError) -> [UInt8] {
    let more = try port.read(timeout: settle)
    buffer.append(contentsOf: more)
    let extra = buffer
    buffer.removeAll()
    return extra
  }

  /// The next text line (CR, LF or CRLF ended), without its terminator, or nil if none
  /// completes within `timeout`. Over-long lines are dropped and counted as junk.
  public func readLine(timeout: Double) throws(SerialError) -> String? {
    let deadline = SerialPort.now() + timeout
    while true {
      if let end = buffer.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) {
        let line = Array(buffer[0..<end])
        var next = end + 1
        if buffer[end] == 0x0D, next < buffer.count, buffer[next] == 0x0A { next += 1 }
        buffer.removeFirst(next)
        if line.isEmpty { continue }
        return String(decoding: line, as: UTF8.self)
      }
      if buffer.count > maxLineLength {
        counters.bytesDropped += UInt64(buffer.count)
        counters.junkLines += 1
        buffer.removeAll()
      }
      if SerialPort.now() >= deadline { return nil }
      try fill(until: deadline)
    }
  }

  /// Waits up to `seconds`, honouring stop requests; input arriving meanwhile is buffered.
  public func pause(_ seconds: Double) throws(SerialError) {
    let deadline = SerialPort.now() + seconds
    while SerialPort.now() < deadline {
      try checkStop()
      let slice = min(0.1, deadline - SerialPort.now())
      if slice <= 0 { break }
      Thread.sleep(forTimeInterval: slice)
    }
  }

  private func fill(until deadline: Double) throws(SerialError) {
    try checkStop()
    let slice = max(0, min(0.1, deadline - SerialPort.now()))
    buffer.append(contentsOf: try port.read(timeout: slice))
  }

  private func checkStop() throws(SerialError) {
    if stop.isStopped { throw .stopped }
  }
}
