extension SocketTracker {
    /// The sockets present, by key: a read-only view of the tracker's slots.
    public struct Entries {
        let slots: [Entry]
        let index: [ConnectionKey: Int32]

        /// The socket with this key, if present.
        public subscript(key: ConnectionKey) -> Entry? { index[key].map { slots[Int($0)] } }
        public var count: Int { index.count }
        public var isEmpty: Bool { index.isEmpty }
        public var keys: Dictionary<ConnectionKey, Int32>.Keys { index.keys }
        /// The entries, in no particular order.
        public var values: LazyMapSequence<Dictionary<ConnectionKey, Int32>.Values, Entry> {
            index.values.lazy.map { [slots] in slots[Int($0)] }
        }
    }

    /// The sockets present in the tracker's `order`.
    public struct OrderedEntries: RandomAccessCollection {
        let slots: [Entry]
        let order: [Int32]

        public var startIndex: Int { 0 }
        public var endIndex: Int { order.count }
        public subscript(position: Int) -> Entry { slots[Int(order[position])] }
    }
}
