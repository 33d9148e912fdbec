import AILabelMedia
import AILabelVocabulary
import Foundation

/// Traces that image generators leave in files that carry no label: PNG text chunks, EXIF fields and
/// tool names (regulations notes §5.3). Such traces are evidence of AI involvement, never a disclosure.
public struct GeneratorTraceCollector: EvidenceCollector {
    public var name: String { "generator-traces" }
    public var needsPixels: Bool { false }

    public init() {}

    /// Generator names worth matching, case-insensitively, in Software, CreatorTool, Make, Source and Comment.
    static let tokens: [(token: String, name: String)] = [
        ("firefly", "firefly"), ("dall-e", "dall-e"), ("dalle", "dall-e"), ("midjourney", "midjourney"),
        ("stable diffusion", "stable-diffusion"), ("stable-diffusion", "stable-diffusion"), ("stablediffusion", "stable-diffusion"),
        ("comfyui", "comfyui"), ("automatic1111", "automatic1111"), ("invokeai", "invokeai"), ("imagen", "imagen"),
        ("gpt-image", "gpt-image"), ("nano banana", "nano-banana"), ("nightcafe", "nightcafe"), ("ideogram", "ideogram"),
        ("leonardo", "leonardo"), ("flux", "flux"), ("dreamstudio", "dreamstudio"), ("novelai", "novelai"), ("reve.com", "reve"),
        ("luma ai", "luma"), ("lumalabs", "luma"), ("aphrodite ai", "aphrodite"), ("apple image playground", "image-playground"),
        ("fal-ai", "fal"),
    ]

    static let dublinCore = "http://purl.org/dc/elements/1.1/"

    /// "Job ID: " and a UUID, as Midjourney appends to the prompt it writes into a download's description.
    /// A bare "Job ID:" is not enough: people write job numbers into captions too.
    static func midjourneyJobID(in text: String) -> UUID? {
        var rest = text[...]
        while let range = rest.range(of: "Job ID:") {
            let candidate = rest[range.upperBound...].drop { $0 == " " }.prefix(36)
            if let id = UUID(uuidString: String(candidate)) { return id }
            rest = rest[range.upperBound...]
        }
        return nil
    }

