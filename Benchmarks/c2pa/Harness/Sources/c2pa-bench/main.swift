// c2pa-bench sign IN.jpg KEY CHAIN OUT.jpg N   — median ms of ailabel signing (no thumbnail)
// c2pa-bench sign-handler ...                  — the same through the media layer's AssetHandler (as `ailabel stamp`)
// c2pa-bench validate SIGNED.jpg TRUST.pem N  — median ms of ailabel full validation (in memory)
// c2pa-bench validate-file SIGNED.jpg TRUST.pem N — the same, streaming the file from disk
// c2pa-bench keys DIR — a test PKI (as `ailabel keys init`)
// c2pa-bench sign-tsa IN.jpg KEY CHAIN OUT.jpg TSA-URL — one signature time-stamped by the TSA (sigTst2)
import AILabelKit
import AILabelManifest
import AILabelMedia
import Foundation

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: c2pa-bench sign|validate|validate-file ...\n".utf8))
    exit(64)
}
switch arguments[1] {
case "sign", "sign-handler":
    let asset = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[2])))
    let signer = try ManifestSigner(
        privateKeyPEM: try String(contentsOfFile: arguments[3], encoding: .utf8),
        certificateChainPEM: try String(contentsOfFile: arguments[4], encoding: .utf8))
    let definition = ManifestDefinition(
        digitalSourceType: "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", title: "bench.jpg")
    var output: [UInt8] = []
    var times: [Double] = []
    for _ in 0..<Int(arguments[6])! {
        if arguments[1] == "sign" {
            times.append(try milliseconds { output = try signer.sign(asset, definition: definition) })
        } else {
            times.append(try milliseconds {
                guard let handler = AssetRegistry.standard.handler(for: asset) else { exit(2) }
                output = try signer.sign(asset, handler: handler, definition: definition)
            })
        }
    }
    try Data(output).write(to: URL(fileURLWithPath: arguments[5]))
    print(String(format: "%.2f", median(times)))
case "sign-tsa":
    let asset = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[2])))
    var signer = try ManifestSigner(
        privateKeyPEM: try String(contentsOfFile: arguments[3], encoding: .utf8),
        certificateChainPEM: try String(contentsOfFile: arguments[4], encoding: .utf8))
    guard let url = TimeStampClient.parseURL(arguments[6]) else { exit(64) }
    let client = TimeStampClient(url: url)
    signer.timeStamper = { message in try client.token(for: message) }
    let definition = ManifestDefinition(
        digitalSourceType: "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia", title: "bench.jpg")
    try Data(try signer.sign(asset, definition: definition)).write(to: URL(fileURLWithPath: arguments[5]))
    print(signer.algorithm)
case "validate", "validate-file":
    let trust = try TrustConfiguration(anchorPEMs: [try String(contentsOfFile: arguments[3], encoding: .utf8)])
    let validator = ManifestValidator(trust: trust)
    var times: [Double] = []
    var state = ValidationState.absent
    for _ in 0..<Int(arguments[4])! {
        if arguments[1] == "validate" {
            let asset = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[2])))
            times.append(milliseconds { state = validator.validate(asset: asset).state })
        } else {
            times.append(milliseconds { state = validator.validate(fileAt: arguments[2]).state })
        }
    }
    guard state == .trusted else {
        FileHandle.standardError.write(Data("validation gave \(state)\n".utf8))
        exit(1)
    }
    print(String(format: "%.2f", median(times)))
case "parts":
    // Where signing time goes: one rewrite with a small store, and one SHA-256 of the file.
    let asset = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[2])))
    let store = try ManifestDebug.store(in: [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[3]))))
    var rewrite: [Double] = [], hash: [Double] = [], copy: [Double] = []
    for _ in 0..<Int(arguments[4])! {
        rewrite.append(try milliseconds { _ = try ManifestDebug.embed(rawStore: store, in: asset) })
        hash.append(milliseconds { _ = ManifestDebug.sha256(asset) })
        copy.append(milliseconds { var c = asset; c[0] ^= 1; _ = c.count })
    }
    print(String(format: "rewrite %.2f  sha256 %.2f  copy %.2f", median(rewrite), median(hash), median(copy)))
case "sha256":
    // The floor in the same process and library as ailabel's validation (swift-crypto, BoringSSL).
    let asset = [UInt8](try Data(contentsOf: URL(fileURLWithPath: arguments[2])))
    var times: [Double] = []
    for _ in 0..<Int(arguments[3])! { times.append(milliseconds { _ = ManifestDebug.sha256(asset) }) }
    print(String(format: "%.2f", median(times)))
case "keys":
    try TestPKI.generate(commonName: "ailabel benchmark").write(to: arguments[2])
default:
    exit(64)
}
