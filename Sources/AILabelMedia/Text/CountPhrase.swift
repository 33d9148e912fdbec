/// A count and its noun, in the number English wants: "1 file", "2 files", "0 files".
public enum CountPhrase {
    public static func of(_ count: Int, _ singular: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }
}
