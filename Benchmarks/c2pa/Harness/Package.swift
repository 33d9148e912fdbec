// swift-tools-version:6.1
// The ailabel side of the C2PA benchmark: a separate package (as swift-asn1 and swift-certificates keep
// their benchmarks) that depends on the ailabel package by path. Built in release mode by ../run.sh.
import PackageDescription

let package = Package(
    name: "c2pa-bench",
    dependencies: [.package(name: "ailabel", path: "../../..")],
    targets: [
        .executableTarget(
            name: "c2pa-bench",
            dependencies: [
                .product(name: "AILabelManifest", package: "ailabel"),
                .product(name: "AILabelMedia", package: "ailabel"),
                .product(name: "AILabelKit", package: "ailabel"),
            ]
        ),
    ]
)
