/// Slot numbers kept sorted under a caller's order, updated by re-placing
/// only the slots that were added, changed or removed since the last
/// `update`: a refresh where nothing changed costs nothing, and one where
/// k of n rows changed costs O(n) copying of 4-byte numbers plus
/// O(k log n) comparisons, instead of a full sort of every row.
///
/// Slots are small integers (the indices of the tracker's storage); a slot
/// may be removed and reused before the next `update`.
struct SlotOrder {
    private enum Placement: UInt8 {
        case absent, placed, pending
    }

    /// The placed slots, sorted as of the last `update`.
    private(set) var slots: [Int32] = []
    private var placement: [Placement] = []
    /// Slots to place at the next update; may repeat a slot or hold one removed since.
    private var pending: [Int32] = []
    /// Whether `slots` holds slots that are no longer placed.
    private var hasStale = false
    /// The previous `slots`' storage, reused by the next merge.
    private var scratch: [Int32] = []

    /// Marks a slot that is new or whose sort key changed, to be placed by `update`.
    mutating func place(_ slot: Int32) {
        let index = Int(slot)
        if index >= placement.count {
            placement.append(contentsOf: repeatElement(.absent, count: index + 1 - placement.count))
        }
        switch placement[index] {
        case .pending: return
        case .placed: hasStale = true
        case .absent: break
        }
        placement[index] = .pending
        pending.append(slot)
    }

    /// Takes a slot out of the order.
    mutating func remove(_ slot: Int32) {
        let index = Int(slot)
        guard index < placement.count else { return }
        if placement[index] == .placed { hasStale = true }
        placement[index] = .absent
    }

    /// Re-places every slot, for an order that changed.
    mutating func invalidateAll() {
        for slot in slots where placement[Int(slot)] == .placed { place(slot) }
        slots.removeAll(keepingCapacity: true)
        hasStale = false
    }

    /// Places the pending slots; `areInIncreasingOrder` compares two slots
    /// and must be a strict total order on the slots present.
    mutating func update(by areInIncreasingOrder: (Int32, Int32) -> Bool) {
        guard hasStale || !pending.isEmpty else { return }
        if hasStale {
            let placement = self.placement
            slots.removeAll { placement[Int($0)] != .placed }
            hasStale = false
        }
        var incoming: [Int32] = []
        incoming.reserveCapacity(pending.count)
        for slot in pending where placement[Int(slot)] == .pending {
            placement[Int(slot)] = .placed
            incoming.append(slot)
        }
        pending.removeAll(keepingCapacity: true)
        guard !incoming.isEmpty else { return }
        incoming.sort(by: areInIncreasingOrder)
        if slots.isEmpty {
            slots = incoming
            return
        }
        // Each incoming slot goes after the placed ones not greater than it,
        // found by binary search from where the previous one went.
        var merged = scratch
        scratch = []
        merged.removeAll(keepingCapacity: true)
        merged.reserveCapacity(slots.count + incoming.count)
        var copied = 0
        for slot in incoming {
            var low = copied, high = slots.count
            while low < high {
                let middle = (low + high) / 2
                if areInIncreasingOrder(slot, slots[middle]) { high = middle } else { low = middle + 1 }
            }
            merged.append(contentsOf: slots[copied..<low])
            merged.append(slot)
            copied = low
        }
        merged.append(contentsOf: slots[copied...])
        scratch = slots
        slots = merged
    }
}
