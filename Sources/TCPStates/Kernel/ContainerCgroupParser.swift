/// Names the container a process runs in from its /proc/PID/cgroup: the
/// engines put the container id (and Kubernetes the pod UID) in the cgroup
/// path. Pure: takes the file's text, reads nothing.
///
/// Shapes recognised (real examples, with sources, are in ContainerCgroupParserTests):
/// - docker: `/docker/ID` (cgroupfs driver), `.../docker-ID.scope` (systemd driver, rootless too)
/// - containerd under Kubernetes: `.../kubepods-QOS-podUID.slice/cri-containerd-ID.scope`
///   (systemd driver), `.../kubepods/QOS/podUID/ID` (cgroupfs driver), and the
///   cgroup v1 form `kubepods-QOS-podUID.slice:cri-containerd:ID`
/// - cri-o: `crio-ID.scope`, `crio-conmon-ID.scope`, `crio-ID` (a pod sandbox)
/// - podman: `libpod-ID.scope` (also with a trailing `/container`), `libpod-conmon-ID.scope`,
///   `/libpod_parent/libpod-ID` (cgroupfs)
public enum ContainerCgroupParser {
    /// The container of the first line that names one (cgroup v2's `0::` line
    /// first, then v1's controllers in file order), nil when none does.
    public static func container(cgroupFile text: Substring) -> ContainerLabel? {
        var paths: [Substring] = []
        for line in text.split(separator: "\n") {
            // hierarchy-ID:controller-list:path; the path may itself hold colons.
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            if fields[0] == "0" && fields[1].isEmpty { paths.insert(fields[2], at: 0) } else { paths.append(fields[2]) }
        }
        for path in paths {
            if let label = container(path: path) { return label }
        }
        return nil
    }

    /// The container named by one cgroup path, nil when it names none. In
    /// nested containers (a Kubernetes node that is itself a docker
    /// container) the innermost one wins: it is the one that made the namespace.
    public static func container(path: Substring) -> ContainerLabel? {
        let parts = path.split(separator: "/")
        var found: ContainerLabel?
        // A pod belongs to the container found after it, not to one found before.
        var pod: String?
        for (index, part) in parts.enumerated() {
            // cgroup v1 under systemd: `kubepods-QOS-podUID.slice:cri-containerd:ID` in one component.
            if let slice = part.split(separator: ":").first, slice != part, let uid = podUID(slice) { pod = uid }
            if let uid = podUID(part) {
                pod = uid
            } else if let (runtime, id) = containerID(part, parent: index > 0 ? parts[index - 1] : nil, inPod: pod != nil) {
                found = ContainerLabel(runtime: runtime, id: id, podUID: pod)
                pod = nil
            }
        }
        return found
    }

    /// The runtime and id one path component names.
    private static func containerID(_ part: Substring, parent: Substring?, inPod: Bool)
        -> (ContainerLabel.Runtime?, String)?
    {
        // cgroup v1 under the systemd driver: `kubepods-...-podUID.slice:cri-containerd:ID`.
        let colon = part.split(separator: ":", omittingEmptySubsequences: false)
        if colon.count == 3, let runtime = runtime(named: colon[1]), isID(colon[2]) {
            return (runtime, String(colon[2]))
        }
        var name = part
        if name.hasSuffix(".scope") { name = name.dropLast(6) }
        let prefixes: [(String, ContainerLabel.Runtime)] = [
            ("docker-", .docker), ("cri-containerd-", .containerd), ("crio-conmon-", .crio), ("crio-", .crio),
            ("libpod-conmon-", .podman), ("libpod-", .podman),
        ]
        for (prefix, runtime) in prefixes where name.hasPrefix(prefix) {
            let id = name.dropFirst(prefix.count)
            return isID(id) ? (runtime, String(id)) : nil
        }
        guard isID(part) else { return nil }
        switch parent {
        case "docker": return (.docker, String(part))
        case _ where inPod: return (nil, String(part))  // Kubernetes' cgroupfs driver: the engine is not named
        default: return nil
        }
    }

    private static func runtime(named name: Substring) -> ContainerLabel.Runtime? {
        switch name {
        case "docker": .docker
        case "cri-containerd": .containerd
        case "crio": .crio
        case "libpod": .podman
        default: nil
        }
    }

    /// `podUID` (cgroupfs driver, dashed) or `kubepods[-QOS]-podUID.slice`
    /// (systemd driver, where the UID's dashes became underscores).
    private static func podUID(_ part: Substring) -> String? {
        var uid: Substring
        if part.hasPrefix("pod") {
            uid = part.dropFirst(3)
        } else if part.hasPrefix("kubepods-"), part.hasSuffix(".slice"), let range = part.firstRange(of: "-pod") {
            uid = part[range.upperBound...].dropLast(6)
        } else {
            return nil
        }
        let text = uid.lowercased().replacing("_", with: "-")
        // A UID is 32 hex digits, dashed (8-4-4-4-12) or, for static pods, not.
        let digits = text.filter { $0 != "-" }
        guard digits.count == 32, digits.allSatisfy(\.isHexDigit),
              text.count == 32 || text.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12]
        else { return nil }
        return text
    }

    /// Container ids are hex: 64 digits from every engine named here (at
    /// least 32 accepted, as old docker versions' ids were).
    private static func isID(_ text: Substring) -> Bool {
        text.utf8.count >= 32 && text.utf8.count <= 64
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
