import DoseCore
import DoseProtocol
import Foundation
import Logging

/// The commands that read records or change a room: arguments decoded, engine called, failures
/// turned into error replies.
extension ClientSession {
  func control(_ command: Command, id: RequestID?, bytes: [UInt8]) async -> any Encodable {
    let actor = peer.map(PeerCredentials.identity)
    if command.isControl, let refusal = access.refusal(for: peer, command: command.rawValue) {
      logger.notice(
        "control request denied",
        metadata: [
          "cmd": "\(command.rawValue)", "uid": "\(peer?.uid.description ?? "?")",
          "pid": "\(peer?.pid.description ?? "?")",
        ])
      return ErrorReply(id: id, code: .permissionDenied, message: refusal)
    }
    let reply = await perform(command, id: id, bytes: bytes, actor: actor)
    // What an operator changed shows in the very next `status`, not at the next periodic
    // evaluation (a busy host may not reach it before the next request).
    if command.isControl, !(reply is ErrorReply) { await engine.evaluate() }
    // Reloads are logged by the reloader, with what changed.
    if command.isControl, command != .reload, !(reply is ErrorReply) {
      let target = try? WireCoding.decoder().decode(ControlTarget.self, from: Data(bytes))
      var metadata: Logger.Metadata = [
        "cmd": "\(command.rawValue)", "uid": "\(actor?.uid.description ?? "?")",
        "user": "\(actor?.name ?? "?")", "pid": "\(actor?.pid.description ?? "?")",
      ]
      for (key, value) in [
        ("room", target?.room), ("package", target?.package), ("alarm", target?.alarm),
        ("location", target?.location),
      ] {
        if let value { metadata[key] = "\(value)" }
      }
      logger.notice("control action", metadata: metadata)
    }
    return reply
  }

  private func perform(_ command: Command, id: RequestID?, bytes: [UInt8], actor: ActorIdentity?)
    async -> any Encodable
  {
    do {
      switch command {
      case .roomShow:
        let request = try ControlRequests.decode(RoomRequest.self, from: bytes, id: id).get()
        return RoomReply(id: id, room: try await engine.room(request.room))
      case .roomAdmit:
        let request = try ControlRequests.decode(RoomAdmitRequest.self, from: bytes, id: id).get()
        return RoomReply(
          id: id,
          room: try await engine.admit(
            room: request.room, patient: request.patient, nuclide: request.nuclide,
            activityBq: request.activityBq, at: request.at, actor: actor))
      case .roomDischarge:
        let request = try ControlRequests.decode(RoomRequest.self, from: bytes, id: id).get()
        return RoomReply(
          id: id, room: try await engine.discharge(room: request.room, at: request.at, actor: actor)
        )
      case .roomClear:
        let request = try ControlRequests.decode(RoomClearRequest.self, from: bytes, id: id).get()
        return RoomReply(
          id: id,
          room: try await engine.clear(room: request.room, wipeTest: request.wipeTest, actor: actor)
        )
      case .roomCalibrate:
        let request = try ControlRequests.decode(RoomCalibrateRequest.self, from: bytes, id: id)
          .get()
        return RoomReply(
          id: id,
          room: try await engine.calibrate(
            room: request.room, at1mUSvH: request.at1mUSvH, actor: actor))
      case .events:
        let request = try ControlRequests.decode(EventsRequest.self, from: bytes, id: id).get()
        // The engine names the window; the records are read off it (RecordReads).
        return try await engine.eventsQuery(request).events(request)
      case .history:
        let request = try ControlRequests.decode(HistoryRequest.self, from: bytes, id: id).get()
        return try await engine.historyQuery(request).history(request)
      case .wasteAdd:
        let request = try ControlRequests.decode(WasteAddRequest.self, from: bytes, id: id).get()
        return WasteReply(id: id, package: try await engine.addWaste(request, actor: actor))
      case .wasteList:
        let request = try ControlRequests.decode(WasteRequest.self, from: bytes, id: id).get()
        return WasteListReply(id: id, packages: try await engine.wasteList(store: request.store))
      case .wasteShow, .wasteRelease:
        let request = try ControlRequests.decode(WasteRequest.self, from: bytes, id: id).get()
        guard let package = request.package else {
          return ErrorReply(id: id, code: .badRequest, message: "missing 'package'")
        }
        let detail =
          command == .wasteShow
          ? try await engine.wasteDetail(package)
          : try await engine.releaseWaste(package, actor: actor)
        return WasteReply(id: id, package: detail)
      case .wasteSurvey:
        let request = try ControlRequests.decode(WasteSurveyRequest.self, from: bytes, id: id)
          .get()
        return WasteReply(
          id: id,
          package: try await engine.surveyWaste(
            package: request.package, surveyor: request.surveyor, actor: actor))
      case .roomMove:
        let request = try ControlRequests.decode(RoomMoveRequest.self, from: bytes, id: id).get()
        return RoomReply(
          id: id, room: try await engine.moveRoom(request.room, to: request.to, actor: actor))
      case .wasteMove:
        let request = try ControlRequests.decode(WasteMoveRequest.self, from: bytes, id: id).get()
        return WasteReply(
          id: id,
          package: try await engine.moveWaste(request.package, to: request.store, actor: actor))
      case .alarms:
        return await engine.alarms(id: id)
      case .reload:
        guard let reload else {
          return ErrorReply(id: id, code: .unavailable, message: "reload is not available here")
        }
        switch await reload(actor, id) {
        case .success(let reply): return reply
        case .failure(let error): return error
        }
      case .alarmAck:
        let request = try ControlRequests.decode(AlarmAckRequest.self, from: bytes, id: id).get()
        var reply = try await engine.acknowledge(
          alarm: request.alarm, note: request.note, actor: actor)
        reply.id = id
        return reply
      case .alarmTest:
        let request = try ControlRequests.decode(AlarmTestRequest.self, from: bytes, id: id).get()
        var reply = try await engine.raiseTestAlarm(
          at: request.location, note: request.note, actor: actor)
        reply.id = id
        return reply
      default:
        return ErrorReply(id: id, code: .internalError, message: "not a control command")
      }
    } catch let reply as ErrorReply {
      return reply
    } catch let failure as ControlFailure {
      if command.isControl {
        logger.notice(
          "control request refused",
          metadata: [
            "cmd": "\(command.rawValue)", "uid": "\(actor?.uid.description ?? "?")",
            "reason": "\(failure.message)",
          ])
      }
      return ErrorReply(id: id, code: failure.code, message: failure.message)
    } catch {
      return ErrorReply(id: id, code: .internalError, message: "\(error)")
    }
  }
}

/// What a control request acts on, for its log line (patient references are left out).
private struct ControlTarget: Decodable {
  var room: String?
  var package: String?
  var alarm: String?
  var location: String?
}
