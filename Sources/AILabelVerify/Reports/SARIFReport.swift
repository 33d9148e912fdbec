import AILabelMedia
import AILabelVocabulary
import Foundation

/// SARIF 2.1.0, so code-scanning interfaces list files whose disclosure fails.
enum SARIFReport {
    static func render(_ run: VerificationRun, failOn: Set<Verdict>) throws -> String {
        try render(
            document(version: run.version, profile: run.profile, failOn: failOn, results: run.files.compactMap { result(for: $0, failOn: failOn) },
                     notifications: run.skipped.map(notification(for:))))
    }

    /// The document with its results and notifications; ``ReportStream`` renders it with one stand-in of
    /// each and writes the real ones in their place.
    static func document(version: String, profile: String, failOn: Set<Verdict>, results: [[String: Any]], notifications: [[String: Any]]) -> [String: Any] {
        let rules: [[String: Any]] = Verdict.allCases.filter { $0 != .compliant && $0 != .noAIEvidence }.map { verdict in
            [
                "id": verdict.rawValue,
                "name": verdict.rawValue,
                "shortDescription": ["text": ruleText(verdict)],
                "helpUri": "https://ailabel.dev/docs/verification-codes#\(verdict.rawValue)",
                "defaultConfiguration": ["level": failOn.contains(verdict) ? "error" : "warning"],
            ]
        }
        return [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": ["name": "ailabel", "version": version, "informationUri": "https://ailabel.dev", "rules": rules]],
                "properties": ["profile": profile],
                "results": results,
                // Files found but not judged, each named with the reason, so the report accounts for every file.
                "invocations": [[
                    "executionSuccessful": true,
                    "toolExecutionNotifications": notifications,
                ] as [String: Any]],
            ]],
        ]
    }

    /// A file's result: only files whose verdict is a problem (not compliant, not without AI evidence) have one.
    static func result(for file: FileReport, failOn: Set<Verdict>) -> [String: Any]? {
        guard file.verdict != .compliant && file.verdict != .noAIEvidence else { return nil }
        let problems = file.findings.filter { $0.severity == .error }.map(\.message)
        let message = problems.isEmpty ? ruleText(file.verdict) : problems.joined(separator: " ")
        return [
            "ruleId": file.verdict.rawValue,
            "level": failOn.contains(file.verdict) ? "error" : "warning",
            "message": ["text": message],
            "locations": [["physicalLocation": ["artifactLocation": ["uri": uri(file.path)]]]],
            "properties": [
                "aiEvidence": file.aiEvidence.map { "\($0.source): \($0.detail)" },
                "findings": file.findings.map(\.code.rawValue),
            ],
        ]
    }

    static func notification(for skipped: SkippedFile) -> [String: Any] {
        [
            "level": "note",
            "message": ["text": "skipped: \(skipped.reason)"],
            "locations": [["physicalLocation": ["artifactLocation": ["uri": uri(skipped.path)]]]],
        ]
    }

    /// Pretty, sorted JSON with paths' escaped bytes shown as `\xNN`, as every JSON report writes.
    static func render(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return PathBytes.visibleInJSON(String(decoding: data, as: UTF8.self)) + "\n"
    }

    static func ruleText(_ verdict: Verdict) -> String {
        switch verdict {
        case .missingDisclosure: "AI-generated content without the disclosure the profile demands"
        case .invalidDisclosure: "AI disclosure present but broken (signature, hash, malformed label or contradiction)"
        case .unreadable: "The file could not be parsed"
        case .compliant: "Disclosure present and intact"
        case .noAIEvidence: "No evidence of AI involvement"
        }
    }

    private static func uri(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map {
            String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? String($0)
        }.joined(separator: "/")
    }
}

/// JUnit XML, so CI systems show each file as a test case.
enum JUnitReport {
    static func render(_ run: VerificationRun, failOn: Set<Verdict>) -> String {
        var xml = header(profile: run.profile, files: run.files.count, failures: run.files.filter { failOn.contains($0.verdict) }.count, skipped: run.skipped.count)
        for file in run.files { xml += testCase(file, profile: run.profile, failOn: failOn) }
        for skipped in run.skipped { xml += testCase(skipped, profile: run.profile) }
        return xml + footer
    }

    /// The counts come first: ``ReportStream`` spools the test cases until it knows them.
    static func header(profile: String, files: Int, failures: Int, skipped: Int) -> String {
        let tests = files + skipped
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"ailabel verify\" tests=\"\(tests)\" failures=\"\(failures)\" skipped=\"\(skipped)\">\n"
        xml += "  <testsuite name=\"ailabel verify --profile \(ReportRenderer.escapeXML(profile))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
        return xml
    }

    static let footer = "  </testsuite>\n</testsuites>\n"

    static func testCase(_ file: FileReport, profile: String, failOn: Set<Verdict>) -> String {
        var xml = "    <testcase classname=\"ailabel.\(ReportRenderer.escapeXML(profile))\" name=\"\(ReportRenderer.escapeXML(file.path))\">\n"
        if failOn.contains(file.verdict) {
            let details = file.findings.map { "[\($0.severity.rawValue)] \($0.code): \($0.message)" }.joined(separator: "\n")
            xml += "      <failure type=\"\(file.verdict.rawValue)\" message=\"\(ReportRenderer.escapeXML(file.verdict.rawValue))\">\(ReportRenderer.escapeXML(details))</failure>\n"
        }
        let evidence = file.aiEvidence.map { "\($0.source): \($0.detail)" } + file.disclosures.map { "disclosure \($0.kind) (\($0.intact ? "intact" : "broken")): \($0.detail)" }
        xml += "      <system-out>verdict: \(file.verdict.rawValue)\n\(ReportRenderer.escapeXML(evidence.joined(separator: "\n")))</system-out>\n"
        return xml + "    </testcase>\n"
    }

    static func testCase(_ skipped: SkippedFile, profile: String) -> String {
        "    <testcase classname=\"ailabel.\(ReportRenderer.escapeXML(profile))\" name=\"\(ReportRenderer.escapeXML(skipped.path))\">\n"
            + "      <skipped message=\"\(ReportRenderer.escapeXML(skipped.reason))\"/>\n"
            + "    </testcase>\n"
    }
}
