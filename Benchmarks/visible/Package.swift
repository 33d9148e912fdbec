// swift-tools-version:6.1
// The visible-badge benchmark: a release-mode command-line tool built from the very sources of AILabelVisible
// and of the parts of AILabelMedia it uses (pixels, PixelCodec, FreeType text; symlinked into Sources/), so it
// needs neither swift-crypto nor the rest of ailabel.
// `./run` drives it.
import PackageDescription

let settings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("MemberImportVisibility")]

let package = Package(
    name: "visible-benchmark",
    targets: [
        .systemLibrary(name: "CAILabelPNG", pkgConfig: "libpng"),
        .systemLibrary(name: "CAILabelJPEG", pkgConfig: "libjpeg"),
        .systemLibrary(name: "CAILabelFreeType", pkgConfig: "freetype2"),
        .target(name: "CAILabelShims", dependencies: ["CAILabelPNG", "CAILabelJPEG"]),
        .target(name: "AILabelMedia", dependencies: ["CAILabelShims", "CAILabelFreeType"], swiftSettings: settings),
        .target(name: "AILabelVisible", dependencies: ["AILabelMedia"], exclude: ["Resources"], swiftSettings: settings),
        .executableTarget(name: "visible-bench", dependencies: ["AILabelVisible", "AILabelMedia"], swiftSettings: settings),
    ]
)
