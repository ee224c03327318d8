// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tcpstates",
    products: [
        .executable(name: "tcpstates", targets: ["tcpstates"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CMNL",
            path: "Sources/CMNL",
            pkgConfig: "libmnl",
            providers: [.apt(["libmnl-dev"])]
        ),
        .target(
            name: "TCPStates",
            dependencies: ["CMNL"]
        ),
        .executableTarget(
            name: "tcpstates",
            dependencies: [
                "TCPStates",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Writes man/tcpstates.1 from the command definition (`make docs`).
        .executableTarget(
            name: "tcpstates-docs"
        ),
        // Holds real loopback sockets in every diagram state for the integration tests.
        .executableTarget(
            name: "tcpstates-testpeer",
            path: "Tests/TestPeer"
        ),
        .testTarget(
            name: "TCPStatesTests",
            dependencies: ["TCPStates"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: []
        ),
    ]
)
