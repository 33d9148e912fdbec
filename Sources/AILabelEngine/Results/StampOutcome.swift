import AILabelKit
import AILabelMedia

/// What a stamp produced: the record `stamp --json` prints for the file, and the new bytes.
public struct StampOutcome: Sendable {
    /// The file's record (status, layers, content and label IDs, warnings). Its `output` is nil: where
    /// the bytes go is the caller's choice.
    public var result: StampResult
    public var output: Output

    /// The new bytes, planned but not yet written: a stamped file is a plan of splices over its source,
    /// so it can be streamed to any sink without being held whole.
    public enum Output: Sendable {
        /// The stamped file.
        case file(SplicePlan, source: any ByteSource)
        /// The file already carried this label and its marks: it is returned as it is.
        case unchanged(any ByteSource)
        /// A kind ailabel does not embed into (or sidecars were asked for): the file is unchanged and
        /// its label is in these sidecars (`FILE.xmp`, and `FILE.c2pa` with a signer).
        case sidecars(xmp: [UInt8], c2pa: [UInt8]?)
        /// A dry run: nothing was made.
        case none
    }

    /// How many bytes the stamped file has (nil for sidecars and dry runs).
    public var fileSize: Int? {
        switch output {
        case .file(let plan, _): return plan.count
        case .unchanged(let source): return source.count
        case .sidecars, .none: return nil
        }
    }

    /// Writes the stamped (or unchanged) file to `sink`, chunk by chunk.
    public func writeFile(to sink: inout some ByteSink) throws(AILabelError) {
        do {
            switch output {
            case .file(let plan, let source): try plan.write(from: source, to: &sink)
            case .unchanged(let source): try SplicePlan(copying: 0..<source.count).write(from: source, to: &sink)
            case .sidecars, .none: throw AILabelError(.internal, "no file was stamped: the label is in sidecars")
            }
        } catch {
            throw .wrapping(error)
        }
    }

    /// Writes the stamped (or unchanged) file atomically to `path`.
    public func writeFile(to path: String) throws(AILabelError) {
        do {
            switch output {
            case .file(let plan, let source): try AtomicFile.write(plan, from: source, to: path)
            case .unchanged(let source): try AtomicFile.write(SplicePlan(copying: 0..<source.count), from: source, to: path)
            case .sidecars, .none: throw AILabelError(.internal, "no file was stamped: the label is in sidecars")
            }
        } catch {
            throw .wrapping(error)
        }
    }

    /// The stamped (or unchanged) file in memory.
    public func fileBytes() throws(AILabelError) -> [UInt8] {
        var sink = ArrayByteSink(reservingCapacity: fileSize ?? 0)
        try writeFile(to: &sink)
        return sink.bytes
    }
}
