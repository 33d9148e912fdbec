// swift-tools-version:6.1
import PackageDescription

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")
let cryptoExtras: Target.Dependency = .product(name: "_CryptoExtras", package: "swift-crypto")
let x509: Target.Dependency = .product(name: "X509", package: "swift-certificates")
let asn1: Target.Dependency = .product(name: "SwiftASN1", package: "swift-asn1")
let toml: Target.Dependency = .product(name: "TOMLKit", package: "TOMLKit")
// The HTTP service (`ailabel serve`) and only it: no other module depends on NIO.
let serverDependencies: [Target.Dependency] = [
    .product(name: "Hummingbird", package: "hummingbird"),
    .product(name: "HummingbirdTLS", package: "hummingbird"),
    .product(name: "HummingbirdCore", package: "hummingbird"),
    .product(name: "Prometheus", package: "swift-prometheus"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    .product(name: "UnixSignals", package: "swift-service-lifecycle"),
    .product(name: "Logging", package: "swift-log"),
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
    .product(name: "HTTPTypes", package: "swift-http-types"),
    .product(name: "NIOSSL", package: "swift-nio-ssl"),
]

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "ailabel",
    products: [
        .executable(name: "ailabel", targets: ["AILabelCLI"]),
        .library(name: "AILabelMedia", targets: ["AILabelMedia"]),
        .library(name: "AILabelNetwork", targets: ["AILabelNetwork"]),
        .library(name: "AILabelManifest", targets: ["AILabelManifest"]),
        .library(name: "AILabelWatermark", targets: ["AILabelWatermark"]),
        .library(name: "AILabelVisible", targets: ["AILabelVisible"]),
        .library(name: "AILabelAudible", targets: ["AILabelAudible"]),
        .library(name: "AILabelVocabulary", targets: ["AILabelVocabulary"]),
        .library(name: "AILabelKit", targets: ["AILabelKit"]),
        .library(name: "AILabelVerify", targets: ["AILabelVerify"]),
        .library(name: "AILabelEngine", targets: ["AILabelEngine"]),
        .library(name: "AILabelServer", targets: ["AILabelServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.3.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        // Hummingbird's default traits pull in swift-configuration: not used, not built.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Tests only: a client generated from the server's OpenAPI document checks the server against it.
        .package(url: "https://github.com/apple/swift-openapi-generator.git", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
    ],
    targets: [
        // System libraries, found with pkg-config. `providers` only shapes the hint printed when they are missing;
        // scripts/setup installs them.
        .systemLibrary(name: "CAILabelPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CAILabelJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CAILabelEXIF", pkgConfig: "libexif", providers: [.apt(["libexif-dev"])]),
        .systemLibrary(name: "CAILabelZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CAILabelFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"])]),
        .systemLibrary(name: "CAILabelXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CAILabelJXL", pkgConfig: "libjxl", providers: [.apt(["libjxl-dev"])]),
        .systemLibrary(name: "CAILabelBrotli", pkgConfig: "libbrotlidec", providers: [.apt(["libbrotli-dev"])]),
        .systemLibrary(name: "CAILabelWebP", pkgConfig: "libwebpdemux", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CAILabelGIF", pkgConfig: "libgif7", providers: [.apt(["libgif-dev"])]),
        .systemLibrary(name: "CAILabelTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CAILabelHEIF", pkgConfig: "libheif", providers: [.apt(["libheif-dev"])]),
        // FFmpeg's libraries for video and audio decoding and encoding (issue 18); one pkg-config name per module,
        // the other libraries are linked by the module map.
        .systemLibrary(
            name: "CAILabelAV", pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev"])]
        ),
        .systemLibrary(name: "CAILabelEspeak", pkgConfig: "espeak-ng", providers: [.apt(["libespeak-ng-dev"])]),

        // The only C code of ailabel: every setjmp/longjmp of libpng and libjpeg lives here.
        // libav, espeak-ng and libheif are linked here: no Swift module imports CAILabelAV, CAILabelEspeak or
        // CAILabelHEIF (their C stays in video_codec.c, audio_codec.c, speech_synth.c and heif_codec.c), so the
        // module maps' link lines would never be used.
        .target(
            name: "CAILabelShims", dependencies: ["CAILabelPNG", "CAILabelJPEG", "CAILabelEXIF", "CAILabelGIF", "CAILabelTIFF", "CAILabelHEIF", "CAILabelAV", "CAILabelEspeak"],
            linkerSettings: [
                .linkedLibrary("avformat"), .linkedLibrary("avcodec"), .linkedLibrary("swscale"), .linkedLibrary("avutil"), .linkedLibrary("swresample"),
                .linkedLibrary("espeak-ng"), .linkedLibrary("heif"),
            ]
        ),

        // The C-interop media layer: containers, metadata blocks, pixels, fonts, XML.
        .target(
            name: "AILabelMedia",
            dependencies: [
                "CAILabelShims", "CAILabelPNG", "CAILabelJPEG", "CAILabelEXIF", "CAILabelZlib",
                "CAILabelFreeType", "CAILabelXML2", "CAILabelGIF", "CAILabelJXL", "CAILabelBrotli", "CAILabelWebP", crypto,
            ],
            swiftSettings: settings
        ),
        // Bounded HTTP fetches with SSRF rules (trust lists, remote manifests, OCSP). Its own module because it
        // imports Foundation: a module that imports both Foundation and libxml2's headers (AILabelMedia) sees
        // two different definitions of ICU's UErrorCode, and a clean build fails.
        .target(name: "AILabelNetwork", swiftSettings: settings),
        // C2PA: JUMBF, CBOR, COSE, claims, signing and validation.
        .target(name: "AILabelManifest", dependencies: ["AILabelMedia", crypto, cryptoExtras, x509, asn1], swiftSettings: settings),
        // The invisible watermark and the Stable Diffusion watermark detector (pure Swift signal processing).
        .target(name: "AILabelWatermark", dependencies: ["AILabelMedia"], swiftSettings: settings),
        // The visible disclosure badge.
        .target(name: "AILabelVisible", dependencies: ["AILabelMedia"], resources: [.copy("Resources")], swiftSettings: settings),
        // The audible disclosure: the spoken or rhythm cue, loudness matching (BS.1770), insertion, and the
        // check that a declared cue is still there (pure Swift over AILabelMedia's audio codec and speech).
        .target(name: "AILabelAudible", dependencies: ["AILabelMedia"], swiftSettings: settings),
        // What a label is and how every carrier holds it, read and written by one type each: the disclosure
        // label, the IPTC, TC260 and ailabel XMP schema, AIGC outside XMP, catalogue records, the default
        // texts and phrases, evidence sources and disclosure kinds. Stamp and verify both stand on it.
        .target(name: "AILabelVocabulary", dependencies: ["AILabelMedia", "AILabelManifest", crypto], resources: [.copy("Resources")], swiftSettings: settings),
        // The stamping pipeline: layers, marks, signing, inspection, configuration, batches.
        .target(
            name: "AILabelKit",
            dependencies: ["AILabelVocabulary", "AILabelMedia", "AILabelNetwork", "AILabelManifest", "AILabelWatermark", "AILabelVisible", "AILabelAudible", crypto, toml],
            swiftSettings: settings
        ),
        // Evidence collectors, legal profiles, verdicts and reports. Beside AILabelKit, not above it.
        .target(
            name: "AILabelVerify", dependencies: ["AILabelVocabulary", "AILabelManifest", "AILabelMedia", "AILabelNetwork", "AILabelWatermark", "AILabelVisible", "AILabelAudible", crypto],
            resources: [.copy("Resources")], swiftSettings: settings),
        // The library a program embeds: typed stamp, verify and inspect over files, bytes and streams,
        // settings resolved once (profile defaults, precedence, collectors), work off the cooperative pool.
        .target(
            name: "AILabelEngine",
            dependencies: ["AILabelKit", "AILabelVerify", "AILabelVocabulary", "AILabelManifest", "AILabelMedia", "AILabelNetwork", "AILabelVisible"],
            swiftSettings: settings
        ),
        // `ailabel serve`: the HTTP API of Resources/openapi.json on Hummingbird, over the engine.
        .target(
            name: "AILabelServer", dependencies: ["AILabelEngine", "AILabelKit", "AILabelVerify", "AILabelMedia", crypto] + serverDependencies,
            resources: [.copy("Resources")], swiftSettings: settings),
        .executableTarget(
            name: "AILabelCLI",
            dependencies: ["AILabelServer", "AILabelEngine", "AILabelVerify", "AILabelKit", "AILabelVocabulary", "AILabelManifest", "AILabelMedia", "AILabelNetwork", "AILabelVisible", "AILabelAudible", argumentParser],
            swiftSettings: settings
        ),
        .target(name: "AILabelTestSupport", dependencies: ["AILabelMedia"], swiftSettings: settings),
        // The audio and video watermark benchmarks' reader: what the marks' readers saw in each attacked clip
        // (the best candidate's payload, and coded bits, even when its CRC fails), for the bit accuracy figures.
        .executableTarget(
            name: "WatermarkProbe", dependencies: ["AILabelWatermark", "AILabelMedia"], path: "Benchmarks/probe", swiftSettings: settings),
        // Every parser of untrusted input behind one entry point, for libFuzzer and its regression test.
        .target(name: "AILabelFuzzing", dependencies: ["AILabelVerify", "AILabelKit", "AILabelVocabulary", "AILabelManifest", "AILabelMedia"], swiftSettings: settings),

        // The contract suite stamps through the pipeline (one parse per stamp, re-stamp with marks), so it needs the kit.
        .testTarget(name: "AILabelMediaTests", dependencies: ["AILabelMedia", "AILabelNetwork", "AILabelKit", "AILabelManifest", "AILabelVocabulary", "AILabelTestSupport"], swiftSettings: settings),
        .testTarget(
            name: "AILabelManifestTests",
            dependencies: ["AILabelManifest", "AILabelMedia", "AILabelTestSupport", crypto, x509],
            swiftSettings: settings
        ),
        .testTarget(name: "AILabelWatermarkTests", dependencies: ["AILabelWatermark", "AILabelTestSupport"], swiftSettings: settings),
        .testTarget(name: "AILabelVisibleTests", dependencies: ["AILabelVisible", "AILabelTestSupport"], swiftSettings: settings),
        .testTarget(name: "AILabelAudibleTests", dependencies: ["AILabelAudible", "AILabelMedia", "AILabelWatermark", "AILabelTestSupport"], swiftSettings: settings),
        .testTarget(name: "AILabelVocabularyTests", dependencies: ["AILabelVocabulary", "AILabelMedia", "AILabelManifest", "AILabelTestSupport"], swiftSettings: settings),
        .testTarget(name: "AILabelKitTests", dependencies: ["AILabelKit", "AILabelVocabulary", "AILabelTestSupport"], swiftSettings: settings),
        .testTarget(name: "AILabelVerifyTests", dependencies: ["AILabelVerify", "AILabelKit", "AILabelVocabulary", "AILabelTestSupport"], swiftSettings: settings),
        .testTarget(name: "AILabelEngineTests", dependencies: ["AILabelEngine", "AILabelKit", "AILabelVerify", "AILabelAudible", "AILabelTestSupport"], swiftSettings: settings),
        .testTarget(
            name: "AILabelServerTests",
            dependencies: [
                "AILabelServer", "AILabelEngine", "AILabelVerify", "AILabelTestSupport", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["serve_client.py"], swiftSettings: settings),
        // The served API against its document: a client that swift-openapi-generator makes at build time
        // from Sources/AILabelServer/Resources/openapi.json (linked into the folder) talks to `ailabel serve`.
        .testTarget(
            name: "AILabelServerContractTests",
            dependencies: [
                "AILabelTestSupport", .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: settings,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]),
        .testTarget(name: "AILabelFuzzingTests", dependencies: ["AILabelFuzzing", "AILabelTestSupport"], swiftSettings: settings),
        .testTarget(name: "AILabelCLITests", dependencies: ["AILabelTestSupport"], exclude: ["Snapshots"], swiftSettings: settings),
    ]
)

// The libFuzzer executable exists only for scripts/fuzz (AILABEL_FUZZ=1 with --sanitize=fuzzer):
// it has no `main` of its own, so an ordinary build could not link it.
if Context.environment["AILABEL_FUZZ"] != nil {
    package.products.append(.executable(name: "ailabel-fuzz", targets: ["AILabelFuzzer"]))
    package.targets.append(.executableTarget(name: "AILabelFuzzer", dependencies: ["AILabelFuzzing"], swiftSettings: settings))
}
