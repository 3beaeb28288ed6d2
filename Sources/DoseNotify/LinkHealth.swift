import DoseFollow

/// The liveness rule (reachable, snapshot advancing) is shared with dosed-board and lives in
/// DoseFollow; the notifier keeps its name for it, so its decisions read as they did.
typealias LinkHealth = DoseFollow.LinkHealth
