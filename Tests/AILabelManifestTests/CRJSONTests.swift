import Foundation
import Testing

@testable import AILabelManifest

/// crJSON values from CBOR a stranger wrote: every CBOR value becomes a value JSON holds.
@Suite("crJSON from hostile CBOR")
struct CRJSONTests {
    @Test("Negative map keys are written as the integers they mean, down to -2^64 (which once trapped on overflow)")
    func negativeKeys() throws {
        let map = CBOR.map([(key: .negative(0), value: .text("a")), (key: .negative(41), value: .text("b")), (key: .negative(.max), value: .text("c"))])
        let object = try #require(CRJSON.json(map, depth: 0) as? [String: Any])
        #expect(Set(object.keys) == ["-1", "-42", "-18446744073709551616"])
        #expect(object["-18446744073709551616"] as? String == "c")
    }

    @Test("Values JSON cannot hold (NaN, infinities, the largest negative integer, byte strings, tags, undefined) become ones it can")
    func everyValueIsJSON() throws {
        let value = CBOR.array([.float(.nan), .float(.infinity), .negative(.max), .unsigned(.max), .bytes([1, 2, 3]),
                                .tagged(24, .text("t")), .undefined, .simple(7), .map([(key: .bytes([9]), value: .null)])])
        let converted = CRJSON.json(value, depth: 0)
        #expect(JSONSerialization.isValidJSONObject(["v": converted]))
        let data = try JSONSerialization.data(withJSONObject: ["v": converted])
        #expect(!data.isEmpty)
    }
}
