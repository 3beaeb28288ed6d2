import ArgumentParser
import DoseProtocol
import Foundation

/// `dosectl events [--since 24h] [--location L] [--detector D] [--limit N]`.
struct Events: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Recorded events: state changes, alarms and operator actions, with who did them.")
  @OptionGroup var options: CommonOptions
  @Option(help: "How far back, e.g. 24h or 7d; or an ISO 8601 time.") var since: String?
  @Option(help: "Only this location.") var location: String?
  @Option(help: "Only this detector.") var detector: String?
  @Option(help: "At most this many (the newest).") var limit: Int?

  func run() throws {
    var request = EventsRequest(
      id: .number(1), location: location, detector: detector, limit: limit)
    do {
      if let since { (request.since, request.lastSeconds) = try History.window(since) }
    } catch {
      throw ValidationError("\(error)")
    }
    let (_, line) = try query(request, options: options)
    if options.json {
      print(String(decoding: line, as: UTF8.self))
      return
    }
    print(Tables.events(try decode(EventsReply.self, line).events))
  }
}

/// `dosectl history ID [--since 24h]`: per-minute dose rate with a terminal chart.
struct History: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "A detector's or location's dose rate over time, minute by minute.")
  @OptionGroup var options: CommonOptions
  @Argument(help: "Detector or location id.") var id: String
  @Option(help: "How far back, e.g. 24h or 7d; or an ISO 8601 time.") var since = "24h"

  /// `24h` → the daemon's last 24 h (by its own clock); an ISO time → since then.
  static func window(_ text: String) throws -> (since: Date?, lastSeconds: Double?) {
    if let first = text.first, first.isNumber, !text.contains("T") {
      return (nil, try Quantities.duration(text))
    }
    return (try Quantities.time(text), nil)
  }

  func run() throws {
    var request = HistoryRequest(id: .number(1), of: id, since: nil)
    do {
      (request.since, request.lastSeconds) = try Self.window(since)
    } catch {
      throw ValidationError("\(error)")
    }
    let (_, line) = try query(request, options: options)
    if options.json {
      print(String(decoding: line, as: UTF8.self))
      return
    }
    let reply = try decode(HistoryReply.self, line)
    print(Chart.render(reply.points, bucketSeconds: reply.bucketSeconds))
    // For an occupied room, when the patient is predicted to reach the release limit.
    // (Asked quietly: for a detector or a store there is simply nothing to add.)
    if reply.detectors != [id], let client = try? DoseClient(path: options.socketPath),
      let roomLine = try? client.request(
        RoomRequest(id: .number(2), command: .roomShow, room: id)),
      WireCoding.messageClass(of: roomLine) == "room",
      let room = try? WireCoding.decoder().decode(RoomReply.self, from: roomLine).room,
      let release = room.release
    {
      var text = "release: " + (release.eligible ? "eligible now" : "not yet eligible")
      if let limit = release.limitUSvH, let distance = release.distanceM {
        text += " (limit \(Format.number(limit)) µSv/h at \(Format.number(distance)) m)"
      }
      if let predicted = release.predictedAt {
        text += "; predicted " + Format.time(predicted)
        text +=
          " (95 %: " + (release.predictedEarliest.map(Format.time) ?? "?") + " – "
          + (release.predictedLatest.map(Format.time) ?? "not shown by the data") + ")"
      }
      print(text)
    }
  }
}
