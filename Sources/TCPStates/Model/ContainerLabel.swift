/// The container a network namespace belongs to, as told by the cgroup of a
/// process that holds it (see `ContainerCgroupParser`).
public struct ContainerLabel: Hashable, Sendable {
    /// The engine that made the container, where the cgroup path says it.
    public enum Runtime: String, Sendable, CaseIterable {
        case docker
        case containerd
        case crio = "cri-o"
        case podman
    }

    /// Nil where the path names a Kubernetes pod but not the engine (the
    /// cgroupfs driver writes bare ids).
    public var runtime: Runtime?
    /// The container id: lowercase hex, as the engine prints it in full.
    public var id: String
    /// The Kubernetes pod UID (dashed, lowercase), when the container is in a pod.
    public var podUID: String?

    public init(runtime: Runtime?, id: String, podUID: String? = nil) {
        self.runtime = runtime
        self.id = id
        self.podUID = podUID
    }

    /// What a table shows: `pod:UID` for a pod (its containers share the
    /// pod's namespace, so the pod is what names it), else `docker:0123456789ab`
    /// (the 12-character short id the engines print).
    public var text: String {
        if let podUID { return "pod:" + podUID }
        return (runtime?.rawValue ?? "container") + ":" + String(id.prefix(12))
    }
}
