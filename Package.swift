// swift-tools-version: 6.1
// dosed: dose-monitoring daemon for radioligand-therapy wards.
// Module rules are written down in docs/architecture.md; keep them true.
import PackageDescription

let package = Package(
  name: "dosed",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "dosed", targets: ["dosed"]),
    .executable(name: "dosectl", targets: ["dosectl"]),
    .executable(name: "dose-emulate", targets: ["dose-emulate"]),
    .executable(name: "dosebench", targets: ["dosebench"]),
    .executable(name: "dosed-notify", targets: ["dosed-notify"]),
    .executable(name: "dosed-board", targets: ["dosed-board"]),
    .library(name: "DoseCore", targets: ["DoseCore"]),
    .library(name: "DoseProtocol", targets: ["DoseProtocol"]),
    // Test support, loaded with LD_PRELOAD by ClockJumpTests; not installed.
    .library(name: "ClockShift", type: .dynamic, targets: ["ClockShift"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    // dosed-board's HTTP server. No traits: the board reads its own TOML, not swift-configuration.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
  ],
  targets: [
    // Physics, statistics and policies. Foundation only: no I/O, no clocks, no logging.
    .target(name: "DoseCore"),
    // libudev, for discovery and hotplug (Debian: libudev-dev).
    .systemLibrary(name: "CUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
    // libusb, for vendor bulk-interface devices such as the RadiaCode 10x (Debian:
    // libusb-1.0-0-dev).
    .systemLibrary(
      name: "CLibUSB", pkgConfig: "libusb-1.0", providers: [.apt(["libusb-1.0-0-dev"])]),
    // Transports, protocol codecs and the simulated detector. Deliver Readings, never dose.
    .target(name: "DetectorDrivers", dependencies: ["DoseCore", "CUdev", "CLibUSB"]),
    // Device emulators on pseudo-terminals: test support, and `dose-emulate` for people without
    // hardware.
    .target(name: "DeviceEmulators", dependencies: ["DetectorDrivers", "DoseCore"]),
    .executableTarget(
      name: "dose-emulate",
      dependencies: [
        "DeviceEmulators", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Benchmarks of the measurement science (issue 5): simulations over DoseCore only.
    .target(name: "DoseBench", dependencies: ["DoseCore", "DoseProtocol"]),
    .executableTarget(
      name: "dosebench",
      dependencies: [
        "DoseBench", "DoseCore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // Wire types and a small client. Foundation only, so dosectl starts fast.
    .target(name: "DoseProtocol"),
    // Config, engine, socket server, service lifecycle.
    .target(
      name: "DoseDaemon",
      dependencies: [
        "ConfigLines", "DoseCore", "DetectorDrivers", "DoseProtocol",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        .product(name: "TOMLKit", package: "TOMLKit"),
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ]),
    .executableTarget(
      name: "dosed",
      dependencies: [
        "DoseDaemon", "DetectorDrivers", "DoseProtocol",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(
      name: "dosectl",
      dependencies: [
        "DoseProtocol", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    // The follower of dosed's socket shared by its clients (dosed-notify, dosed-board): the watch
    // and status threads with reconnect, and the liveness rule. The wire and Foundation only.
    .target(name: "DoseFollow", dependencies: ["DoseProtocol"]),
    // Key positions in TOML files, for errors with file and line, and the inputs TOMLKit
    // mishandles (refused before it sees them), shared by dosed's and its clients' readers.
    .target(name: "ConfigLines"),
    // dosed-notify: follows dosed's socket and delivers alarms to programs and to
    // Alertmanager, with escalation. A client of the wire only: never DoseDaemon, so the safety
    // daemon keeps IPAddressDeny=any and the notifier can be restarted on its own.
    .target(
      name: "DoseNotify",
      dependencies: [
        "ConfigLines", "DoseFollow", "DoseProtocol",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        .product(name: "TOMLKit", package: "TOMLKit"),
      ]),
    .executableTarget(
      name: "dosed-notify",
      dependencies: [
        "DoseNotify", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    // dosed-board: the ward's pages for the nurses' station and the doors, from one watch
    // connection to dosed fanned out to browsers by server-sent events. A client of the wire
    // like dosed-notify: never DoseDaemon.
    .target(
      name: "DoseBoard",
      dependencies: [
        "ConfigLines", "DoseCore", "DoseFollow", "DoseProtocol",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        .product(name: "TOMLKit", package: "TOMLKit"),
      ]),
    .executableTarget(
      name: "dosed-board",
      dependencies: [
        "DoseBoard", "DoseProtocol",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    // Test support (issue 9): steps a process's wall clock from outside, as an NTP step would.
    .target(name: "ClockShift"),
    .testTarget(name: "DoseCoreTests", dependencies: ["DoseCore"]),
    .testTarget(
      name: "DetectorDriversTests",
      dependencies: ["DetectorDrivers", "DoseCore", "DeviceEmulators"]),
    .testTarget(
      name: "DoseDaemonTests",
      dependencies: [
        "ClientTestSupport", "ConfigLines", "DoseDaemon", "DoseProtocol", "DoseCore",
        "DetectorDrivers", "DeviceEmulators", "DoseBench",
      ],
      resources: [.copy("Fixtures")]),
    // What the client tests share (binaries, waits, scratch directories, child processes).
    .target(name: "ClientTestSupport", path: "Tests/ClientTestSupport"),
    .testTarget(
      name: "DoseNotifyTests", dependencies: ["ClientTestSupport", "DoseNotify", "DoseProtocol"]),
    .testTarget(
      name: "DoseBoardTests",
      dependencies: ["ClientTestSupport", "DoseBoard", "DoseFollow", "DoseProtocol"]),
  ],
  swiftLanguageModes: [.v6]
)

// libFuzzer targets (issue 9; docs/reliability.md "Fuzzing"), one per wire codec plus the socket
// request path and the configuration. Each is one `LLVMFuzzerTestOneInput` function over a
// library's public or `package` API. `make fuzz` builds them with `--sanitize fuzzer -Xswiftc
// -sanitize=fuzzer,address -Xswiftc -DFUZZING`; a plain `swift build` links them with a small
// `main` that replays saved inputs instead (see `FuzzReplay`).
package.targets.append(.target(name: "FuzzSupport", path: "Sources/Fuzz/FuzzSupport"))
let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
  ("FuzzGMC", ["DetectorDrivers"]),
  ("FuzzRadPro", ["DetectorDrivers"]),
  ("FuzzLines", ["DetectorDrivers"]),
  ("FuzzBGeigie", ["DetectorDrivers"]),
  ("FuzzOpenGamma", ["DetectorDrivers"]),
  ("FuzzModbus", ["DetectorDrivers"]),
  ("FuzzRadiaCode", ["DetectorDrivers"]),
  ("FuzzRadiaCodeSession", ["DetectorDrivers"]),
  (
    "FuzzRequest",
    [
      "DoseDaemon", "DoseProtocol", .product(name: "NIOCore", package: "swift-nio"),
      .product(name: "NIOEmbedded", package: "swift-nio"),
    ]
  ),
  ("FuzzConfig", ["DoseDaemon"]),
  ("FuzzNotifyConfig", ["DoseNotify"]),
  ("FuzzBoardConfig", ["DoseBoard"]),
  ("FuzzQuantities", ["DoseProtocol"]),
]
for target in fuzzTargets {
  package.targets.append(
    .executableTarget(
      name: target.name, dependencies: ["FuzzSupport"] + target.dependencies,
      path: "Sources/Fuzz/\(target.name)"))
}
