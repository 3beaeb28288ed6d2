import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs the configuration parser over a file's text in a child process first (`dosed
/// --check-config`), so that a parser crash on a malformed file ends the child, not the running
/// daemon and the monitoring it does.
///
/// Why: TOMLKit's toml++ aborts the process on some malformed input instead of reporting it
/// (three such shapes found by fuzzing are refused before it, docs/reliability.md "Findings";
/// others may exist). A reload (SIGHUP, `dosectl reload`) reads a file someone just edited, in
/// a daemon that is watching rooms. When the child ends normally, whatever its verdict, the
/// daemon parses the same text itself for the precise error; when it dies of a signal or hangs,
/// the reload is refused with that.
public struct ParserSandbox: Sendable {
  /// The program and its arguments; the text arrives on its standard input.
  public var command: [String]
  /// Longer than any real parse (milliseconds); a hang is killed after it.
  public var timeoutSeconds: Double

  public init(command: [String], timeoutSeconds: Double = 5) {
    self.command = command
    self.timeoutSeconds = timeoutSeconds
  }

  /// This very binary (`/proc/self/exe`, still the right file after a package upgrade replaced
  /// it on disk) checking the text it is given on standard input.
  public static func dosed(executable: String = "/proc/self/exe") -> ParserSandbox {
    ParserSandbox(command: [executable, "--check-config", "--config", "/dev/stdin"])
  }

  /// Throws when the child could not parse `text` without dying or hanging; `path` names the
  /// file in the error.
  public func vet(_ text: String, path: String) throws(ConfigError) {
    func failure(_ message: String) -> ConfigError {
      ConfigError(file: path, line: nil, keyPath: "", message: message)
    }
    // The text goes through an unlinked temporary file, not a pipe: no size limit, and no
    // SIGPIPE if the child dies before reading it all.
    var template = Array("/tmp/dosed-config-XXXXXX".utf8CString)
    let input = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard input >= 0 else {
      throw failure(
        "cannot check the file in a separate process: \(String(cString: strerror(errno)))")
    }
    defer { close(input) }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes {
        write(input, $0.baseAddress! + offset, $0.count - offset)
      }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        throw failure("cannot check the file in a separate process: write failed")
      }
      offset += written
    }
    lseek(input, 0, SEEK_SET)
    bytes = []

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, input, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, command[0], &actions, nil, &argv, environ)
    guard spawned == 0 else {
      throw failure(
        "cannot check the file in a separate process: \(command[0]): "
          + String(cString: strerror(spawned)))
    }
    var status: Int32 = 0
    let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
    while true {
      let result = waitpid(pid, &status, WNOHANG)
      if result == pid { break }
      if result < 0 && errno != EINTR {
        throw failure("cannot check the file in a separate process: waitpid failed")
      }
      if ContinuousClock.now > deadline {
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        throw failure(
          "the TOML parser did not finish within \(Int(timeoutSeconds)) s (checked in a separate "
            + "process, which was killed); the file is malformed in a way it cannot report")
      }
      usleep(2_000)
    }
    // WIFSIGNALED / WTERMSIG: the low seven bits hold the signal, 0x7f means stopped.
    let signal = status & 0x7f
    if signal != 0 && signal != 0x7f {
      let name = strsignal(signal).map { String(cString: $0) } ?? "signal \(signal)"
      throw failure(
        "the TOML parser crashed on this file (\(name), in a separate check process); it is "
          + "malformed in a way the parser cannot report: look for a table header without a "
          + "name, a date-time cut short, or control characters")
    }
  }
}
