import AILabelMedia
import AILabelVocabulary
import Foundation

/// Audits web pages (`.html`, `.htm`) that show AI-generated images or text.
///
/// AI evidence on a page: `<meta name="ai-disclosure">` with `ai-assisted`, `ai-generated` or
/// `autonomous`; `<meta name="ai-generated">` with `all`/`partially`; `<meta http-equiv="AI-Disclosure">`
/// (the header's equivalent) with a `mode` other than `none`; schema.org JSON-LD `digitalSourceType`
/// naming generative AI (at any depth, `@graph` included); an element's `ai-disclosure` attribute; and
/// AI evidence in local images the page shows (`<img src>`, `srcset` of `img` and `source`). Each of the page signals is also the page's
/// machine-readable marker. A page with AI evidence must carry a marker and a visible notice (a
/// disclosure phrase of the profile) in each language of the profile's `catalog.languages`, in text a
/// reader sees: not in script, style, template, noscript, head, or elements hidden by `hidden`,
/// `aria-hidden="true"` or an inline `display:none` / `visibility:hidden`.
public struct PageVerifier: Sendable {
    public let verifier: Verifier
    public let extraPhrases: [String: [String]]

    /// The folder a page's image references resolve in (`--media-root`); nil: the page's own folder.
    public var mediaRoot: String?

    public init(verifier: Verifier, extraPhrases: [String: [String]] = [:], mediaRoot: String? = nil) {
        self.verifier = verifier
        self.extraPhrases = extraPhrases
        self.mediaRoot = mediaRoot
    }

    public static let extensions: Set<String> = ["html", "htm", "xhtml"]

    public static func handles(path: String) -> Bool {
        extensions.contains((path as NSString).pathExtension.lowercased())
    }

    var profile: Profile { verifier.options.profile }
    var languages: [String] { profile.catalog?.languages ?? [] }
    var phrases: DisclosurePhrases { DisclosurePhrases(profile.phrases ?? [:]).merging(extraPhrases) }

    public func verify(path: String) -> FileReport {
        let root: HTMLElement
        do {
            root = try HTMLDocumentParser.parse(try FileReader.read(path, maximumSize: HTMLDocumentParser.maximumSize))
        } catch let error as MediaError {
            return FileReport(path: path, format: "html", verdict: .unreadable, findings: [Finding(code: .fileUnreadable, severity: .error, message: error.reason)])
        } catch {
            return FileReport(path: path, format: "html", verdict: .unreadable, findings: [Finding(code: .fileUnreadable, severity: .error, message: "\(error)")])
        }
        return verify(root, path: path)
    }

    /// A page given as bytes, away from its folder (a service's upload): its signals and text are judged
    /// as on disk, but the images it shows are not read, since nothing says where they are; each is an
    /// info finding (`html.image-not-read`) rather than a missing image. Verify the page on disk, or send
    /// the images themselves, for their evidence.
    public func verify(source: any ByteSource, name: String) -> FileReport {
        let root: HTMLElement
        do {
            guard source.count <= HTMLDocumentParser.maximumSize else {
                throw MediaError.make(.limitExceeded, "the HTML page is \(source.count) bytes, over the \(HTMLDocumentParser.maximumSize)-byte limit")
            }
            root = try HTMLDocumentParser.parse(try source.read(0..<source.count))
        } catch {
            return FileReport(path: name, format: "html", verdict: .unreadable, findings: [Finding(code: .fileUnreadable, severity: .error, message: (error as? MediaError)?.reason ?? "\(error)")])
        }
        return verify(root, path: name, imagesBeside: false)
    }

