import AILabelEngine
import AILabelKit
import AILabelVerify
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// The query string of a request, read strictly: an option the route does not take, a repeated one or a
/// bad value is 422, never ignored.
struct RequestOptions {
    var values: [String: String] = [:]

    init(_ uri: URI, allowed: Set<String>) throws(APIFailure) {
        for (key, value) in uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw APIFailure(.unprocessableContent, AILabelError.Code.badOption.rawValue, "unknown option '\(name.prefix(64))'; this route takes \(allowed.sorted().joined(separator: ", "))")
            }
            guard values[name] == nil else {
                throw APIFailure(.unprocessableContent, AILabelError.Code.badOption.rawValue, "option '\(name)' is given twice")
            }
            // The document's maxLength: a file's name is a path component; every other value a short text.
            let limit = name == "filename" ? 255 : name == "badge_margin" ? 16 : 1024
            guard value.count <= limit else {
                throw APIFailure(.unprocessableContent, AILabelError.Code.badOption.rawValue, "option '\(name)' is longer than \(limit) characters")
            }
            values[name] = String(value)
        }
    }

    func string(_ name: String) -> String? { values[name] }

    func bool(_ name: String) throws(APIFailure) -> Bool? {
        guard let value = values[name] else { return nil }
        switch value.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIFailure(.unprocessableContent, AILabelError.Code.badOption.rawValue, "option '\(name)' takes true or false")
        }
    }

    static let stampOptions: Set<String> = [
        "profile", "source_type", "ai_system", "ai_system_version", "producer", "producer_id", "content_id", "propagator", "propagate_id",
        "deepfake", "lang", "prompt", "time", "watermark", "visible", "badge_corner", "badge_margin", "eu_icon", "sidecar_only", "sidecar", "filename",
    ]
    static let verifyOptions: Set<String> = ["profile", "scan", "require_trusted", "filename"]
    static let inspectOptions: Set<String> = ["filename"]

    /// The stamp settings a request may choose: the label and its marks, never a key, a font or a path.
    func stampSettings() throws(APIFailure) -> StampSettings {
        var settings = StampSettings()
        if let name = string("profile") {
            guard let profile = StampProfile(name: name) else {
                throw APIFailure(.unprocessableContent, AILabelError.Code.badOption.rawValue, "unknown profile '\(name.prefix(64))'; use kz, eu, cn, all")
            }
            settings.profile = profile
        }
        settings.sourceType = string("source_type")
        settings.aiSystem = string("ai_system")
        settings.aiSystemVersion = string("ai_system_version")
        settings.producer = string("producer")
        settings.producerID = string("producer_id")
        settings.contentID = string("content_id")
        settings.propagator = string("propagator")
        settings.propagateID = string("propagate_id")
        settings.deepfake = try bool("deepfake") ?? false
        settings.languages = string("lang").map { [$0] } ?? []
        settings.prompt = string("prompt")
        settings.time = string("time")
        settings.watermark = try bool("watermark")
        settings.visible = try bool("visible")
        settings.badgeCorner = string("badge_corner")
        settings.badgeMargin = string("badge_margin")
        settings.euIcon = try bool("eu_icon") ?? false
        settings.sidecarOnly = try bool("sidecar_only") ?? false
        if let sidecar = string("sidecar"), sidecar != "xmp" && sidecar != "c2pa" {
            throw APIFailure(.unprocessableContent, AILabelError.Code.badOption.rawValue, "option 'sidecar' takes xmp or c2pa")
        }
        return settings
    }

    func scan() throws(APIFailure) -> ScanMode {
        guard let value = string("scan") else { return .auto }
        guard let scan = ScanMode(rawValue: value) else {
            throw APIFailure(.unprocessableContent, AILabelError.Code.badOption.rawValue, "option 'scan' takes auto, full or metadata")
        }
        return scan
    }
}
