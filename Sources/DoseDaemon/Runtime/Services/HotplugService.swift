import DetectorDrivers
import Logging
import ServiceLifecycle

/// Follows udev (or the injected hotplug events): rescans, rebinds matched detectors, and hands
/// each scan to the engine for `devices`. The first scan opens the gate readiness waits for.
struct HotplugService: Service {
  let engine: Engine
  let watcher: DeviceWatcher
  let directory: DeviceDirectory
  let monitor: (any HotplugEvents)?
  let hotplug: String
  let firstScan: Gate
  let logger: Logger

  func run() async throws {
    await cancelWhenGracefulShutdown {
      let (views, sink) = AsyncStream<DeviceView>.makeStream(bufferingPolicy: .bufferingNewest(4))
      await withDiscardingTaskGroup { group in
        group.addTask {
          await watcher.follow(monitor: monitor) { result in
            sink.yield(DosedService.view(of: directory, result: result, hotplug: hotplug))
          }
          sink.finish()
        }
        group.addTask {
          for await view in views {
            if !view.problems.isEmpty {
              logger.warning(
                "device matching",
                metadata: ["problems": "\(view.problems.joined(separator: "; "))"])
            }
            await engine.updateDevices(view)
            await firstScan.open()
          }
        }
      }
    }
  }
}
