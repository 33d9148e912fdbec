import AILabelEngine
import AILabelKit
import AILabelManifest
import ArgumentParser

/// Turns the library's refusals into the command line's: a trust file that cannot be read says so and
/// exits 64 without the usage text (the options were right; a file was not); every other refusal is bad
/// usage, printed with the subcommand's usage (exit 64). Notices go to standard error.
enum EngineBridge {
    static func resolve<Value>(_ body: () throws(AILabelError) -> Value) throws -> Value {
        do {
            return try body()
        } catch {
            throw commandLineError(error)
        }
    }

    static func commandLineError(_ error: AILabelError) -> any Error {
        if error.code == .trustRefused {
            StandardError.write("ailabel: \(error.reason)")
            return ExitCode(64)
        }
        return ValidationError(error.reason)
    }

    static func say(_ notices: [Notice]) {
        for notice in notices { StandardError.write("ailabel: \(notice)") }
    }
}

/// Trust anchors for the subcommands that take `--trust` (the precedence is the library's, in
/// ``TrustSettings``).
enum TrustLoader {
    static func load(anchors: [String], extendedKeyUsages: String? = nil, allowedLists: [String] = [],
                     configuration: Configuration, defaultLists: Bool = true) throws -> TrustConfiguration {
        var notices: [Notice] = []
        let settings = TrustSettings(anchors: anchors, extendedKeyUsages: extendedKeyUsages, allowedLists: allowedLists, defaultLists: defaultLists)
        let trust = try EngineBridge.resolve { () throws(AILabelError) in try settings.resolve(configuration: configuration, notices: &notices) }
        EngineBridge.say(notices)
        return trust
    }
}
