import AILabelFuzzing
import Foundation

// The libFuzzer entry point. libFuzzer supplies `main`; this file must not be named main.swift.
// Which parser is fuzzed comes from AILABEL_FUZZ_TARGET, so one instrumented binary serves every
// target (scripts/fuzz sets it).

private let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["AILABEL_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("ailabel-fuzz: set AILABEL_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(64)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = (size == 0 || data == nil) ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    if case .violated(let violation) = target.run(bytes) {
        // A violated property is a finding like a crash: libFuzzer saves the input that caused it.
        fatalError("ailabel-fuzz \(target.rawValue): \(violation)")
    }
    return 0
}
