/// A position in a source text: line and column from 1, columns counted in characters (Unicode scalars).
package struct SourcePosition: Hashable, Sendable, Comparable {
    package let line: Int
    package let column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    package static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// A node of a YAML or JSON document with the position it starts at. Built by `YAMLComposer` or
/// `JSONComposer`, which bound its nesting depth, so walking it recursively is safe.
package enum SourceNode: Sendable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(SequenceNode)

    package struct Scalar: Sendable {
        package enum Style: Sendable { case plain, quoted }
        package let string: String
        /// `plain` for unquoted YAML and for JSON numbers, `true`, `false` and `null`.
        package let style: Style
        package let position: SourcePosition

        package init(string: String, style: Style, position: SourcePosition) {
            self.string = string
            self.style = style
            self.position = position
        }
    }

    /// The pairs of a mapping in the order written, duplicates included.
    package struct Mapping: Sendable, RandomAccessCollection {
        package let pairs: [(key: SourceNode, value: SourceNode)]
        package let position: SourcePosition

        package init(pairs: [(key: SourceNode, value: SourceNode)], position: SourcePosition) {
            self.pairs = pairs
            self.position = position
        }

        package var startIndex: Int { pairs.startIndex }
        package var endIndex: Int { pairs.endIndex }
        package subscript(index: Int) -> (key: SourceNode, value: SourceNode) { pairs[index] }
    }

    package struct SequenceNode: Sendable, RandomAccessCollection {
        package let elements: [SourceNode]
        package let position: SourcePosition

        package init(elements: [SourceNode], position: SourcePosition) {
            self.elements = elements
            self.position = position
        }

        package var startIndex: Int { elements.startIndex }
        package var endIndex: Int { elements.endIndex }
        package subscript(index: Int) -> SourceNode { elements[index] }
    }

    package var position: SourcePosition {
        switch self {
        case let .scalar(scalar): return scalar.position
        case let .mapping(mapping): return mapping.position
        case let .sequence(sequence): return sequence.position
        }
    }

    /// The text of a scalar; nil for a mapping or a list.
    package var string: String? {
        if case let .scalar(scalar) = self { return scalar.string }
        return nil
    }
}

/// Limits every document reader applies, so hostile input ends in an error, not a crash or a hang.
package enum SourceLimits {
    /// Mappings and lists inside each other, deeper than any StarCert file needs.
    package static let nestingDepth = 64
}

/// Keys repeated within one mapping anywhere in a document: the repeat's position, its text and the
/// line where the key first stood. Found in one pass (linear in the size of the document).
package func duplicateKeys(in root: SourceNode) -> [SourcePosition: (key: String, firstLine: Int)] {
    var found: [SourcePosition: (key: String, firstLine: Int)] = [:]
    var pending = [root]
    while let node = pending.popLast() {
        switch node {
        case .scalar:
            break
        case let .sequence(sequence):
            pending += sequence.elements
        case let .mapping(mapping):
            var first: [String: Int] = [:]
            for (key, value) in mapping.pairs {
                if let text = key.string {
                    if let line = first[text] {
                        found[key.position] = (text, line)
                    } else {
                        first[text] = key.position.line
                    }
                }
                pending.append(key)
                pending.append(value)
            }
        }
    }
    return found
}