    public func collect(from subject: VerificationSubject, pixels: RGBImage?, into observations: inout Observations) {
        var texts: [String: String] = [:]
        for entry in subject.file.contents.textEntries where texts[entry.keyword] == nil { texts[entry.keyword] = entry.text }

        if let parameters = texts["parameters"] {
            if parameters.contains("sui_image_params") {
                observations.addEvidence(.generator("swarmui"), "PNG text 'parameters' holds SwarmUI's sui_image_params")
            } else if parameters.contains("Steps:") && (parameters.contains("Sampler:") || parameters.contains("CFG scale:")) {
                observations.addEvidence(.generator("automatic1111"), "PNG text 'parameters' holds Stable Diffusion WebUI settings (Steps, Sampler)")
            } else if parameters.localizedCaseInsensitiveContains("fooocus") {
                observations.addEvidence(.generator("fooocus"), "PNG text 'parameters' holds Fooocus settings")
            }
        }
        if let prompt = texts["prompt"], prompt.contains("class_type") {
            observations.addEvidence(.generator("comfyui"), "PNG text 'prompt' holds a ComfyUI API graph")
        }
        if let workflow = texts["workflow"], workflow.contains("\"nodes\"") {
            observations.addEvidence(.generator("comfyui"), "PNG text 'workflow' holds a ComfyUI workflow")
        }
        for key in ["invokeai_metadata", "invokeai_graph", "invokeai_workflow", "sd-metadata", "Dream"] where texts[key] != nil {
            observations.addEvidence(.generator("invokeai"), "PNG text '\(key)' written by InvokeAI")
        }
        if texts["fooocus_scheme"] != nil {
            observations.addEvidence(.generator("fooocus"), "PNG text 'fooocus_scheme' written by Fooocus")
        }
        if let software = texts["Software"], software.trimmingCharacters(in: .whitespaces).caseInsensitiveCompare("NovelAI") == .orderedSame {
            let comment = texts["Comment"].map { $0.contains("\"steps\"") ? ", with generation settings in Comment" : "" } ?? ""
            observations.addEvidence(.generator("novelai"), "PNG text Software = NovelAI\(comment)")
        }
        // Descriptions: generators that write no label of their own still write the prompt and their job
        // reference into the description fields, PNG text, XMP dc:description and IPTC IIM Caption-Abstract.
        var descriptions: [(field: String, text: String)] = []
        if let description = texts["Description"] { descriptions.append(("PNG text 'Description'", description)) }
        for value in subject.xmp?.values(namespace: Self.dublinCore, name: "description") ?? [] {
            switch value {
            case .alternative(let strings): descriptions += strings.map { ("XMP dc:description", $0.text) }
            case .text(let text): descriptions.append(("XMP dc:description", text))
            default: break
            }
        }
        for dataset in subject.file.contents.iptc where dataset.record == 2 && dataset.dataset == 120 {
            descriptions.append(("IPTC IIM Caption-Abstract", dataset.value))
        }
        for (field, text) in descriptions {
            if Self.midjourneyJobID(in: text) != nil {
                observations.addEvidence(.generator("midjourney"), "\(field) holds a Midjourney Job ID")
            } else if text.contains("Steps:") && (text.contains("Sampler:") || text.contains("CFG scale:")) {
                observations.addEvidence(.generator("automatic1111"), "\(field) holds Stable Diffusion WebUI settings (Steps, Sampler)")
            }
        }
        if texts["hf-job-id"] != nil {
            observations.addFinding(.generatorHostingHint, .info, "PNG text 'hf-job-id': made on Hugging Face infrastructure (a hosting hint, not proof of AI)")
        }

        if let exif = subject.exif {
            if let comment = exif.userComment {
                if comment.contains("Steps:") && (comment.contains("Sampler:") || comment.contains("CFG scale:")) {
                    observations.addEvidence(.generator("automatic1111"), "EXIF UserComment holds Stable Diffusion WebUI settings (Steps, Sampler)")
                } else if comment.localizedCaseInsensitiveContains("fooocus") {
                    observations.addEvidence(.generator("fooocus"), "EXIF UserComment holds Fooocus settings")
                }
            }
            if let artist = exif.tag(EXIFTag.artist)?.value, UUID(uuidString: artist.trimmingCharacters(in: .whitespaces)) != nil,
                exif.tag(EXIFTag.imageDescription)?.value.hasPrefix("Signature:") == true
            {
                observations.addEvidence(.generator("grok"), "EXIF Artist is a UUID and ImageDescription a signature, as xAI Grok writes")
            }
            if let make = exif.tag(EXIFTag.make)?.value, make.localizedCaseInsensitiveContains("Ideogram") {
                observations.addEvidence(.generator("ideogram"), "EXIF Make = \(make)")
            }
            if let description = exif.tag(EXIFTag.imageDescription)?.value, description.contains("ServiceProvider") {
                observations.addEvidence(.generator("tencent"), "EXIF ImageDescription holds Tencent Cloud's ServiceProvider label")
            }
        }

        var named: [(field: String, value: String)] = []
        if let exif = subject.exif {
            for tag in [EXIFTag.software, EXIFTag.make] { if let value = exif.tag(tag)?.value { named.append(("EXIF \(exif.tag(tag)!.name)", value)) } }
        }
        if let creator = subject.xmp?.value(namespace: "http://ns.adobe.com/xap/1.0/", name: "CreatorTool")?.displayText {
            named.append(("XMP CreatorTool", creator))
        }
        for key in ["Software", "Source", "Comment"] { if let value = texts[key] { named.append(("PNG text \(key)", value)) } }
        for dataset in subject.file.contents.iptc where dataset.record == 2 && dataset.dataset == 65 {
            named.append(("IPTC IIM OriginatingProgram", dataset.value))
        }
        for (field, value) in named {
            let lower = value.lowercased()
            if let match = Self.tokens.first(where: { lower.contains($0.token) }) {
                observations.addEvidence(.generator(match.name), "\(field) names \(value.prefix(80))")
            }
        }
    }
}