    /// - Parameter imagesBeside: whether the images the page names can be looked for beside `path` (or
    ///   under ``mediaRoot``); when not, each is an info finding that it was not read.
    public func verify(_ root: HTMLElement, path: String, imagesBeside: Bool = true) -> FileReport {
        var scan = PageScan()
        scan.walk(root, hidden: false)
        var report = FileReport(path: path, format: "html", verdict: .noAIEvidence)
        var markers: [String] = []
        var declaredNone: [String] = []

        func signal(_ detail: String) {
            report.aiEvidence.append(Evidence(source: .html, detail: detail))
            report.disclosures.append(Disclosure(kind: .html, detail: detail, intact: true))
            markers.append(detail)
        }
        for meta in scan.metas {
            let content = meta.content.trimmingCharacters(in: .whitespacesAndNewlines)
            let value = content.lowercased()
            switch meta.key {
            case "name:ai-disclosure":
                if ["ai-assisted", "ai-generated", "autonomous"].contains(value) {
                    signal("<meta name=\"ai-disclosure\" content=\"\(content)\">")
                } else if value == "none" {
                    declaredNone.append("<meta name=\"ai-disclosure\" content=\"none\">")
                } else {
                    report.findings.append(Finding(code: .htmlUnknownValue, severity: .warning, message: "<meta name=\"ai-disclosure\"> has the unknown value '\(content.prefix(80))' (use none, ai-assisted, ai-generated or autonomous)."))
                }
            case "name:ai-generated":
                if ["all", "partially", "partial", "true", "yes"].contains(value) {
                    signal("<meta name=\"ai-generated\" content=\"\(content)\">")
                } else if ["none", "false", "no"].contains(value) {
                    declaredNone.append("<meta name=\"ai-generated\" content=\"\(content)\">")
                } else {
                    report.findings.append(Finding(code: .htmlUnknownValue, severity: .warning, message: "<meta name=\"ai-generated\"> has the unknown value '\(content.prefix(80))' (use all, partially or none)."))
                }
            case "http-equiv:ai-disclosure":
                let mode = Self.headerMode(content)
                if let mode, ["ai-modified", "ai-originated", "machine-generated"].contains(mode) {
                    signal("<meta http-equiv=\"AI-Disclosure\"> mode=\(mode)")
                } else if mode == "none" {
                    declaredNone.append("<meta http-equiv=\"AI-Disclosure\"> mode=none")
                } else {
                    report.findings.append(Finding(code: .htmlUnknownValue, severity: .warning, message: "<meta http-equiv=\"AI-Disclosure\"> has no known mode (none, ai-modified, ai-originated, machine-generated): '\(content.prefix(80))'."))
                }
            default:
                break
            }
        }
        for (index, script) in scan.jsonLD.enumerated() {
            guard let data = script.data(using: .utf8), data.count <= 4 * 1_048_576,
                let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            else {
                report.findings.append(Finding(code: .htmlJSONLDMalformed, severity: .warning, message: "JSON-LD block \(index + 1) is not valid JSON."))
                continue
            }
            for (location, value) in Self.sourceTypes(in: object, path: "", depth: 0) where SourceTypeValue.meaning(value) == .generativeAI {
                signal("JSON-LD digitalSourceType\(location.isEmpty ? "" : " at \(location)") = \(value)")
            }
        }
        for attribute in scan.elementDisclosures {
            let value = attribute.value.lowercased()
            if ["ai-assisted", "ai-generated", "autonomous"].contains(value) {
                signal("<\(attribute.element) ai-disclosure=\"\(value)\">")
            } else if value != "none" {
                report.findings.append(Finding(code: .htmlUnknownValue, severity: .warning, message: "<\(attribute.element)> has ai-disclosure='\(attribute.value.prefix(80))' (use none, ai-assisted, ai-generated or autonomous)."))
            }
        }
        // Images: local ones are verified; the page verifier never uses the network.
        let catalog = CatalogVerifier(verifier: verifier, mediaRoot: mediaRoot)
        let images = catalog.checkImages(scan.images, relativeTo: path, code: .html, beside: imagesBeside)
        report.aiEvidence += images.evidence
        report.findings += images.findings

        let visible = phrases.matches(in: scan.visibleText, languages: languages)
        if !visible.isEmpty {
            let detail = visible.sorted { $0.key < $1.key }.map { "\($0.key): «\($0.value)»" }.joined(separator: ", ")
            report.disclosures.append(Disclosure(kind: .visible, detail: "visible notice on the page (\(detail))", intact: true, languages: visible.keys.sorted()))
        }
        let hiddenOnly = phrases.matches(in: scan.hiddenText, languages: languages).keys.filter { visible[$0] == nil }.sorted()

        guard !report.aiEvidence.isEmpty else {
            if !visible.isEmpty {
                report.findings.append(Finding(code: .htmlNoticeWithoutMarker, severity: .info, message: "The page shows a disclosure notice but no machine-readable signal; a notice alone is not counted as AI evidence."))
            }
            return report
        }
        if images.invalid {
            report.verdict = .invalidDisclosure
            return report
        }
        if !declaredNone.isEmpty && !markers.isEmpty {
            report.findings.append(Finding(code: .disclosureContradictory, severity: .error, message: "\(declaredNone.joined(separator: ", ")) but the page also declares AI: \(markers.joined(separator: "; "))."))
            report.verdict = .invalidDisclosure
            return report
        }
        let reference = profile.catalog?.reference
        var missing: [Finding] = []
        if markers.isEmpty {
            let none = declaredNone.isEmpty ? "" : " (the page declares \(declaredNone.joined(separator: ", ")), but its images carry AI evidence)"
            missing.append(Finding(
                code: .htmlMarkerMissing, severity: .error,
                message: "No machine-readable AI signal on the page\(none): add <meta name=\"ai-disclosure\" content=\"ai-generated\"> or schema.org JSON-LD digitalSourceType.",
                reference: reference))
        }
        for language in languages where visible[language] == nil {
            let hidden = hiddenOnly.contains(language) ? " (a phrase is present, but only in script, style or hidden content)" : ""
            missing.append(Finding(
                code: .htmlNoticeMissing, severity: .error,
                message: "No visible AI notice in \(language)\(hidden).", reference: reference))
        }
        report.findings += missing
        report.verdict = missing.isEmpty ? .compliant : .missingDisclosure
        return report
    }

