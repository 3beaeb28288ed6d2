import ArgumentParser
import DoseProtocol
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// `dosectl watch` on a terminal: the status tables redrawn in place on the alternate screen
/// (as `top` does), with the latest state changes, alarms and device news underneath. Ctrl-C
/// restores the screen. The event stream keeps one connection; the tables come from `status`
/// on a second one, at most four times a second and at least once a second (ages move).
struct LiveWatch {
  let socketPath: String

  /// What the stream thread hands to the drawing loop.
  private final class Shared: Sendable {
    struct State {
      var events: [String] = []
      var changed = true
      /// Set when the stream ends: the message and the exit code.
      var failure: (String, Int32)?
    }
    let state = Mutex(State())
    static let keep = 200
  }

  func run() throws {
    let shared = Shared()
    let path = socketPath
    Thread { Self.stream(path: path, into: shared) }.start()
    let (stop, signalSources) = Self.interruptFlag()
    defer {
      for source in signalSources { source.cancel() }
    }
    var status: DoseClient?
    let out = FileHandle.standardOutput
    // Alternate screen, cursor hidden; put back however we leave.
    out.write(Data("\u{1B}[?1049h\u{1B}[?25l".utf8))
    defer { out.write(Data("\u{1B}[?25h\u{1B}[?1049l".utf8)) }
    var lastDraw = Date.distantPast
    while !stop.isSet {
      let (events, changed, failure) = shared.state.withLock { state in
        defer { state.changed = false }
        return (state.events, state.changed, state.failure)
      }
      if let (message, code) = failure {
        out.write(Data("\u{1B}[?25h\u{1B}[?1049l".utf8))
        FileHandle.standardError.write(Data("dosectl: \(DisplayText.escaped(message))\n".utf8))
        throw ExitCode(code)
      }
      let now = Date()
      let due = now.timeIntervalSince(lastDraw)
      if (changed && due >= 0.25) || due >= 1 {
        if status == nil { status = try? DoseClient(path: path, timeout: 5) }
        let reply = (try? status?.request("status")).flatMap {
          try? WireCoding.decoder().decode(StatusReply.self, from: $0)
        }
        if reply == nil { status = nil }
        let size = Self.terminalSize()
        let screen = LiveScreen.render(
          status: reply, events: events, width: size.columns, height: size.rows,
          style: .current, socket: path)
        out.write(Data(("\u{1B}[H\u{1B}[2J" + screen).utf8))
        lastDraw = now
      }
      Thread.sleep(forTimeInterval: 0.05)
    }
  }

  /// Reads the event stream until it ends; every event but readings goes to the list.
  private static func stream(path: String, into shared: Shared) {
    func fail(_ message: String, _ code: Int32) {
      shared.state.withLock { $0.failure = (message, code) }
    }
    let client: DoseClient
    do {
      client = try DoseClient(path: path, timeout: 10)
      let first = try client.request(Request(id: .number(1), cmd: "watch"))
      if WireCoding.messageClass(of: first) == "error" {
        fail(String(decoding: first, as: UTF8.self), ExitCodes.errorReply)
        return
      }
    } catch {
      fail("\(error)", ExitCodes.unreachable)
      return
    }
    client.setTimeout(nil)
    while true {
      let line: Data?
      do {
        line = try client.readLine()
      } catch {
        fail("\(error)", ExitCodes.unreachable)
        return
      }
      guard let line else {
        fail("the daemon closed the stream", ExitCodes.unreachable)
        return
      }
      if WireCoding.messageClass(of: line) == "error" {
        fail(String(decoding: line, as: UTF8.self), ExitCodes.errorReply)
        return
      }
      guard let event = try? WireCoding.decoder().decode(WatchEvent.self, from: line) else {
        continue
      }
      // Readings show in the tables; the list is for what changed.
      let isReading = event.event == "reading"
      shared.state.withLock { state in
        state.changed = true
        if isReading { return }
        state.events.append(Format.event(event))
        if state.events.count > Shared.keep { state.events.removeFirst() }
      }
    }
  }

  /// Rows and columns of the terminal on stdout; 24×80 when it will not say.
  static func terminalSize() -> (rows: Int, columns: Int) {
    var size = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0
    else { return (24, 80) }
    return (Int(size.ws_row), Int(size.ws_col))
  }

  /// Set by SIGINT or SIGTERM, so that the screen is put back before exiting.
  final class InterruptFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
  }

  /// The flag, and the signal sources that set it (they must live as long as the view).
  private static func interruptFlag() -> (InterruptFlag, [any DispatchSourceSignal]) {
    let flag = InterruptFlag()
    var sources: [any DispatchSourceSignal] = []
    // Whoever started us may have left these blocked; Ctrl-C must reach us.
    var signals = sigset_t()
    sigemptyset(&signals)
    for number in [SIGINT, SIGTERM] {
      sigaddset(&signals, number)
    }
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { flag.set() }
      source.resume()
      sources.append(source)
    }
    return (flag, sources)
  }
}

/// One frame of the live view, as text: pure, so that it can be checked without a terminal.
enum LiveScreen {
  static func render(
    status: StatusReply?, events: [String], width: Int, height: Int, style: TerminalStyle,
    socket: String
  ) -> String {
    var lines: [String] = []
    if let status {
      lines.append(
        "dosed \(DisplayText.escaped(status.version)) at \(Format.time(status.time))"
          + (status.timeScale != 1
            ? "  (simulated time ×\(Format.number(status.timeScale)))" : "")
          + "  — live; Ctrl-C to quit")
      lines.append("")
      lines += Tables.locations(status.locations, style: style).split(
        separator: "\n", omittingEmptySubsequences: false
      ).map(String.init)
      lines.append("")
      lines += Tables.detectors(status.detectors, style: style).split(
        separator: "\n", omittingEmptySubsequences: false
      ).map(String.init)
      lines.append("")
      lines += Tables.alarms(status.alarms, style: style).split(
        separator: "\n", omittingEmptySubsequences: false
      ).map(String.init)
    } else {
      lines.append("dosed at \(socket) does not answer `status`; retrying …")
    }
    lines.append("")
    // The newest events that fit; at least three lines of them when there is any room.
    let room = max(0, height - lines.count - 2)
    lines.append(events.isEmpty ? "Recent events: none yet" : "Recent events:")
    lines += events.suffix(room)
    return lines.prefix(max(1, height - 1)).map { clip($0, to: width) }.joined(separator: "\n")
  }

  /// Cuts a line to `width` visible characters, keeping colour escapes whole (and resetting
  /// colour when one was cut off), so a long line never wraps and scrolls the screen.
  static func clip(_ line: String, to width: Int) -> String {
    var result = ""
    var visible = 0
    var inEscape = false
    var cut = false
    for character in line {
      if inEscape {
        result.append(character)
        if character.isLetter { inEscape = false }
        continue
      }
      if character == "\u{1B}" {
        inEscape = true
        result.append(character)
        continue
      }
      if visible >= width {
        cut = true
        continue
      }
      result.append(character)
      visible += 1
    }
    return cut && result.contains("\u{1B}") ? result + "\u{1B}[0m" : result
  }
}
