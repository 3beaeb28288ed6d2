import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a program directly (posix_spawn, never a shell) in a process group of its own, feeds
/// it one line on stdin, collects its stderr, and kills the whole group if it overruns.
public enum ProcessRunner {
  public struct Result: Sendable, Equatable {
    /// Exit status, or nil when killed by a signal.
    public var exitStatus: Int32?
    public var signal: Int32?
    public var timedOut: Bool
    /// The start of its stderr (at most `stderrLimit` bytes), lossily decoded.
    public var stderr: String

    public var succeeded: Bool { exitStatus == 0 && !timedOut }

    public var summary: String {
      if timedOut { return "timed out; process group killed" }
      if let exitStatus { return "exit status \(exitStatus)" }
      return "killed by signal \(signal ?? 0)"
    }
  }

  public struct SpawnError: Error, CustomStringConvertible {
    public var description: String
    /// posix_spawn's error, when it was one.
    public var code: Int32?
  }

  static let stderrLimit = 4096

  /// Spawns `argv` with exactly `environment`, writes `input` to its stdin and closes it, and
  /// waits up to `timeout` seconds, polling, so no thread is held while it runs.
  public static func run(
    _ argv: [String], environment: [String: String], input: Data, timeout: Double
  ) async throws -> Result {
    let child = try await spawnRetrying(argv, environment: environment)
    defer {
      close(child.stderr)
    }
    write(input, to: child.stdin)
    close(child.stdin)
    var collected: [UInt8] = []
    let deadline = ContinuousClock.now + .seconds(timeout)
    while true {
      drain(child.stderr, into: &collected)
      var status: Int32 = 0
      let waited = waitpid(child.pid, &status, WNOHANG)
      if waited == child.pid {
        drain(child.stderr, into: &collected)
        return decode(status: status, timedOut: false, stderr: collected)
      }
      if waited < 0 && errno != EINTR {
        throw SpawnError(description: "waitpid: \(String(cString: strerror(errno)))")
      }
      if ContinuousClock.now >= deadline || Task.isCancelled {
        // The whole group: a script's own children (a `sleep`, a `curl`) go too.
        kill(-child.pid, SIGKILL)
        // Reaped without blocking the pool: a child in uninterruptible sleep (a wedged USB
        // device) may not die at once, and a blocking waitpid would hold a pool thread.
        for _ in 0..<250 where !Task.isCancelled {
          let reaped = waitpid(child.pid, &status, WNOHANG)
          if reaped == child.pid || (reaped < 0 && errno != EINTR) {
            return decode(status: status, timedOut: true, stderr: collected)
          }
          try? await Task.sleep(for: .milliseconds(20))
        }
        Self.reapLater(child.pid)
        return decode(status: status, timedOut: true, stderr: collected)
      }
      try? await Task.sleep(for: .milliseconds(20))
    }
  }

  /// One spawn at a time in this process: pipes are made and marked close-on-exec, and the
  /// child started, before another action's child can be started and inherit them.
  private static let spawnLock = Mutex(())

  private struct Child {
    var pid: pid_t
    var stdin: Int32
    var stderr: Int32
  }

  /// Waits for a killed child on a thread of its own (never the concurrency pool), so that it
  /// does not stay a zombie once it does die.
  private static func reapLater(_ pid: pid_t) {
    Thread {
      var status: Int32 = 0
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }.start()
  }

  /// ETXTBSY: another thread of this process was forking while the program file was still open
  /// for writing (a script just installed); the child that inherited the descriptor execs or
  /// exits within moments, so a few short retries clear it.
  private static func spawnRetrying(_ argv: [String], environment: [String: String]) async throws
    -> Child
  {
    var attempt = 1
    while true {
      do {
        return try spawnLock.withLock { _ in try spawn(argv, environment: environment) }
      } catch let error as SpawnError where error.code == ETXTBSY && attempt < 10 {
        attempt += 1
        try? await Task.sleep(for: .milliseconds(20 * attempt))
      }
    }
  }

  private static func spawn(_ argv: [String], environment: [String: String]) throws -> Child {
    guard let program = argv.first else { throw SpawnError(description: "empty command") }
    // A write to a reader that has gone must fail with EPIPE, not kill the notifier.
    signal(SIGPIPE, SIG_IGN)
    var input: [Int32] = [0, 0]
    var errors: [Int32] = [0, 0]
    guard pipe(&input) == 0 else { throw SpawnError(description: "pipe: \(errnoText())") }
    guard pipe(&errors) == 0 else {
      close(input[0])
      close(input[1])
      throw SpawnError(description: "pipe: \(errnoText())")
    }
    // Our ends must not leak into other children; the dup2 below clears it on the child's.
    // (pipe2 is hidden from Swift's Glibc module; `spawnLock` keeps another action's spawn out
    // of the moment between pipe and fcntl.)
    for fd in [input[0], input[1], errors[0], errors[1]] {
      _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }
    _ = fcntl(input[1], F_SETFL, fcntl(input[1], F_GETFL) | O_NONBLOCK)
    _ = fcntl(errors[0], F_SETFL, fcntl(errors[0], F_GETFL) | O_NONBLOCK)

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, input[0], 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, errors[1], 2)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Own process group (so a timeout kills all of it), an empty signal mask, and default
    // handlers for the signals the notifier's lifecycle ignores: an ignored signal would
    // otherwise stay ignored across exec.
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] {
      sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment =
      environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in cArguments + cEnvironment { free(pointer) }
    }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, program, &actions, &attributes, cArguments, cEnvironment)
    close(input[0])
    close(errors[1])
    guard result == 0 else {
      close(input[1])
      close(errors[0])
      throw SpawnError(
        description: "cannot run \(program): \(String(cString: strerror(result)))", code: result)
    }
    return Child(pid: pid, stdin: input[1], stderr: errors[0])
  }

  /// Writes what fits without blocking (an event line is far below a pipe's 64 KiB); a program
  /// that does not read its stdin is not an error.
  private static func write(_ data: Data, to fd: Int32) {
    data.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return
        }
        offset += written
      }
    }
  }

  private static func drain(_ fd: Int32, into collected: inout [UInt8]) {
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { return }
      let room = stderrLimit - collected.count
      if room > 0 { collected += chunk[0..<min(room, count)] }
    }
  }

  private static func decode(status: Int32, timedOut: Bool, stderr: [UInt8]) -> Result {
    // The <sys/wait.h> macros are not imported: low 7 bits are the signal, 0 for an exit.
    let signal = status & 0x7f
    return Result(
      exitStatus: signal == 0 ? (status >> 8) & 0xff : nil,
      signal: signal == 0 ? nil : signal,
      timedOut: timedOut,
      stderr: String(decoding: stderr, as: UTF8.self))
  }

  private static func errnoText() -> String { String(cString: strerror(errno)) }
}
