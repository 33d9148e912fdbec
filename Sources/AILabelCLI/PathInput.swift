import AILabelKit
import Foundation

/// Paths from arguments, where `-` means "read paths from standard input, one per line".
enum PathInput {
    static func expand(_ arguments: [String]) -> [String] {
        var paths: [String] = []
        for argument in arguments {
            if argument == "-" {
                while let line = readLine() {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if !trimmed.isEmpty { paths.append(trimmed) }
                }
            } else {
                paths.append(argument)
            }
        }
        return paths
    }
}