    /// The `mode` of an `AI-Disclosure` header value (`mode=ai-originated; model="…"`).
    static func headerMode(_ value: String) -> String? {
        for part in value.split(whereSeparator: { $0 == ";" || $0 == "," }) {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2 && pair[0].lowercased() == "mode" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
            }
        }
        let bare = value.trimmingCharacters(in: .whitespaces).lowercased()
        return ["none", "ai-modified", "ai-originated", "machine-generated"].contains(bare) ? bare : nil
    }

    /// Every `digitalSourceType` value in a JSON-LD document, at any depth.
    static func sourceTypes(in value: Any, path: String, depth: Int) -> [(String, String)] {
        guard depth < 64 else { return [] }
        var out: [(String, String)] = []
        if let object = value as? [String: Any] {
            for key in object.keys.sorted() {
                let inner = object[key]!
                let here = path.isEmpty ? key : "\(path).\(key)"
                if key == "digitalSourceType" || key == "schema:digitalSourceType" || key.hasSuffix("schema.org/digitalSourceType") {
                    if let text = inner as? String {
                        out.append((path, text))
                    } else if let reference = inner as? [String: Any], let id = reference["@id"] as? String {
                        out.append((path, id))
                    } else if let list = inner as? [Any] {
                        out += list.compactMap { ($0 as? String) ?? (($0 as? [String: Any])?["@id"] as? String) }.map { (path, $0) }
                    }
                } else {
                    out += sourceTypes(in: inner, path: here, depth: depth + 1)
                }
            }
        } else if let list = value as? [Any] {
            for item in list { out += sourceTypes(in: item, path: path, depth: depth + 1) }
        }
        return out
    }
}

/// One pass over the page tree: signals, images, and text split into what a reader sees and what not.
struct PageScan {
    var metas: [(key: String, content: String)] = []
    var jsonLD: [String] = []
    var elementDisclosures: [(element: String, value: String)] = []
    var images: [String] = []
    var visibleText = ""
    var hiddenText = ""

    static let invisible: Set<String> = ["script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg", "math"]

    /// Utility classes that hide content in the common CSS frameworks (Bootstrap, Tailwind, WordPress).
    /// ailabel reads no style sheets, so other classes are assumed visible.
    static let hidingClasses: Set<String> = ["hidden", "d-none", "sr-only", "visually-hidden", "invisible", "screen-reader-text", "hide"]

    static func isHidden(_ element: HTMLElement) -> Bool {
        if element.attribute("hidden") != nil { return true }
        if let classes = element.attribute("class"), classes.split(whereSeparator: \.isWhitespace).contains(where: { hidingClasses.contains($0.lowercased()) }) {
            return true
        }
        if element.attribute("aria-hidden")?.trimmingCharacters(in: .whitespaces).lowercased() == "true" { return true }
        if element.name == "input", element.attribute("type")?.lowercased() == "hidden" { return true }
        if let style = element.attribute("style") {
            let squashed = style.lowercased().filter { !$0.isWhitespace }
            for rule in squashed.split(separator: ";") {
                let parts = rule.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let value = parts[1].replacingOccurrences(of: "!important", with: "")
                switch parts[0] {
                case "display" where value == "none": return true
                case "visibility" where value == "hidden" || value == "collapse": return true
                case "opacity" where Double(value) == 0: return true
                case "font-size" where value.hasPrefix("0") && Double(value.prefix { $0.isNumber || $0 == "." }) == 0: return true
                default: continue
                }
            }
        }
        return false
    }

    mutating func walk(_ element: HTMLElement, hidden: Bool) {
        let name = element.name
        switch name {
        case "meta":
            if let key = element.attribute("name") {
                metas.append(("name:" + key.trimmingCharacters(in: .whitespaces).lowercased(), element.attribute("content") ?? ""))
            } else if let key = element.attribute("http-equiv") {
                metas.append(("http-equiv:" + key.trimmingCharacters(in: .whitespaces).lowercased(), element.attribute("content") ?? ""))
            }
        case "script":
            if element.attribute("type")?.trimmingCharacters(in: .whitespaces).lowercased() == "application/ld+json" { jsonLD.append(element.allText) }
        case "img", "source":
            var sources: [String] = []
            if name == "img", let source = element.attribute("src") { sources.append(source) }
            // srcset: "url 1x, url-2x.jpg 2x": each candidate's URL is its first word.
            for candidate in (element.attribute("srcset") ?? "").split(separator: ",") {
                if let url = candidate.split(whereSeparator: \.isWhitespace).first { sources.append(String(url)) }
            }
            for source in sources.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !source.isEmpty && !images.contains(source) {
                images.append(source)
            }
        default:
            break
        }
        if let value = element.attribute("ai-disclosure") { elementDisclosures.append((name, value.trimmingCharacters(in: .whitespaces))) }
        let hiddenHere = hidden || Self.invisible.contains(name) || Self.isHidden(element)
        let block = !["span", "a", "b", "i", "em", "strong", "small", "mark", "sup", "sub", "abbr", "code", "q", "s", "u"].contains(name)
        for child in element.children {
            switch child {
            case .text(let text):
                if hiddenHere { hiddenText += " " + text } else { visibleText += text }
            case .element(let inner):
                walk(inner, hidden: hiddenHere)
            }
        }
        if block {
            if hiddenHere { hiddenText += "\n" } else { visibleText += "\n" }
        }
    }
}
