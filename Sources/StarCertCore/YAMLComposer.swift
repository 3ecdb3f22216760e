import CYaml

/// Builds a `SourceNode` tree from libyaml's events, one at a time and without recursion: nesting
/// deeper than `SourceLimits.nestingDepth` stops with an error at the place it happens; aliases
/// (which can make a small file expand without bound) and tags other than the core ones are errors.
package enum YAMLComposer {
    package struct Failure: Error {
        package let message: String
        package let position: SourcePosition
    }

    /// The single document in `bytes` (UTF-8 without a byte-order mark), nil when there is none.
    package static func compose(_ bytes: [UInt8]) -> Result<SourceNode?, Failure> {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return .failure(Failure(message: "the YAML reader could not start", position: SourcePosition(line: 1, column: 1)))
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        return bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var composer = EventComposer()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return .failure(Self.failure(of: parser, bytes: buffer)) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return .success(composer.root) }
                if let failure = composer.take(event) { return .failure(failure) }
            }
        }
    }

    private static func failure(of parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>) -> Failure {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        if parser.error == YAML_READER_ERROR {
            return Failure(
                message: "unreadable character: \(problem); expected printable UTF-8 text",
                position: position(ofByte: parser.problem_offset, in: bytes))
        }
        let context = parser.context.map { String(cString: $0) }
        let detail = [context, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        return Failure(message: "invalid YAML: \(detail); expected a YAML 1.2 or JSON document", position: position(parser.problem_mark))
    }

    static func position(_ mark: yaml_mark_t) -> SourcePosition {
        SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    /// Line and column (in characters) of the byte at `offset`.
    static func position(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourcePosition {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourcePosition(line: line, column: column)
    }
}

/// The open mappings and lists while events arrive, innermost last.
private struct EventComposer {
    struct Frame {
        let isMapping: Bool
        let position: SourcePosition
        var pairs: [(key: SourceNode, value: SourceNode)] = []
        var elements: [SourceNode] = []
        var pendingKey: SourceNode?
    }

    var frames: [Frame] = []
    var root: SourceNode?
    var documents = 0

    /// Takes one event; a failure ends the composition.
    mutating func take(_ event: yaml_event_t) -> YAMLComposer.Failure? {
        let position = YAMLComposer.position(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                return YAMLComposer.Failure(message: "the file holds more than one YAML document; expected a single document", position: position)
            }
        case YAML_ALIAS_EVENT:
            return YAMLComposer.Failure(message: "aliases (`*name`) are not supported; expected the value written out in full", position: position)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length)), as: UTF8.self)
            var style: SourceNode.Scalar.Style = scalar.style == YAML_PLAIN_SCALAR_STYLE ? .plain : .quoted
            if let tag = scalar.tag.map({ String(cString: $0) }) {
                guard ["!", "tag:yaml.org,2002:str"].contains(tag) else { return unsupported(tag, at: position) }
                style = .quoted
            }
            add(.scalar(SourceNode.Scalar(string: text, style: style, position: position)))
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let tag = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
            if let tag = tag.map({ String(cString: $0) }), tag != (isMapping ? "tag:yaml.org,2002:map" : "tag:yaml.org,2002:seq") {
                return unsupported(tag, at: position)
            }
            guard frames.count < SourceLimits.nestingDepth else {
                return YAMLComposer.Failure(
                    message: "mappings and lists are nested more than \(SourceLimits.nestingDepth) levels deep here; expected at most \(SourceLimits.nestingDepth) levels",
                    position: position)
            }
            frames.append(Frame(isMapping: isMapping, position: position))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = frames.popLast() else { break }
            if frame.isMapping {
                add(.mapping(SourceNode.Mapping(pairs: frame.pairs, position: frame.position)))
            } else {
                add(.sequence(SourceNode.SequenceNode(elements: frame.elements, position: frame.position)))
            }
        default:
            break
        }
        return nil
    }

    private func unsupported(_ tag: String, at position: SourcePosition) -> YAMLComposer.Failure {
        let shown = tag.hasPrefix("tag:yaml.org,2002:") ? "!!" + tag.dropFirst("tag:yaml.org,2002:".count) : tag
        return YAMLComposer.Failure(message: "the YAML tag `\(shown)` is not supported; expected plain values without tags", position: position)
    }

    private mutating func add(_ node: SourceNode) {
        guard !frames.isEmpty else {
            root = node
            return
        }
        let top = frames.count - 1
        if !frames[top].isMapping {
            frames[top].elements.append(node)
        } else if let key = frames[top].pendingKey {
            frames[top].pairs.append((key, node))
            frames[top].pendingKey = nil
        } else {
            frames[top].pendingKey = node
        }
    }
}
