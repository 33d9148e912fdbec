import Foundation
import Testing

@testable import AILabelServer

/// The server's log lines: one JSON object each, keys sorted, no raw control character.
@Suite("JSON log lines")
struct JSONLogHandlerTests {
    @Test("a line is one JSON object with sorted keys that JSONSerialization reads back, whatever the text")
    func lineRoundTrips() throws {
        let hostile = "a \"quoted\" \\ name\n\r\t\u{01}\u{1B}[31m\u{7F}\u{85}\u{2028}é ЖИ 🙂"
        let fields = ["route": "verify", "message": hostile, "file": "plain.jpg", "level": "info"]
        let line = JSONLogHandler.line(fields)
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        #expect(!line.dropLast().unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" })
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(object == fields)
        #expect(line.hasPrefix("{\"file\":\"plain.jpg\",\"level\":\"info\",\"message\":"))
    }

    @Test("the time is UTC to the millisecond")
    func timestamp() {
        let time = JSONLogHandler.timestamp()
        #expect(time.count == 24 && time.hasSuffix("Z"))
        #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(time)")
    }
}
