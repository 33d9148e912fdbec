import AILabelKit
import AILabelMedia
import Foundation

/// Paths from arguments, where `-` means "read paths from standard input": one per line, or separated by
/// NUL bytes with `-0` (as `find -print0` writes them, so names holding newlines pass). A path is taken as
/// it is: leading and trailing spaces are part of a name. Empty entries are ignored; with lines, a final
/// carriage return (a CRLF list) is dropped. Names are decoded losslessly (``PathBytes``): bytes that are
/// not UTF-8 reach the file system as they came.
enum PathInput {
    static func expand(_ arguments: [String], nulSeparated: Bool = false) -> [String] {
        var paths: [String] = []
        for argument in arguments {
            if argument == "-" {
                paths += split(FileHandle.standardInput.readDataToEndOfFile(), nulSeparated: nulSeparated)
            } else {
                paths.append(argument)
            }
        }
        return paths
    }

    /// The same paths as a lazy sequence: standard input is read as the walk asks for more
    /// (``PathListReader``), never held whole.
    static func stream(_ arguments: [String], nulSeparated: Bool = false) -> AnySequence<String> {
        AnySequence(arguments.lazy.flatMap { argument -> AnySequence<String> in
            argument == "-" ? AnySequence(PathListReader(descriptor: 0, nulSeparated: nulSeparated)) : AnySequence(CollectionOfOne(argument))
        })
    }

    static func split(_ data: Data, nulSeparated: Bool) -> [String] {
        let separator: UInt8 = nulSeparated ? 0 : UInt8(ascii: "\n")
        return data.split(separator: separator, omittingEmptySubsequences: true).compactMap { entry in
            var bytes = entry[...]
            if !nulSeparated, bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            return bytes.isEmpty ? nil : PathBytes.decode(bytes)
        }
    }
}
