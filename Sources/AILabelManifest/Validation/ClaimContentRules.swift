/// Rules on what a claim and its assertions contain, as the reference SDK decodes them
/// (c2pa-rs `verify_claim_generator_info`, `SoftBinding::from_assertion`).
extension ManifestValidator {
    /// Why a `c2pa.soft-binding` assertion does not read as one (a map whose `blocks` is a list of maps,
    /// each with a `scope` map), or nil: c2pa-rs fails a claim whose soft binding it cannot decode.
    static func softBindingProblem(_ content: CBOR?) -> String? {
        guard let content, case .map = content, let blocks = content["blocks"]?.arrayValue else {
            return "has no list of blocks"
        }
        for block in blocks {
            guard case .map = block, let scope = block["scope"], case .map = scope else { return "has a block without a scope" }
        }
        return nil
    }

    /// Why a C2PA 2 claim's `claim_generator_info` breaks the rule (one map, its generator named), or nil.
    /// c2pa-rs decodes a v2 claim's as a single map and refuses a list.
    static func claimGeneratorProblem(_ info: CBOR?) -> String? {
        guard let info else { return "The claim has no claim_generator_info; a C2PA 2 claim must name its generator" }
        guard case .map = info else { return "The claim's claim_generator_info is not a single map, as a C2PA 2 claim has it" }
        guard let name = info["name"]?.textValue, !name.isEmpty else {
            return "The claim's claim_generator_info has no name; a C2PA 2 claim must name its generator"
        }
        return nil
    }
}
