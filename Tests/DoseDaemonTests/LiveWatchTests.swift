import DeviceEmulators
import DoseProtocol
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `dosectl watch` on a real terminal (a pseudo-terminal): the live view redraws the status
/// tables in place and shows state changes below; Ctrl-C (SIGINT) restores the screen and exits
/// 0. With `--lines`, or off a terminal, it prints one line per event.
@Suite(.serialized, .stopsDaemons) struct LiveWatchTests {
  /// Runs dosectl with stdin, stdout and stderr on a new terminal of 30 rows × 100 columns.
  func spawnOnTerminal(_ arguments: [String]) throws -> (pid_t, PseudoTerminal) {
    let terminal = try PseudoTerminal()
    var size = winsize(ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
    _ = ioctl(terminal.masterFD, UInt(TIOCSWINSZ), &size)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd: Int32 in [0, 1, 2] {
      posix_spawn_file_actions_addopen(&actions, fd, terminal.slavePath, O_RDWR, 0)
    }
    let path = ExecutableTests.binaries.appendingPathComponent("dosectl").path
    let all = [path] + arguments
    var argv: [UnsafeMutablePointer<CChar>?] = all.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    let variables: [String] = ["PATH=/usr/bin:/bin", "TERM=xterm"]
    var environment: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
    defer { for pointer in environment { free(pointer) } }
    // As a shell starts it: default signal handling and nothing blocked (a test thread may
    // block signals, and a child inherits the mask).
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    var every = sigset_t()
    sigfillset(&every)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &every)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let result = posix_spawn(&pid, path, &actions, &attributes, &argv, &environment)
    try #require(result == 0, "cannot start dosectl")
    return (pid, terminal)
  }

  /// Everything the terminal shows until `condition` holds on it or `seconds` pass.
  func read(
    _ terminal: PseudoTerminal, seconds: Double,
    until condition: @escaping @Sendable (String) -> Bool
  ) async throws -> String {
    let fd = terminal.masterFD
    return try await offPool {
      var bytes: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 65536)
      let end = Date().addingTimeInterval(seconds)
      while Date() < end {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 100) > 0 {
          let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
          if count > 0 { bytes += buffer[0..<count] }
        }
        if condition(String(decoding: bytes, as: UTF8.self)) { break }
      }
      return String(decoding: bytes, as: UTF8.self)
    }
  }

  /// The exit status; -1 if it did not exit within 10 s (then it is killed).
  func exitStatus(_ pid: pid_t) async throws -> Int32 {
    try await offPool {
      var status: Int32 = 0
      let end = Date().addingTimeInterval(10)
      while Date() < end {
        if waitpid(pid, &status, WNOHANG) == pid { return (status >> 8) & 0xff }
        Thread.sleep(forTimeInterval: 0.05)
      }
      kill(pid, SIGKILL)
      waitpid(pid, &status, 0)
      return -1
    }
  }

  @Test func liveViewRedrawsAndCtrlCRestoresTheScreen() async throws {
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60)
    let (pid, terminal) = try spawnOnTerminal(["watch", "--socket", daemon.socketPath])
    // A state change while watching shows up in the event list: once the view is drawing its
    // tables and its watch connection is subscribed (it subscribes on a thread of its own,
    // and a watch does not replay what came before).
    let shown = try await read(terminal, seconds: 60) {
      $0.contains("LOCATION") && $0.contains("room-1")
    }
    try await eventually("dosectl is watching") {
      await daemon.service.engine.watcherCount > 0
    }
    _ = try await daemon.send(
      RoomRequest(id: .number(1), command: .roomDischarge, room: "room-1"), as: RoomReply.self)
    // (On a loaded host the room may pass through `fault` on its way.)
    let later = try await read(terminal, seconds: 60) {
      $0.contains("location_state  room-1  ") && $0.contains(" → awaiting_clearance")
    }
    kill(pid, SIGINT)
    let rest = try await read(terminal, seconds: 30) { $0.contains("\u{1B}[?1049l") }
    #expect(try await exitStatus(pid) == 0)
    let screen = shown + later + rest
    #expect(screen.hasPrefix("\u{1B}[?1049h"), "switches to the alternate screen")
    #expect(screen.contains("DETECTOR"))
    #expect(screen.contains("live; Ctrl-C to quit"))
    #expect(later.contains(" → awaiting_clearance"))
    // Redrawn in place, several times (at least once a second).
    #expect(screen.components(separatedBy: "\u{1B}[H\u{1B}[2J").count >= 3)
    #expect(screen.hasSuffix("\u{1B}[?25h\u{1B}[?1049l"), "the screen is put back")
    // No line of the frame is wider than the terminal (none wraps).
    let frame = screen.components(separatedBy: "\u{1B}[H\u{1B}[2J").dropFirst().first ?? ""
    let widest =
      frame.split(separator: "\n").map { line in
        line.replacing(/\x1B\[[0-9;]*[A-Za-z]/, with: "").replacing("\r", with: "").count
      }.max() ?? 0
    #expect(widest <= 100)
  }

  @Test func linesFlagPrintsOneLinePerEventOnATerminal() async throws {
    let daemon = try await TestDaemon.start(smallWard, timeScale: 60)
    let (pid, terminal) = try spawnOnTerminal([
      "watch", "--lines", "--socket", daemon.socketPath,
    ])
    let output = try await read(terminal, seconds: 60) {
      $0.components(separatedBy: "reading").count > 3
    }
    kill(pid, SIGINT)
    _ = try await exitStatus(pid)
    #expect(!output.contains("\u{1B}[?1049h"))
    #expect(output.contains("reading  r1  ok"))
  }
}
