import AILabelAudible
@_spi(Tools) import AILabelEngine
import AILabelKit
import AILabelMedia
import AILabelVerify
import AILabelVisible
import AILabelVocabulary
import ArgumentParser
import Foundation

/// The legal profiles, as command-line values (the library's ``StampProfile``: names are case-insensitive).
typealias ProfileName = StampProfile

extension StampProfile: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}

struct StampCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stamp",
        abstract: "Write the AI disclosure into JPEG and PNG files: IPTC, TC260 AIGC and ailabel XMP, EXIF, and a signed C2PA manifest.",
        discussion: """
            PATH is a file, a folder (walked recursively) or - to read paths from standard input. One of --out or \
            --in-place is required. Files other than JPEG and PNG get sidecars (FILE.xmp, and FILE.c2pa with a \
            signer). Exit status: 0 when every file was stamped, 1 when any failed, 64 on bad usage.

            Examples:
              ailabel stamp generated/ --out labelled/ --ai-system "Stable Diffusion XL" --producer "Example LLP"
              ailabel stamp photo.jpg --in-place --source-type compositeWithTrainedAlgorithmicMedia --lang kk,ru
              find out -name '*.png' | ailabel stamp - --in-place --json
              ailabel stamp --catalog products.json --out products-labelled.json --profile kz
            """
    )

    @Argument(help: "Files or folders to stamp, or - to read paths from standard input.", completion: .file())
    var paths: [String] = []

    @Option(name: .long, help: "Write stamped files under this folder (folder arguments are mirrored).")
    var out: String?

    @Flag(name: .long, help: "Replace each file in place (atomically).")
    var inPlace = false

    @Option(name: .long, help: "Legal profile: kz (default), eu, cn or all. Chooses the default languages.")
    var profile: ProfileName?

    @Option(name: .long, help: "A TOML configuration file (producer, languages, texts, signer, trust).")
    var config: String?

    @Option(name: .customLong("source-type"), help: "IPTC digital source type, by short name or URI (default trainedAlgorithmicMedia).")
    var sourceType: String?

    @Option(name: .customLong("ai-system"), help: "The AI system used (IPTC AISystemUsed).")
    var aiSystem: String?

    @Option(name: .customLong("ai-system-version"), help: "Its version (IPTC AISystemVersionUsed).")
    var aiSystemVersion: String?

    @Option(name: .long, help: "The producer's name.")
    var producer: String?

    @Option(name: .customLong("producer-id"), help: "The producer's identifier (BIN, Unified Social Credit Code…): TC260 ContentProducer.")
    var producerID: String?

    @Option(name: .customLong("content-id"), help: "The content ID (TC260 ProduceID). Default: the file's own, else a UUID derived from the image data.")
    var contentID: String?

    @Option(name: .long, help: "The propagation platform's identifier (TC260 ContentPropagator).")
    var propagator: String?

    @Option(name: .customLong("propagate-id"), help: "The platform's ID for the content (TC260 PropagateID).")
    var propagateID: String?

    @Flag(name: .long, help: "The content is a deepfake: it depicts a real person, or events that did not happen.")
    var deepfake = false

    @Option(name: .customLong("lang"), parsing: .singleValue, help: "Languages of the disclosure text (repeatable or comma-separated): kk, ru, en, zh.")
    var languages: [String] = []

    @Option(name: .customLong("text"), parsing: .singleValue, help: "Override a disclosure text: LANG=TEXT (repeatable).")
    var texts: [String] = []

    @Option(name: .long, help: "Record this prompt (IPTC AIPromptInformation). Off by default: prompts can hold personal data.")
    var prompt: String?

    @Option(name: .long, help: "Creation time, ISO 8601 (default: now). Fixing it makes stamping reproducible.")
    var time: String?

    @OptionGroup var signer: SignerOptions

    @Flag(inversion: .prefixedNo, help: "Embed the invisible watermark carrying the label ID (default: on under the eu and all profiles).")
    var watermark: Bool?

    @Flag(inversion: .prefixedNo, help: "Draw the visible disclosure badge (default: on for deepfakes under kz and eu, always under cn and all).")
    var visible: Bool?

    @Flag(name: .long, help: "Insert a disclosure people hear into audio files (WAV, FLAC, MP3) and the sound of movies (MP4, MOV, M4A; a video without sound gets a track): a spoken sentence in the label's languages (espeak-ng), or the rhythm cue.")
    var audible = false

    @Option(name: .customLong("audible-cue"), help: "The audible disclosure: speech (default, the label's texts spoken) or rhythm (GB 45438's short-long-short-short, Morse for AI).")
    var audibleCue: String?

    @Option(name: .customLong("audible-at"), help: "Where the audible disclosure goes: start (default), end or both.")
    var audibleAt: String?

    @Option(name: .customLong("badge-corner"), help: "Badge corner: top-right (default), top-left, bottom-right, bottom-left.")
    var badgeCorner: String?

    @Option(name: .customLong("badge-margin"), help: "Space between badge and image edge: pixels (12) or percent of the shorter side (2%). Default 2%.")
    var badgeMargin: String?

    @Option(name: .customLong("visible-span"), help: "Video: draw the badge on every frame (full, default) or on the first --visible-seconds (start).")
    var visibleSpan: VisibleSpanName?

    @Option(name: .customLong("visible-seconds"), help: "Video, with --visible-span start: seconds from the start the badge is shown (at least 2; default 5).")
    var visibleSeconds: Double?

    @Option(name: .customLong("video-crf"), help: "Video: the encoder's constant rate factor (default: matched to the source; libx264 12...18 from an H.264 source's QP).")
    var videoCRF: Int?

    @Flag(name: .customLong("eu-icon"), help: "Draw the EU-style icon (AI GENERATED / AI MODIFIED) before the texts.")
    var euIcon = false

    @Option(name: .customLong("font"), parsing: .singleValue, help: "A font file for the badge, in fallback order (repeatable; default: Noto Sans Bold, Noto Sans CJK, DejaVu Sans).")
    var fonts: [String] = []

    @Flag(name: .long, help: "Write XMP (and, with a signer, C2PA) sidecars for JPEG and PNG too, leaving the files unchanged. Other kinds always get sidecars.")
    var sidecar = false

    @Option(name: .long, help: "A product or service feed (JSON, JSON Lines, CSV): write a copy to --out FILE with AI markers and disclosure texts added.")
    var catalog: String?

    @Option(name: .customLong("media-root"), help: "With --catalog: the folder image references resolve in (default: the feed's folder).")
    var mediaRoot: String?

    @Option(name: .long, help: "With --catalog: a JSON mapping of the feed's fields (see verify --mapping).")
    var mapping: String?

    @Flag(name: .customLong("dry-run"), help: "Report what would be written without writing anything.")
    var dryRun = false

    @Option(name: .long, help: "Files stamped in parallel (default: the number of cores).")
    var jobs: Int?

    @Flag(name: .long, help: "Print one JSON object per file (JSON Lines).")
    var json = false

    @Flag(name: .customLong("include-hidden"), help: "Also walk hidden files and folders.")
    var includeHidden = false

    @Flag(name: .customLong("follow-symlinks"), help: "Follow symbolic links inside a folder whose targets stay inside that folder (never outside).")
    var followSymlinks = false

    @Option(name: .long, help: "Stamp only shard I of N (I from 0 to N-1): the files whose path relative to its folder argument hashes to I, so N machines split one tree (verify --shard's partition).")
    var shard: String?

    @Flag(name: .customLong("sidecar-all"), help: "Give sidecars to files of every kind, not only media and the kinds Docs/cli.md lists (key and certificate files never).")
    var sidecarAll = false

    @Flag(name: .long, help: "With --in-place: also rewrite files whose mode makes them read-only.")
    var force = false

    @Flag(name: .customShort("0"), help: "With -: paths on standard input are separated by NUL bytes (find -print0).")
    var nulSeparated = false

    @Option(name: .long, help: "The one path is the init segment of a fragmented MP4 (CMAF, DASH): also sign the fragments this glob matches in its folder ('seg-*.m4s'), each with a Merkle proof, into --out DIR.")
    var fragments: String?

    /// The options as the library's settings (its resolution applies the precedence and the defaults).
    var settings: StampSettings {
        var settings = StampSettings()
        settings.profile = profile
        settings.sourceType = sourceType
        settings.aiSystem = aiSystem
        settings.aiSystemVersion = aiSystemVersion
        settings.producer = producer
        settings.producerID = producerID
        settings.contentID = contentID
        settings.propagator = propagator
        settings.propagateID = propagateID
        settings.deepfake = deepfake
        settings.languages = languages
        settings.texts = texts
        settings.prompt = prompt
        settings.time = time
        settings.watermark = watermark
        settings.visible = visible
        settings.badgeCorner = badgeCorner
        settings.badgeMargin = badgeMargin
        settings.euIcon = euIcon
        settings.fonts = fonts
        settings.signer = signer.settings
        settings.sidecarOnly = sidecar
        settings.dryRun = dryRun
        settings.videoSpan = visibleSpan == .start ? .start(seconds: visibleSeconds ?? 5) : .full
        settings.videoCRF = videoCRF
        if audible {
            settings.audible = AudibleRequest(
                kind: AudibleCue.Kind(rawValue: audibleCue ?? "speech") ?? .speech, placement: AudibleCue.Placement(rawValue: audibleAt ?? "start") ?? .start)
        }
        return settings
    }

    func validate() throws {
        if catalog != nil {
            guard let out, !inPlace, paths.isEmpty else { throw ValidationError("--catalog FEED takes --out FILE (the stamped copy) and no other paths") }
            if let catalog, OutputPlacement.sameFile(catalog, out) {
                throw ValidationError("--out \(out) is the feed itself; the stamped copy must go to another file")
            }
            return
        }
        guard !paths.isEmpty else { throw ValidationError("name at least one file or folder, or - for standard input") }
        if fragments != nil {
            guard paths.count == 1, paths[0] != "-" else { throw ValidationError("--fragments takes exactly one path: the init segment") }
            guard out != nil, !inPlace, !sidecar else { throw ValidationError("--fragments writes the signed init segment and fragments to --out DIR (not --in-place or --sidecar)") }
        }
        guard (out != nil) != inPlace else {
            throw ValidationError("give exactly one of --out DIR or --in-place (ailabel never modifies files by surprise)")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let shard, Shard(parsing: shard) == nil { throw ValidationError("--shard takes I/N with 0 ≤ I < N, e.g. 0/4 (got '\(shard)')") }
        if let audibleCue, AudibleCue.Kind(rawValue: audibleCue) == nil { throw ValidationError("--audible-cue must be speech or rhythm") }
        if let audibleAt, AudibleCue.Placement(rawValue: audibleAt) == nil { throw ValidationError("--audible-at must be start, end or both") }
        if (audibleCue != nil || audibleAt != nil) && !audible { throw ValidationError("--audible-cue and --audible-at apply with --audible") }
        if force && !inPlace { throw ValidationError("--force applies to --in-place only (a copy under --out is always written)") }
        _ = try EngineBridge.resolve { () throws(AILabelError) in try settings.validate() }
        if let visibleSeconds {
            guard visibleSpan == .start else { throw ValidationError("--visible-seconds applies to --visible-span start") }
            guard visibleSeconds.isFinite, visibleSeconds >= VisibleSpan.minimumSeconds else {
                throw ValidationError("--visible-seconds must be at least \(Int(VisibleSpan.minimumSeconds)) (GB 45438-2025 asks for 2 s at the start)")
            }
        }
        if let videoCRF, !(0...63).contains(videoCRF) { throw ValidationError("--video-crf must be 0...63") }
    }

    func run() async throws {
        FreedMemory.keepForReuse()
        if let catalog { return try stampCatalog(catalog) }
        let configuration = try ConfigurationLoader.load(config)
        // The library resolves the options (precedence, the profile's defaults, the signer, the marks).
        let resolved = try EngineBridge.resolve { () throws(AILabelError) in try StampConfiguration.resolve(settings, configuration: configuration) }
        EngineBridge.say(resolved.notices)
        let signer = resolved.signer
        let stamper = resolved.stamper
        if let fragments { return try stampFragments(paths[0], pattern: fragments, stamper: stamper) }
        let sidecarStamper = resolved.sidecarStamper
        let mapping: OutputMapping = inPlace ? .inPlace : .directory(out!)
        var batch = StampBatch(
            stamper: stamper, sidecarStamper: sidecarStamper, sidecarOnly: sidecar, sidecarAll: sidecarAll, force: force, mapping: mapping,
            jobs: jobs ?? BatchRunner.defaultJobs)
        batch.waitNotice = { folder in StandardError.write("ailabel: another ailabel run is writing to \(folder); waiting for it to finish") }
        batch.shard = shard.flatMap(Shard.init(parsing:))
        // Paths from standard input are read as the walk goes, never held: kept in an unlinked file when
        // the run walks twice (below), else not at all.
        let fromStandardInput = paths.contains("-")
        let commandLine = paths.filter { $0 != "-" }
        var excluded = try OutputPlacement.check(out: out, inputs: commandLine)
        // The walk is still going when the first output is written: --out is left out of it wherever it
        // turns up, by the real path it has or will have once made (a list's folders may hold it too).
        let realOut = out.flatMap(OutputPlacement.realPathToBe)
        if let realOut { excluded.insert(realOut) }
        var walker = FileWalker(includeHidden: includeHidden, followSymlinks: followSymlinks, excluded: excluded)
        // An argument inside --out is refused before anything is written (above); a path listed on standard
        // input that lies there is refused by the walk when it meets it, as a failed record.
        if let out { walker.excludedReason = "it lies inside --out \(out); choose an --out outside the inputs" }
        // Several inputs may meet at one output only under --out with more than one argument (or a list):
        // then a first walk finds any before anything is written, as the whole list once did.
        let guardOutputs = !inPlace && (paths.count > 1 || fromStandardInput)
        let spool: PathSpool?
        do {
            spool = fromStandardInput && guardOutputs ? try PathSpool() : nil
        } catch {
            StandardError.write("ailabel: \(error.description)")
            throw ExitCode(1)
        }
        let sortArguments = !fromStandardInput
        let emit: (StampResult) -> Void = { [json] result in
            if json {
                print((try? JSONOutput.encode(result, pretty: false)) ?? "{}")
            } else {
                print(StampText.line(result))
            }
        }
        var walks = 0
        let walk = { () -> FileWalker.Stream in
            walks += 1
            let arguments: AnySequence<String> = AnySequence(paths.lazy.flatMap { argument -> AnySequence<String> in
                guard argument == "-" else { return AnySequence(CollectionOfOne(argument)) }
                let standardInput = PathListReader(descriptor: 0, nulSeparated: nulSeparated)
                return spool.map { walks == 1 ? $0.recording(standardInput) : $0.replay() } ?? AnySequence(standardInput)
            })
            return walker.stream(arguments, sortArguments: sortArguments)
        }
        var planned: PlannedOutputs?
        if guardOutputs {
            let (collisions, outputs) = batch.collisions(walking: walk)
            planned = outputs
            if let failure = spool?.failure {
                StandardError.write("ailabel: \(failure.description); nothing was written")
                throw ExitCode(1)
            }
            if !collisions.isEmpty {
                for collision in collisions {
                    StandardError.write("ailabel: \(collision.inputs.joined(separator: " and ")) would all be written to \(collision.output)")
                }
                throw ValidationError("several inputs map to one output; nothing was written (stamp them in separate runs or to separate --out folders)")
            }
        }
        let bar = ProgressBar(label: "stamping")
        var stream = walk()
        let tally = await batch.run(
            &stream, planned: planned, oncePerFile: inPlace && (paths.count > 1 || fromStandardInput || followSymlinks),
            notice: { event in
                switch event {
                case .resolvedLink(let link):
                    StandardError.write("ailabel: \(link.argument) is a symbolic link to \(link.target); \(inPlace ? "stamping" : "reading") \(link.target)")
                case .skip(let skip): StandardError.write("ailabel: warning: \(skip.path): \(skip.reason)")
                default: break
                }
            },
            emit: emit, progress: { bar.update(done: $0) })
        bar.finish()
        if !json { print(StampText.summary(tally, signed: signer != nil)) }
        if tally.failed > 0 { throw ExitCode(1) }
    }

    /// `--fragments`: the init segment and the fragments the glob matches, as one record.
    private func stampFragments(_ initSegment: String, pattern: String, stamper: Stamper) throws {
        let set: FragmentSet
        do {
            set = try FragmentSet.resolve(initSegment: initSegment, pattern: pattern)
        } catch let problem as FragmentSet.Problem {
            throw ValidationError(problem.reason)
        }
        let folder = (initSegment as NSString).deletingLastPathComponent
        _ = try OutputPlacement.check(out: out, inputs: [folder.isEmpty ? "." : folder])
        let result = FragmentedStamper(stamper: stamper).stamp(set, outDirectory: out!)
        if json {
            print(try JSONOutput.encode(result, pretty: false))
        } else {
            print(StampText.line(result))
            print(StampText.summary([result], signed: true))
        }
        if result.status == .failed { throw ExitCode(1) }
    }

    /// `--catalog`: the feed's AI records get the marker and the texts the profile's catalogue rule demands.
    private func stampCatalog(_ feed: String) throws {
        let names = profile == .all ? ["kz", "eu", "cn"] : [(profile ?? .kz).rawValue]
        let profiles: [Profile]
        let catalogMapping: CatalogMapping
        do {
            profiles = try names.map { try Profile.load($0) }
            catalogMapping = try mapping.map(CatalogMapping.load(path:)) ?? .default
        } catch let error as ProfileError {
            throw ValidationError(error.reason)
        } catch let error as CatalogError {
            throw ValidationError(error.description)
        }
        var combinedMapping = catalogMapping
        for extra in profiles.dropFirst() { combinedMapping.phrases.merge(extra.phrases ?? [:]) { $0 + $1 } }
        var catalogLanguages: [String] = []
        for language in profiles.flatMap({ $0.catalog?.languages ?? [] }) where !catalogLanguages.contains(language) { catalogLanguages.append(language) }
        let requested = languages.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        var overrides: [String: String] = [:]
        for text in texts {
            let parts = text.split(separator: "=", maxSplits: 1)
            overrides[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        let catalogVerifier = CatalogVerifier(
            verifier: Verifier(options: VerifyOptions(profile: profiles[0], scan: .metadata)), mapping: combinedMapping, mediaRoot: mediaRoot)
        let result: CatalogStamper.Result
        do {
            result = try catalogVerifier.stamp(feedPath: feed, output: out!, languages: requested.isEmpty ? catalogLanguages : requested, texts: overrides, dryRun: dryRun)
        } catch let error as CatalogError {
            StandardError.write("ailabel: \(error.description)")
            throw ExitCode(1)
        } catch {
            StandardError.write("ailabel: \(feed): \(error)")
            throw ExitCode(1)
        }
        if json {
            for change in result.changes { print(try JSONOutput.encode(change, pretty: false)) }
        } else {
            for change in result.changes {
                var added = change.addedMarker ? ["digital_source_type"] : []
                if !change.addedLanguages.isEmpty { added.append("text \(change.addedLanguages.joined(separator: ", "))") }
                print("\(dryRun ? "would stamp" : "stamped"): \(TerminalText.field(feed))#\(TerminalText.field(change.id)) [\(added.joined(separator: "; "))]")
            }
            print("\(result.changes.count) of \(result.feed.records.count) records stamped\(dryRun ? " (dry run, nothing written)" : "") → \(out!)")
        }
        if !result.missingTexts.isEmpty {
            StandardError.write("ailabel: no default disclosure text for \(result.missingTexts.joined(separator: ", ")); give one with --text LANG=TEXT")
        }
    }
}

enum StampText {
    static func line(_ result: StampResult) -> String {
        switch result.status {
        case .stamped, .wouldStamp:
            let verb = result.status == .stamped ? "stamped" : "would stamp"
            let target = result.output.map { $0 == result.path ? "" : " → \(TerminalText.field($0))" } ?? ""
            var line = "\(verb): \(TerminalText.field(result.path))\(target) [\(result.layers.joined(separator: ", "))] content \(TerminalText.field(result.contentID ?? "?"))"
            if let fragments = result.fragments { line += " and \(fragments) fragment\(fragments == 1 ? "" : "s") with Merkle proofs" }
            for warning in result.warnings where !warning.hasPrefix("no signer") { line += "\n  warning: \(TerminalText.field(warning))" }
            return line
        case .unchanged:
            return "unchanged: \(TerminalText.field(result.path)): already carries this label and its marks"
        case .skipped:
            return "skipped: \(TerminalText.field(result.path)): \(TerminalText.field(result.error ?? ""))"
        case .failed:
            return "failed: \(TerminalText.field(result.path)): \(TerminalText.field(result.error ?? "unknown error"))"
        }
    }

    /// `warnings`: entries the walk left out with a warning (links, FIFOs, dangling links), which do not
    /// make the run fail.
    static func summary(_ results: [StampResult], signed: Bool, warnings: Int = 0) -> String {
        var tally = StampTally()
        for result in results { tally.add(result) }
        tally.warnings = warnings
        return summary(tally, signed: signed)
    }

    static func summary(_ tally: StampTally, signed: Bool) -> String {
        var text = "\(tally.stamped + tally.wouldStamp) stamped\(tally.wouldStamp > 0 ? " (dry run)" : ""), \(tally.failed) failed, \(tally.skipped) skipped"
        if tally.unchanged > 0 { text += ", \(tally.unchanged) unchanged" }
        let warnings = tally.warnings
        if warnings > 0 { text += ", \(warnings) warning\(warnings == 1 ? "" : "s")" }
        if !signed { text += "\nno signer configured: no signed C2PA manifest was added (see --sign-key, --sign-chain, `ailabel keys init`)" }
        return text
    }
}

/// `--visible-span` values.
enum VisibleSpanName: String, ExpressibleByArgument, CaseIterable {
    case full, start
}

