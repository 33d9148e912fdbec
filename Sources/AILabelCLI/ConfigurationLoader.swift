import AILabelKit
import ArgumentParser

/// Reads `--config FILE`. A file that is missing or malformed is a usage error (exit 64), like any other
/// bad option, and is reported before any file is read or written.
enum ConfigurationLoader {
    static func load(_ path: String?) throws -> Configuration {
        guard let path else { return Configuration() }
        do {
            return try Configuration.load(path: path)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }
}
