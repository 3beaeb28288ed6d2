import DoseProtocol
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The board's HTTP surface: a few GET routes, all answers from memory except the history
/// chart (one bounded query to dosed). Every id in a path is looked up among the ids dosed
/// sent and escaped wherever it is shown; anything else is a 404 page.
public enum BoardServer {
  /// Open connections at most; further ones wait in the listen backlog.
  static let maxConnections = 256
  /// Ids longer than this are not ids dosed gives (its own limit is 64) and are answered 404
  /// without a lookup.
  static let maxIDLength = 128

  static func router(board: Board, reads: DosedReads?) -> Router<BasicRequestContext> {
    let router = Router()
    router.add(middleware: BoardHeaders())
    router.get("/") { _, _ in page(WardPage.render(board.view)) }
    router.get("/room/:id") { _, context in
      let id = pathID(context)
      guard id.count <= maxIDLength, board.knows(location: id) else {
        return notFound("No location '\(id)'", board: board)
      }
      return page(DoorPage.render(board.view, id: id))
    }
    router.get("/history/:id") { request, context in
      let id = pathID(context)
      guard id.count <= maxIDLength, board.knows(any: id) else {
        return notFound("No location or detector '\(id)'", board: board)
      }
      guard let hours = HistoryPage.hours(request.uri.queryParameters.get("hours")) else {
        return page(
          ErrorPage.render(
            status: 400, title: "Bad window",
            detail: "hours must be a number from 1 to \(Int(HistoryPage.hourRange.upperBound))"),
          status: .badRequest)
      }
      var reply: HistoryReply?
      var failure: String?
      do {
        guard let reads else { throw DoseClient.Failure.closed }
        reply = try await reads.history(of: id, seconds: hours * 3600)
      } catch let error as ErrorReply {
        failure = error.message
      } catch {
        failure = "\(error)"
      }
      return page(
        HistoryPage.render(board.view, id: id, hours: hours, reply: reply, failure: failure))
    }
    router.get("/events/ward") { _, _ in events(board, "ward") }
    router.get("/events/banner") { _, _ in events(board, "banner") }
    router.get("/events/room/:id") { _, context in
      let id = pathID(context)
      guard id.count <= maxIDLength, board.knows(location: id) else {
        return notFound("No location '\(id)'", board: board)
      }
      return events(board, "room/\(id)")
    }
    router.get("/static/board.css") { _, _ in
      asset(Assets.css, type: "text/css; charset=utf-8")
    }
    router.get("/static/board.js") { _, _ in
      asset(Assets.js, type: "text/javascript; charset=utf-8")
    }
    // For a kiosk watchdog or a load balancer: 200 while live, 503 while lost.
    router.get("/healthz") { _, _ in
      let monitoring = board.monitoring
      return Response(
        status: monitoring == .live ? .ok : .serviceUnavailable,
        headers: [.contentType: "text/plain; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(string: monitoring.word + "\n")))
    }
    return router
  }

  /// The `:id` of the path, percent-decoding undone (links percent-encode every id).
  static func pathID(_ context: BasicRequestContext) -> String {
    let raw = context.parameters.get("id") ?? ""
    return raw.removingPercentEncoding ?? raw
  }

  static func page(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
      status: status, headers: [.contentType: "text/html; charset=utf-8"],
      body: .init(byteBuffer: ByteBuffer(string: html)))
  }

  static func asset(_ text: String, type: String) -> Response {
    Response(
      status: .ok, headers: [.contentType: type],
      body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  /// An unknown id, or, before the board has any status from dosed, any id: then it cannot
  /// tell, so the answer is 503 "no data yet" (a door tablet reloading after a restart of the
  /// board retries until dosed has answered), never a 404 that would stay on the screen.
  static func notFound(_ detail: String, board: Board) -> Response {
    guard board.hasStatus else {
      return page(
        ErrorPage.render(
          status: 503, title: "Ward unmonitored: no data from dosed yet",
          detail: "The ward board has not heard from dosed since it started, so nothing can be "
            + "shown. This page tries again every \(ErrorPage.retrySeconds) s."),
        status: .serviceUnavailable)
    }
    return page(
      ErrorPage.render(status: 404, title: "Not found", detail: detail), status: .notFound)
  }

  /// A server-sent event stream for `channel`: the current page part at once, then every
  /// change, until the page goes away, falls behind (dropped) or the board stops.
  static func events(_ board: Board, _ channel: String) -> Response {
    let stream = board.fanOut.subscribe(channel) {
      "retry: 2000\n\n" + board.message(for: channel, view: board.view)
    }
    guard let stream else {
      return Response(
        status: .serviceUnavailable,
        headers: [.contentType: "text/plain; charset=utf-8", .retryAfter: "10"],
        body: .init(byteBuffer: ByteBuffer(string: "too many open pages on this board\n")))
    }
    var headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8"]
    // A reverse proxy must pass each event on at once (nginx buffers responses otherwise).
    headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
    return Response(
      status: .ok, headers: headers,
      body: ResponseBody { writer in
        for await message in stream {
          try await writer.write(ByteBuffer(string: message))
        }
        try await writer.finish(nil)
      })
  }
}

/// The same headers on every answer, and the 404 page for paths no route knows.
struct BoardHeaders: RouterMiddleware {
  typealias Context = BasicRequestContext

  /// Only the board's own files; no inline script or style, no framing, no form posts.
  static let contentSecurityPolicy =
    "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

  func handle(
    _ request: Request, context: Context,
    next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    var response: Response
    do {
      response = try await next(request, context)
    } catch let error as HTTPError where error.status == .notFound {
      response = BoardServer.page(
        ErrorPage.render(status: 404, title: "Not found", detail: "No page here."),
        status: .notFound)
    }
    response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
    response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
    response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
    // Pages and events are never cached: a cached page is an old page. The two static files
    // are revalidated on every load for the same reason after an upgrade.
    response.headers[.cacheControl] = "no-store"
    return response
  }
}
