// swift-tools-version:6.1
// The watermark robustness benchmark's Swift half: a command-line tool built in release mode from the
// very sources of AILabelWatermark (symlinked), with only RGBImage taken from AILabelMedia, so it needs
// neither the C libraries nor the rest of the package. `./run` drives it.
import PackageDescription

let package = Package(
    name: "watermark-benchmark",
    targets: [
        .target(name: "AILabelMedia", path: "Sources/AILabelMedia"),
        // The audio mark needs libav (AILabelMedia's AudioCodec), which this package does not build.
        .target(name: "AILabelWatermark", dependencies: ["AILabelMedia"], path: "Sources/AILabelWatermark", exclude: ["Audio"]),
        .executableTarget(name: "wmtool", dependencies: ["AILabelWatermark", "AILabelMedia"], path: "Sources/wmtool"),
    ]
)
