import Foundation

/// `/etc/dosed/notify.toml`, validated: what to follow and whom to tell.
public struct NotifyConfig: Sendable, Equatable {
  /// dosed's socket.
  public var socket = "/run/dosed/dosed.sock"
  /// The `ward` label on Alertmanager alerts and `DOSED_WARD` for programs; default the host
  /// name, so alerts from two wards on one Alertmanager stay apart.
  public var ward: String
  /// dosed unreachable this long (its socket refuses, or no reply) → `unmonitored`. Short,
  /// because the issue's bound for `kill -9` is 10 s; long enough that one slow reply is not an
  /// alarm.
  public var unmonitoredAfterSeconds: Double = 3
  /// dosed answers but its snapshot (`time`, `uptime_s`) has not moved this long → `unmonitored`:
  /// its engine is stuck, and nothing it says is current. The engine refreshes every 0.25 s
  /// (docs/protocol.md, "Freshness"), so 5 s is twenty missed refreshes.
  public var staleAfterSeconds: Double = 5
  /// What the notifier has told, kept across its restarts, so that an alarm that cleared while
  /// it was stopped is still told as cleared (a beacon is switched off). Default `told.json` in
  /// systemd's `$STATE_DIRECTORY` (the unit's `StateDirectory=dosed-notify`); nil (no state
  /// directory, or `state_file = ""`) keeps it in memory only.
  public var stateFile: String?
  public var actions: [ActionConfig] = []
  public var escalation: [EscalationTier] = []

  public init(ward: String) {
    self.ward = ward
  }

  /// Exec actions whose program is not (yet) an executable file here. Not a configuration
  /// error (the program may be installed after the file is written, and the check may run on
  /// another host), but said at `--check-config` and at start, since every run would fail.
  public func missingPrograms(
    isExecutable: (String) -> Bool = { FileManager.default.isExecutableFile(atPath: $0) }
  ) -> [String] {
    actions.filter { $0.kind == .exec }.compactMap { action in
      guard let program = action.command.first, !isExecutable(program) else { return nil }
      return "action '\(action.name)': \(program) is not an executable file"
    }
  }

  /// Actions not named by any escalation tier: they get every event their filter passes.
  public var firstTierActions: [ActionConfig] {
    let escalated = Set(escalation.flatMap(\.actions))
    return actions.filter { !escalated.contains($0.name) }
  }
}

/// One `[[action]]`.
public struct ActionConfig: Sendable, Equatable {
  public enum Kind: String, Sendable, Equatable, CaseIterable {
    case exec
    case alertmanager
  }

  public var name: String
  public var kind: Kind
  /// exec: program (absolute path) and its arguments; run directly, never through a shell.
  public var command: [String] = []
  /// alertmanager: its base URL, e.g. `http://127.0.0.1:9093`.
  public var url: URL?
  /// The events this action gets; all of them by default.
  public var events: Set<NotifyEventKind> = Set(NotifyEventKind.allCases)
  /// One attempt may take this long: an exec action's process group is killed after it, an
  /// HTTP post abandoned.
  public var timeoutSeconds: Double = 10
  /// Retries back off from 1 s, doubling, to at most this.
  public var retryMaxSeconds: Double = 30
  /// A delivery still failing after this long is dropped (and counted): a broken program must
  /// not hold the queue for ever. Alertmanager re-posts its whole state, so for it this bounds
  /// only resolutions.
  public var giveUpSeconds: Double = 3600
  /// alertmanager: re-post firing alerts this often (Alertmanager resolves an alert that is not
  /// re-posted before its `endsAt`).
  public var resendSeconds: Double = 60

  public init(name: String, kind: Kind) {
    self.name = name
    self.kind = kind
  }
}

/// One `[[escalation]]`: after `after_s` without an acknowledgement, these actions too.
public struct EscalationTier: Sendable, Equatable {
  public var afterSeconds: Double
  public var actions: [String]

  public init(afterSeconds: Double, actions: [String]) {
    self.afterSeconds = afterSeconds
    self.actions = actions
  }
}

/// A configuration problem, with the file and line it is on when known.
public struct NotifyConfigError: Error, Equatable, CustomStringConvertible {
  public var file: String
  public var line: Int?
  public var message: String

  public init(file: String, line: Int?, message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  public var description: String {
    "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
  }
}

/// Several problems at once, so one `--check-config` run lists them all.
public struct NotifyConfigErrors: Error, CustomStringConvertible {
  public var errors: [NotifyConfigError]

  public var description: String {
    errors.map(\.description).joined(separator: "\n")
  }
}
