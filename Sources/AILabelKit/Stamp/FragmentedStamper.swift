import AILabelManifest
import AILabelMedia
import Foundation

/// Stamps a fragmented MP4 (CMAF, DASH, HLS fMP4) as c2patool's `fragment` subcommand signs one: the
/// init segment gets every label and the signed manifest, whose BMFF hash holds one Merkle map over
/// the fragments (and the init segment's own hash); each fragment gets a `merkle` box with its leaf's
/// proof, and nothing else changes in it. One record, named by the init segment.
///
/// Outputs go under `outDirectory`: the init segment by its name, each fragment by its path relative
/// to the init segment's folder. Every file is written atomically; fragments are read and written one
/// at a time.
public struct FragmentedStamper: Sendable {
    public var stamper: Stamper

    public init(stamper: Stamper) { self.stamper = stamper }

    public func stamp(_ set: FragmentSet, outDirectory: String) -> StampResult {
        let folder = (set.initSegment as NSString).deletingLastPathComponent
        func output(for path: String) -> String {
            let relative = folder.isEmpty ? path : String(path.dropFirst(folder.count + 1))
            return outDirectory + "/" + relative
        }
        var failed = StampResult(path: set.initSegment, status: .failed)
        failed.output = output(for: set.initSegment)
        guard var signer = stamper.signer as? C2PASigner else {
            failed.error = "fragments are bound to their init segment only by a signed C2PA manifest: give a signer (--sign-key and --sign-chain)"
            return failed
        }
        let rendition: BMFFFragmentRendition
        do {
            rendition = try BMFFFragmentRendition(count: set.fragments.count) { index in
                do {
                    return try FileByteSource(path: set.fragments[index])
                } catch let error as MediaError {
                    throw ManifestError.make(.unsupportedAsset, "\(set.fragments[index]): \(error.reason)")
                }
            }
        } catch let error as ManifestError {
            failed.error = Self.naming(error.reason, set)
            return failed
        } catch {
            failed.error = "\(error)"
            return failed
        }
        signer.bmffMode = .fragmentedRendition(rendition)
        var initStamper = stamper
        initStamper.signer = signer
        var result = initStamper.stamp(input: set.initSegment, output: output(for: set.initSegment))
        guard result.status == .stamped || result.status == .wouldStamp else {
            if result.status == .unchanged {
                result.warnings.append("the init segment already carries this label; its fragments were not rewritten (stamp the unsigned segments)")
            }
            return result
        }
        result.fragments = set.fragments.count
        if result.status == .wouldStamp { return result }
        // Each fragment's data is flushed before its rename; the folders' entries are flushed once at
        // the end rather than after every one of thousands of fragments.
        var folders = Set<String>()
        defer { for folder in folders { AtomicFile.syncDirectory(folder) } }
        for (index, path) in set.fragments.enumerated() {
            do {
                let source = try FileByteSource(path: path)
                let plan = try rendition.plan(fragment: index, source: source)
                let target = output(for: path)
                try OutputLocation.createParent(of: target)
                try AtomicFile.write(plan, from: source, to: target, syncDirectory: false)
                folders.insert(AtomicFile.directory(of: target))
            } catch let error as MediaError {
                result.status = .failed
                result.error = "\(path): \(error.reason)"
                return result
            } catch let error as ManifestError {
                result.status = .failed
                result.error = Self.naming(error.reason, set)
                return result
            } catch {
                result.status = .failed
                result.error = "\(path): \(error)"
                return result
            }
        }
        return result
    }

    /// Replaces "fragment N" (1-based) in a reason by the fragment's path.
    static func naming(_ reason: String, _ set: FragmentSet) -> String {
        guard reason.hasPrefix("fragment "),
            let number = Int(reason.dropFirst("fragment ".count).prefix { $0.isNumber }), number >= 1, number <= set.fragments.count
        else { return reason }
        return set.fragments[number - 1] + ":" + reason.dropFirst("fragment \(number)".count)
    }
}
