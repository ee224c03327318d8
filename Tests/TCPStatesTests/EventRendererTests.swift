import Foundation
import Testing
@testable import TCPStates

/// NDJSON watch events: one parseable object a line, endpoints as in the snapshot JSON.
@Suite struct EventRendererTests {
    typealias T = WatchTrackerTests

    static func lines(_ events: [WatchEvent]) throws -> [[String: Any]] {
        let text = try ByteWriterTests.output { writer in
            let renderer = EventRenderer(writer: writer)
            for event in events { try renderer.write(event) }
        }
        #expect(text.hasSuffix("\n"))
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// The snapshot JSON's objects for the same sockets.
    static func snapshotObjects(_ connections: [Connection]) throws -> [[String: Any]] {
        let text = try ByteWriterTests.output { writer in
            var renderer = JSONRenderer(writer: writer)
            try renderer.begin(source: .netlink)
            for c in connections { try renderer.add(c) }
            try renderer.finish()
        }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try #require(document["connections"] as? [[String: Any]])
    }

    @Test func everyEventCarriesTheDocumentedFields() throws {
        let sample = try T.sample()
        var tracker = SocketTracker()
        var events = try T.refresh(&tracker, sample, at: 0)
        var next = Array(sample.dropFirst())
        next[0] = T.with(next[0], state: next[0].kernelState == 8 ? 9 : 8)
        events += try T.refresh(&tracker, next, at: 1234)
        events += tracker.observeDestroyed(try T.destroyed()[2], current: nil, at: T.at(1500))
        let objects = try Self.lines(events)
        #expect(objects.count == events.count)
        let snapshot = try Self.snapshotObjects(events.map(\.connection))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        for ((object, event), expected) in zip(zip(objects, events), snapshot) {
            #expect(object["event"] as? String == event.kind.rawValue)
            #expect(object["state"] as? String == (event.kind == .close ? "CLOSED" : expected["state"] as? String))
            for field in ["protocol", "family", "local", "remote"] {
                #expect((object[field] as? NSObject) == (expected[field] as? NSObject), "\(field)")
            }
            let date = Date(timeIntervalSince1970: Double(event.time.wallMilliseconds) / 1000)
            #expect(object["time"] as? String == formatter.string(from: date))
            let hasPrevious = event.kind == .change || event.kind == .close
            #expect((object["previous_state"] != nil) == hasPrevious)
            #expect((object["state_ms"] != nil) == hasPrevious)
            if hasPrevious {
                let previous = event.previousKernelState.map { stateName(kernel: $0) as Any } ?? NSNull()
                #expect((object["previous_state"] as? NSObject) == (previous as? NSObject))
                let ms = event.previousStateMilliseconds.map { NSNumber(value: $0) as Any } ?? NSNull()
                #expect((object["state_ms"] as? NSObject) == (ms as? NSObject))
            }
        }
        #expect(Set(events.map(\.kind)) == [.present, .change, .close])
    }

    @Test func calendarFieldsAgreeWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = SystemRandomNumberGenerator()
        let samples: [Int64] = [0, -1, 951_782_400_000, 4_107_542_399_999, -2_208_988_800_000]
            + (0..<2000).map { _ in Int64.random(in: -4_000_000_000_000...8_000_000_000_000, using: &generator) }
        for ms in samples {
            for offset in [0, 3600, -34200] {
                let t = CalendarTime(milliseconds: ms, utcOffsetSeconds: offset)
                let date = Date(timeIntervalSince1970: Double(ms) / 1000 + Double(offset))
                let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
                let expected = [c.year, c.month, c.day, c.hour, c.minute, c.second].map { $0 ?? -1 }
                #expect([t.year, t.month, t.day, t.hour, t.minute, t.second] == expected, "\(ms) \(offset)")
                #expect(t.millisecond == Int(((ms % 1000) + 1000) % 1000))
            }
        }
    }

    @Test func eventsCarryTheMembersTheListingWouldWrite() throws {
        let sample = try T.sample()
        var tracker = SocketTracker()
        let events = try T.refresh(&tracker, sample, at: 0)
        let text = try ByteWriterTests.output { writer in
            var renderer = EventRenderer(writer: writer)
            renderer.extraMembers = JSONMembers([.timer, .tcpInfo, .process]).writer(owners: nil)
            for event in events { try renderer.write(event) }
        }
        let listing = try ByteWriterTests.output { writer in
            var json = JSONRenderer(writer: writer)
            json.extraMembers = JSONMembers([.timer, .tcpInfo, .process]).writer(owners: nil)
            try json.begin(source: .netlink)
            for c in sample { try json.add(c) }
            try json.finish()
        }
        let document = try #require(try JSONSerialization.jsonObject(with: Data(listing.utf8)) as? [String: Any])
        let expected = try #require(document["connections"] as? [[String: Any]])
        let objects = try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        for (object, listed) in zip(objects, expected) {
            for field in ["process", "timer", "tcp_info"] {
                #expect((object[field] as? NSObject) == (listed[field] as? NSObject), "\(field)")
            }
        }
    }

    @Test func aLostEventSaysWhatAndHowManyOrNull() throws {
        let text = try ByteWriterTests.output { writer in
            let renderer = EventRenderer(writer: writer)
            try renderer.write(WatchLoss(time: T.at(0), what: .destroyEvents, count: nil))
            try renderer.write(WatchLoss(time: T.at(5), what: .destroyBacklog, count: 42))
        }
        let objects = try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { Set($0.keys) } == Array(repeating: ["event", "time", "what", "count"], count: 2))
        #expect(objects.map { $0["event"] as? String } == ["lost", "lost"])
        #expect(objects[0]["what"] as? String == "destroy-events" && objects[0]["count"] is NSNull)
        #expect(objects[1]["what"] as? String == "destroy-backlog" && objects[1]["count"] as? Int == 42)
        #expect(objects[1]["time"] as? String == "2025-11-24T16:00:00.005Z")
    }

}
