/// Finds the closest known name to a misspelt one.
enum Suggestion {
    /// The candidate with the smallest edit distance, if it is close enough to be a likely typo.
    static func nearest(to input: String, among candidates: [String]) -> String? {
        let limit = max(1, min(3, input.count / 3))
        var best: (candidate: String, distance: Int)?
        let characters = Array(input)
        for candidate in candidates where candidate != input {
            // Lengths further apart than the limit cannot be within it.
            guard abs(candidate.count - characters.count) <= limit else { continue }
            let distance = editDistance(characters, Array(candidate))
            if distance <= limit, distance < (best?.distance ?? .max) {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// Edit distance over characters where swapping two neighbours counts as one edit
    /// (optimal string alignment), so `4.21` is one edit from `4.12`.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
