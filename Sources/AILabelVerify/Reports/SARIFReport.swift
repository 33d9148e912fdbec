import AILabelMedia
import AILabelVocabulary
import Foundation

/// SARIF 2.1.0, so code-scanning interfaces list files whose disclosure fails.
enum SARIFReport {
    static func render(_ run: VerificationRun, failOn: Set<Verdict>) throws -> String {
        let rules: [[String: Any]] = Verdict.allCases.filter { $0 != .compliant && $0 != .noAIEvidence }.map { verdict in
            [
                "id": verdict.rawValue,
                "name": verdict.rawValue,
                "shortDescription": ["text": ruleText(verdict)],
                "helpUri": "https://ailabel.dev/docs/verification-codes#\(verdict.rawValue)",
                "defaultConfiguration": ["level": failOn.contains(verdict) ? "error" : "warning"],
            ]
        }
        var results: [[String: Any]] = []
        for file in run.files where file.verdict != .compliant && file.verdict != .noAIEvidence {
            let problems = file.findings.filter { $0.severity == .error }.map(\.message)
            let message = problems.isEmpty ? ruleText(file.verdict) : problems.joined(separator: " ")
            results.append([
                "ruleId": file.verdict.rawValue,
                "level": failOn.contains(file.verdict) ? "error" : "warning",
                "message": ["text": message],
                "locations": [["physicalLocation": ["artifactLocation": ["uri": uri(file.path)]]]],
                "properties": [
                    "aiEvidence": file.aiEvidence.map { "\($0.source): \($0.detail)" },
                    "findings": file.findings.map(\.code.rawValue),
                ],
            ])
        }
        let document: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [[
                "tool": ["driver": ["name": "ailabel", "version": run.version, "informationUri": "https://ailabel.dev", "rules": rules]],
                "properties": ["profile": run.profile],
                "results": results,
                // Files found but not judged, each named with the reason, so the report accounts for every file.
                "invocations": [[
                    "executionSuccessful": true,
                    "toolExecutionNotifications": run.skipped.map { skipped in
                        [
                            "level": "note",
                            "message": ["text": "skipped: \(skipped.reason)"],
                            "locations": [["physicalLocation": ["artifactLocation": ["uri": uri(skipped.path)]]]],
                        ] as [String: Any]
                    },
                ] as [String: Any]],
            ]],
        ]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
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
        let failures = run.files.filter { failOn.contains($0.verdict) }.count
        let tests = run.files.count + run.skipped.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"ailabel verify\" tests=\"\(tests)\" failures=\"\(failures)\" skipped=\"\(run.skipped.count)\">\n"
        xml += "  <testsuite name=\"ailabel verify --profile \(ReportRenderer.escapeXML(run.profile))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(run.skipped.count)\">\n"
        for file in run.files {
            xml += "    <testcase classname=\"ailabel.\(ReportRenderer.escapeXML(run.profile))\" name=\"\(ReportRenderer.escapeXML(file.path))\">\n"
            if failOn.contains(file.verdict) {
                let details = file.findings.map { "[\($0.severity.rawValue)] \($0.code): \($0.message)" }.joined(separator: "\n")
                xml += "      <failure type=\"\(file.verdict.rawValue)\" message=\"\(ReportRenderer.escapeXML(file.verdict.rawValue))\">\(ReportRenderer.escapeXML(details))</failure>\n"
            }
            let evidence = file.aiEvidence.map { "\($0.source): \($0.detail)" } + file.disclosures.map { "disclosure \($0.kind) (\($0.intact ? "intact" : "broken")): \($0.detail)" }
            xml += "      <system-out>verdict: \(file.verdict.rawValue)\n\(ReportRenderer.escapeXML(evidence.joined(separator: "\n")))</system-out>\n"
            xml += "    </testcase>\n"
        }
        for skipped in run.skipped {
            xml += "    <testcase classname=\"ailabel.\(ReportRenderer.escapeXML(run.profile))\" name=\"\(ReportRenderer.escapeXML(skipped.path))\">\n"
            xml += "      <skipped message=\"\(ReportRenderer.escapeXML(skipped.reason))\"/>\n"
            xml += "    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }
}
