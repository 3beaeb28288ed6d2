/// What operators do to an isolation room, and when the rules allow it.
///
/// The cycle is clear → occupied (admit) → awaiting_clearance (discharge) → clear (clear). A room
/// becomes clear only through `clear`, a recorded decision that needs the contamination survey
/// (the fixed monitor cannot see removable contamination, health-physics.md §2 rule 4), a room
/// that is not in fault, and the clearance decision `below` (docs/measurement.md §4).
public enum RoomAction: String, Sendable, Hashable, Codable, CaseIterable {
  case admit
  case discharge
  case clear
}

extension IsolationRoomMonitor {
  /// Why `action` is not allowed now, or nil when it is.
  /// - Parameters:
  ///   - last: the room's latest assessment (its fault state and clearance decision).
  ///   - surveyRecorded: for `clear`, whether the contamination survey result was given.
  public func refusal(
    of action: RoomAction, last: LocationAssessment?, surveyRecorded: Bool = false
  ) -> String? {
    switch action {
    case .admit:
      switch occupancy {
      case .occupied: return "room \(id) is occupied: discharge the current patient first"
      case .awaitingClearance:
        return "room \(id) is awaiting clearance: survey and clear it before the next patient"
      case .clear: return nil
      }
    case .discharge:
      return occupancy == .occupied ? nil : "room \(id) has no patient to discharge"
    case .clear:
      guard occupancy == .awaitingClearance else {
        return occupancy == .occupied
          ? "room \(id) is occupied: discharge the patient first"
          : "room \(id) is already clear"
      }
      guard let last else { return "room \(id) has not been assessed yet" }
      if last.state == .fault {
        let why = last.reasons.first.map { ": \($0)" } ?? ""
        return "room \(id) is in fault and cannot be cleared" + why
      }
      guard let clearance = last.clearance else {
        return "room \(id) has no clearance decision yet"
      }
      switch clearance.decision {
      case .below:
        break
      case .above:
        return "room \(id) reads above its clearance level "
          + String(format: "%.3g µSv/h", clearance.limitUSvH)
      case .undecided:
        let wait = clearance.needsCountingSeconds.map { String(format: " (about %.0f s more)", $0) }
        return "room \(id) is not yet shown below its clearance level: keep counting"
          + (wait ?? "")
      }
      guard surveyRecorded else {
        return "record the contamination survey (wipe test) of room \(id) to clear it"
      }
      return nil
    }
  }

  /// Moves the room on; call only when `refusal(of:)` is nil.
  public mutating func apply(_ action: RoomAction) {
    switch action {
    case .admit: setOccupancy(.occupied)
    case .discharge: setOccupancy(.awaitingClearance)
    case .clear: setOccupancy(.clear)
    }
  }
}
