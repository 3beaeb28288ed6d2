import DoseProtocol
import Testing

@testable import DoseDaemon

struct RequestParserTests {
  func parse(_ text: String) -> RequestParser.Outcome {
    RequestParser.parse(Array(text.utf8))
  }

  @Test func idsAreNumbersStringsOrAbsent() {
    #expect(parse(#"{"id":4,"cmd":"status"}"#) == .command(.status, id: .number(4)))
    #expect(parse(#"{"id":"a","cmd":"watch"}"#) == .command(.watch, id: .string("a")))
    #expect(parse(#"{"cmd":"version"}"#) == .command(.version, id: nil))
    // JSON null is the same as no id.
    #expect(parse(#"{"id":null,"cmd":"detectors"}"#) == .command(.detectors, id: nil))
  }

  @Test func errorsKeepTheIdWhenThereIsOne() {
    guard case .error(let reply) = parse(#"{"id":9,"cmd":"launch"}"#) else {
      Issue.record("expected an error")
      return
    }
    #expect(reply.id == .number(9))
    #expect(reply.code == .unknownCommand)
  }

  @Test func blankLinesAreNotRequests() {
    #expect(parse("   ") == .empty)
    #expect(parse("") == .empty)
  }
}
