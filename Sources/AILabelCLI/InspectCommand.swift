import AILabelKit
import AILabelManifest
import AILabelMedia
import ArgumentParser

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a media file (JPEG, PNG…) carries: structure, XMP, EXIF, text chunks, C2PA.",
        discussion: "Exit status: 0 when every file was read, 1 when any could not be (the others are still reported), 64 on bad usage."
    )

    @Flag(name: .long, help: "Print one JSON array with one object per file, in argument order.")
    var json = false

    @Flag(name: .long, help: "Print the C2PA manifest store as C2PA's crJSON document (as the reference SDK's Reader.crjson()), one per file.")
    var crjson = false

    @Option(name: .long, parsing: .singleValue, help: "With --crjson: a PEM bundle of trust anchors for the validation results (repeatable).")
    var trust: [String] = []

    @Argument(help: "The files to inspect.", completion: .file())
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one file") }
        if crjson && json { throw ValidationError("--crjson and --json are different documents; choose one") }
        if !trust.isEmpty && !crjson { throw ValidationError("--trust goes with --crjson") }
    }

    /// `--crjson`: one crJSON document per file (a file without a store says so on standard error).
    func printCRJSON() throws {
        let trustConfiguration = try TrustLoader.load(anchors: trust, configuration: Configuration(), defaultLists: false)
        let validator = ManifestValidator(trust: trustConfiguration)
        var failed = false
        for path in files {
            do {
                if let text = try CRJSON.text(asset: try FileByteSource(path: path), validator: validator) {
                    print(text)
                } else {
                    StandardError.write("ailabel: \(path): no C2PA manifest store")
                    failed = true
                }
            } catch {
                StandardError.write("ailabel: \(path): \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }

    func run() throws {
        if crjson { return try printCRJSON() }
        let reports = files.map { Inspector.inspect(path: $0) }
        // Each error is said once to a person: on standard error, beside the text reports (with --json
        // the document carries it for programs, and standard error still tells the person).
        if json {
            print(try JSONOutput.encode(reports))
            for report in reports { if let error = report.error { StandardError.write("ailabel: \(report.path): \(error)") } }
        } else {
            for report in reports {
                if let error = report.error {
                    StandardError.write("ailabel: \(report.path): \(error)")
                } else {
                    print(InspectionText.render(report))
                }
            }
        }
        if reports.contains(where: { $0.error != nil }) { throw ExitCode(1) }
    }
}

/// The human-readable form of an inspection report.
enum InspectionText {
    static func render(_ report: InspectionReport) -> String {
        if let error = report.error { return TerminalText.field("\(report.path): error: \(error)") + "\n" }
        // Audio has no dimensions: its coding line says what it holds.
        let size = report.width.map { width in " \(width)×\(report.height ?? 0)" } ?? ""
        var lines = ["\(report.path): \(report.format?.uppercased() ?? "?")\(size)"]
        if let coding = report.coding { lines.append("  coding: \(coding.summary)") }
        lines.append("  blocks:")
        for block in report.blocks ?? [] where block.kind != .restart {
            var line = "    \(pad(block.name, 8)) \(pad(block.kind.rawValue, 13)) offset \(pad(String(block.offset), 9)) size \(block.size)"
            if let detail = block.detail { line += "  \(detail)" }
            lines.append(line)
        }
        if let c2pa = report.c2pa {
            lines.append("  C2PA: " + (c2pa.present ? "manifest store present (\(c2pa.size) bytes\(c2pa.storeCount > 1 ? ", \(c2pa.storeCount) stores" : ""))" : "none"))
            if let store = c2pa.manifestStore {
                lines += store.description.split(separator: "\n").map { "    " + $0 }
            }
        }
        if let xmp = report.xmp, !xmp.isEmpty {
            lines.append("  XMP:")
            for entry in xmp { lines.append("    \(entry.name) [\(entry.namespace)] = \(entry.value)") }
        }
        if let exif = report.exif, !exif.isEmpty {
            lines.append("  EXIF:")
            for entry in exif { lines.append("    \(entry.directory).\(entry.name) (\(entry.tag)) = \(entry.value)") }
        }
        if let text = report.text, !text.isEmpty {
            lines.append("  text chunks:")
            for entry in text { lines.append("    \(entry.chunk.rawValue) \(entry.keyword) = \(entry.text.prefix(200))") }
        }
        if let iptc = report.iptc, !iptc.isEmpty {
            lines.append("  IPTC IIM:")
            for entry in iptc { lines.append("    \(entry.dataset) \(entry.name) = \(entry.value.prefix(200))") }
        }
        for comment in report.comments ?? [] { lines.append("  comment: \(comment)") }
        if let icc = report.icc { lines.append("  ICC profile: \(icc.size) bytes\(icc.description.map { ", \($0)" } ?? "")") }
        for warning in report.warnings ?? [] { lines.append("  warning: \(warning)") }
        // Every line holds values from the file (names, XMP, text chunks): a control character in one is
        // shown escaped, so a `parameters` chunk cannot retitle the window, clear the screen or add lines.
        return lines.map(TerminalText.field).joined(separator: "\n") + "\n"
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
