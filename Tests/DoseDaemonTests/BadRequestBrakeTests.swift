import Testing

@testable import DoseDaemon

struct BadRequestBrakeTests {
  @Test func aStreakOfMalformedLinesIsSlowedAndOneGoodLineReleasesIt() {
    var brake = BadRequestBrake()
    for _ in 0..<BadRequestBrake.freeStreak {
      #expect(brake.note(malformed: true) == nil)
    }
    #expect(brake.note(malformed: true) == BadRequestBrake.pause)
    #expect(brake.note(malformed: true) == BadRequestBrake.pause)
    #expect(brake.note(malformed: false) == nil)
    #expect(brake.streak == 0)
    #expect(brake.note(malformed: true) == nil)
  }
}
