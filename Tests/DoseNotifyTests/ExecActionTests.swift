import DoseNotify
import DoseProtocol
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Exec actions against real programs: what they get, timeouts, retries.
@Suite struct ExecActionTests {
  static func event(_ kind: NotifyEventKind = .alarm, id: String = "dose:room-1:alarm")
    -> NotifyEvent
  {
    var event = NotifyEvent(
      event: kind, time: Date(timeIntervalSince1970: 1_800_000_000), ward: "ward-7",
      alarm: AlarmView(
        id: id, kind: "dose", level: "warn", location: "room-1", detector: "r1",
        message: "room-1 at 61 µSv/h; it's \"warn\"",
        since: Date(timeIntervalSince1970: 1_800_000_000)))
    if kind == .ack {
      event.acknowledged = AcknowledgementStatus(
        user: "rso", uid: 0, at: Date(timeIntervalSince1970: 1_800_000_100), note: nil)
    }
    return event
  }

  static func action(_ command: [String], timeout: Double = 10) -> ActionConfig {
    var action = ActionConfig(name: "test", kind: .exec)
    action.command = command
    action.timeoutSeconds = timeout
    action.retryMaxSeconds = 1
    return action
  }

  @Test func theProgramGetsTheEventInItsEnvironmentAndOnStdin() async throws {
    let directory = try ScratchDirectory("exec")
    let recorder = try Recorder(in: directory)
    let action = ExecAction(config: Self.action([recorder.script]), logger: testLogger)
    let runner = Task { await action.run() }
    defer { runner.cancel() }
    await action.enqueue(Self.event())
    await action.enqueue(Self.event(.ack))
    try await eventually("both runs are recorded") { recorder.invocations().count == 2 }
    let runs = recorder.invocations()
    let first = runs[0].environment
    #expect(first["DOSED_EVENT"] == "alarm")
    #expect(first["DOSED_LEVEL"] == "warn")
    #expect(first["DOSED_LOCATION"] == "room-1")
    #expect(first["DOSED_DETECTOR"] == "r1")
    #expect(first["DOSED_ALARM_ID"] == "dose:room-1:alarm")
    #expect(first["DOSED_MESSAGE"] == "room-1 at 61 µSv/h; it's \"warn\"")
    #expect(first["DOSED_TIME"] == "2027-01-15T08:00:00Z")
    #expect(first["DOSED_ACK_USER"] == nil)
    #expect(runs[0].event["event"] as? String == "alarm")
    #expect(runs[0].event["alarm_id"] as? String == "dose:room-1:alarm")
    #expect(runs[1].environment["DOSED_EVENT"] == "ack")
    #expect(runs[1].environment["DOSED_ACK_USER"] == "rso")
    #expect((runs[1].event["acknowledged"] as? [String: Any])?["user"] as? String == "rso")
  }

  @Test func anOverrunningProgramHasItsWholeProcessGroupKilled() async throws {
    let directory = try ScratchDirectory("timeout")
    let pidFile = directory.path + "/child.pid"
    let script = try directory.write(
      "hang.sh",
      """
      #!/bin/sh
      sleep 300 &
      echo $! > \(pidFile)
      wait
      """, executable: true)
    let result = try await ProcessRunner.run(
      [script], environment: [:], input: Data("{}\n".utf8), timeout: 1)
    #expect(result.timedOut)
    #expect(!result.succeeded)
    let child = try #require(
      Int32(
        try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(
          in: .whitespacesAndNewlines)))
    // The grandchild (`sleep`) went with the group.
    try await eventually("the script's child is gone") {
      kill(child, 0) != 0
        || (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8))?
          .contains(") Z ") == true
    }
  }

  @Test func aProgramStillOpenForWritingIsRunOnceItIsClosed() async throws {
    let directory = try ScratchDirectory("busy")
    let script = try directory.write("beacon.sh", "#!/bin/sh\nexit 0\n", executable: true)
    // Held open for writing, as by a fork of another thread while it was being installed: exec
    // fails with ETXTBSY until the descriptor is closed.
    let fd = open(script, O_WRONLY)
    try #require(fd >= 0)
    let closer = Task {
      try? await Task.sleep(for: .milliseconds(100))
      close(fd)
    }
    let result = try await ProcessRunner.run(
      [script], environment: [:], input: Data(), timeout: 10)
    await closer.value
    #expect(result.succeeded)
  }

  @Test func exitStatusAndStderrAreReported() async throws {
    let result = try await ProcessRunner.run(
      ["/bin/sh", "-c", "echo beacon offline >&2; exit 3"], environment: [:], input: Data(),
      timeout: 10)
    #expect(result.exitStatus == 3)
    #expect(result.stderr == "beacon offline\n")
    #expect(result.summary == "exit status 3")
    await #expect(throws: ProcessRunner.SpawnError.self) {
      try await ProcessRunner.run(
        ["/nonexistent/beacon"], environment: [:], input: Data(), timeout: 1)
    }
  }

  @Test func aFailingProgramIsRetriedAndNothingIsLostOrReordered() async throws {
    let directory = try ScratchDirectory("retry")
    let recorder = try Recorder(in: directory)
    let gate = directory.path + "/beacon-up"
    // The beacon is "down" until the gate file exists: every run fails until then.
    let script = try directory.write(
      "flaky.sh",
      """
      #!/bin/sh
      [ -e \(gate) ] || { echo "beacon unreachable" >&2; exit 1; }
      exec \(recorder.script)
      """, executable: true)
    let action = ExecAction(config: Self.action([script]), logger: testLogger)
    let runner = Task { await action.run() }
    defer { runner.cancel() }
    await action.enqueue(Self.event(.alarm, id: "a"))
    await action.enqueue(Self.event(.alarm, id: "b"))
    await action.enqueue(Self.event(.clear, id: "a"))
    try await Task.sleep(for: .milliseconds(1500))
    #expect(recorder.invocations().isEmpty)
    // What a restart would send again (state_file): all three, in order.
    #expect(
      await action.owed().map { "\($0.event.rawValue) \($0.alarmID)" } == [
        "alarm a", "alarm b", "clear a",
      ])
    #expect(FileManager.default.createFile(atPath: gate, contents: nil))
    try await eventually("all three arrive") { recorder.invocations().count == 3 }
    #expect(recorder.events() == ["alarm a", "alarm b", "clear a"])
    // Delivered once each program has exited (the record is written just before).
    try await eventually("nothing is owed") { await action.owed().isEmpty }
  }
}
