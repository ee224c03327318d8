import Testing
@testable import TCPStates

/// Real /proc/PID/cgroup lines and cgroup paths, each from the public report
/// named beside it (copied as printed there; where a report showed a
/// `systemd-cgls` tree, the path is that tree's components joined by `/`).
@Suite struct ContainerCgroupParserTests {
    static func label(_ text: String) -> ContainerLabel? {
        ContainerCgroupParser.container(cgroupFile: Substring(text))
    }

    @Test("docker, cgroupfs driver (cgroup v1): /docker/ID")
    func dockerCgroupfs() {
        // github.com/moby/moby/issues/33352: `cat /proc/6903/cgroup` of a docker container.
        let file = """
            13:pids:/
            12:hugetlb:/
            10:perf_event:/docker/5dace3de0735f73d2b5048f12d41a71741a02e49668de921fdae62f7e65dc498
            9:net_cls:/
            8:freezer:/docker/5dace3de0735f73d2b5048f12d41a71741a02e49668de921fdae62f7e65dc498
            1:name=systemd:/
            """
        let label = Self.label(file)
        #expect(label == ContainerLabel(runtime: .docker, id: "5dace3de0735f73d2b5048f12d41a71741a02e49668de921fdae62f7e65dc498"))
        #expect(label?.text == "docker:5dace3de0735")
        // github.com/ctrsploit/ctrsploit/issues/280: v1 lines name the container, the v2 line the host's service.
        let mixed = """
            12:net_cls,net_prio:/docker/2403ccfe427f1dc7b6120dccb9ac58c2f8456950380d587a9f33ea7f00dd303d
            1:name=systemd:/docker/2403ccfe427f1dc7b6120dccb9ac58c2f8456950380d587a9f33ea7f00dd303d
            0::/system.slice/containerd.service
            """
        #expect(Self.label(mixed)?.text == "docker:2403ccfe427f")
        // github.com/moby/moby/issues/34220: an old docker's 32-digit id.
        #expect(Self.label("4:memory:/docker/c8cef9e2ff114e429cb845559c4a0dff")?.id == "c8cef9e2ff114e429cb845559c4a0dff")
    }

    @Test("docker, systemd driver: docker-ID.scope, rootful and rootless")
    func dockerSystemd() {
        // github.com/moby/moby/pull/4450: systemd-cgls under system.slice/system-docker.slice.
        let path = "0::/system.slice/system-docker.slice/docker-d6b15f04feb95083acea4b9caa6e59f8ebe67e3e3cf9cb8c59fad543490ee3ef.scope"
        #expect(Self.label(path) == ContainerLabel(
            runtime: .docker, id: "d6b15f04feb95083acea4b9caa6e59f8ebe67e3e3cf9cb8c59fad543490ee3ef"))
        // github.com/kontena/pharos-cluster/issues/440: docker under Kubernetes' systemd driver (a pod).
        let pod = "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod9692aa0e_748e_11e8_8dfa_76d458035df6.slice/docker-f58c1c55e72c336d11c6af795260b57f7597d62e4d16951086f754d2e9ce5114.scope"
        #expect(Self.label(pod) == ContainerLabel(
            runtime: .docker, id: "f58c1c55e72c336d11c6af795260b57f7597d62e4d16951086f754d2e9ce5114",
            podUID: "9692aa0e-748e-11e8-8dfa-76d458035df6"))
        #expect(Self.label(pod)?.text == "pod:9692aa0e-748e-11e8-8dfa-76d458035df6")
    }

    @Test("containerd under Kubernetes, systemd driver: cri-containerd-ID.scope in kubepods-QOS-podUID.slice")
    func containerdSystemd() {
        // github.com/netdata/netdata/issues/4868: a cgroup tree of a containerd node.
        let path = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod03f3f104_3215_44f2_9686_d4dd1f05a7ed.slice/cri-containerd-09d185410c4e25236cc24717f881589bb0978b24eafd101624e627a4dd8d3439.scope"
        #expect(Self.label(path) == ContainerLabel(
            runtime: .containerd, id: "09d185410c4e25236cc24717f881589bb0978b24eafd101624e627a4dd8d3439",
            podUID: "03f3f104-3215-44f2-9686-d4dd1f05a7ed"))
        // Same tree: a static pod, whose UID is an undashed hash.
        let staticPod = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod187bff14cccb94f179e943eacce55bb3.slice/cri-containerd-c203a2647ef1ad78e990157c50331f3b6ef0b03336cf08535d6bf7faa5421415.scope"
        #expect(Self.label(staticPod)?.podUID == "187bff14cccb94f179e943eacce55bb3")
        // github.com/open-telemetry/opentelemetry-java/issues/4507: cgroup v1, the systemd driver's colon form.
        let v1 = """
            11:perf_event:/kubepods-besteffort-pod0125ec2f_b64a_4868_8f5b_94b56cbab864.slice:cri-containerd:ee4b20e90ac7f42a10bd004d05646b13d8ab5e2c5e7cbc01abf8006bac016459
            10:blkio:/system.slice/containerd.service/kubepods-besteffort-pod0125ec2f_b64a_4868_8f5b_94b56cbab864.slice:cri-containerd:ee4b20e90ac7f42a10bd004d05646b13d8ab5e2c5e7cbc01abf8006bac016459
            """
        #expect(Self.label(v1) == ContainerLabel(
            runtime: .containerd, id: "ee4b20e90ac7f42a10bd004d05646b13d8ab5e2c5e7cbc01abf8006bac016459",
            podUID: "0125ec2f-b64a-4868-8f5b-94b56cbab864"))
    }

    @Test("Kubernetes, cgroupfs driver: kubepods/QOS/podUID/ID names the pod, not the engine")
    func kubernetesCgroupfs() {
        // github.com/containers/crun/issues/729: a pod container's cgroup (mountinfo root) under the cgroupfs driver.
        let path = "1:name=systemd:/kubepods/besteffort/pod85401dd3-38cd-47b6-a90a-e16c0e1c06e6/dbc9f149296cec5d12b78385eb5b2c0cfe20b476f117c15c76d981cff44053c1"
        let label = Self.label(path)
        #expect(label == ContainerLabel(
            runtime: nil, id: "dbc9f149296cec5d12b78385eb5b2c0cfe20b476f117c15c76d981cff44053c1",
            podUID: "85401dd3-38cd-47b6-a90a-e16c0e1c06e6"))
        #expect(label?.text == "pod:85401dd3-38cd-47b6-a90a-e16c0e1c06e6")
        // github.com/cri-o/cri-o/issues/811: cri-o under the cgroupfs driver wrote bare ids too.
        let crio = "4:cpu:/kubepods/burstable/pod58662905-8ccc-11e7-a695-c85b76cda386/1659f887a192f3515dd9b91a41d274abf29ca49de3d2330869131b2d93b45b94"
        #expect(Self.label(crio)?.podUID == "58662905-8ccc-11e7-a695-c85b76cda386")
    }

    @Test("cri-o: crio-ID.scope, crio-conmon-ID.scope and a sandbox's crio-ID")
    func crio() {
        // github.com/opencontainers/runc/issues/4620: `cat /proc/21689/cgroup` of a calico-node container.
        let file = """
            13:freezer:/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-poda5c1f8d5_1919_434d_add7_4afaafdaef89.slice/crio-5eed917563583925ffdbd40a64efb2aaffe58638e57add8becaf460fe74f5b1c.scope
            11:files:/
            """
        #expect(Self.label(file) == ContainerLabel(
            runtime: .crio, id: "5eed917563583925ffdbd40a64efb2aaffe58638e57add8becaf460fe74f5b1c",
            podUID: "a5c1f8d5-1919-434d-add7-4afaafdaef89"))
        // Same issue: the conmon monitor's scope.
        let conmon = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod207aaad1_659f_4db8_88e0_46e0cdcc3004.slice/crio-conmon-32da98c8522068be05a7510a3eddb09cad6ed2f03286180d0e931d0d0b6224a6.scope"
        #expect(Self.label(conmon)?.runtime == .crio)
        #expect(Self.label(conmon)?.id == "32da98c8522068be05a7510a3eddb09cad6ed2f03286180d0e931d0d0b6224a6")
        // github.com/containerd/nri/pull/227: a cri-o pod sandbox's cgroup, without .scope.
        let sandbox = "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod35550f44_f691_427e_b57d_ab6127d2cb65.slice/crio-468f848e2ebec7203ed55748d08337851af589ac42eb551c572446a5c68fe631"
        #expect(Self.label(sandbox)?.podUID == "35550f44-f691-427e-b57d-ab6127d2cb65")
        // github.com/kubernetes/minikube/issues/11280: cri-o in a node that is a docker container: the inner one.
        let nested = "0::/docker/d6701ec289c56e4391acb11d07474b3139466857a305490575508a8b7a9fcf22/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod2ca4a155_3599_498d_bb9d_4446693fa3ea.slice/crio-0ba8ac17e4e7a31fb82279503552fe94e64bab4745bf6fd2ff231e7c8ca8bed0.scope"
        #expect(Self.label(nested) == ContainerLabel(
            runtime: .crio, id: "0ba8ac17e4e7a31fb82279503552fe94e64bab4745bf6fd2ff231e7c8ca8bed0",
            podUID: "2ca4a155-3599-498d-bb9d-4446693fa3ea"))
    }

    @Test("podman: libpod-ID.scope, rootful and rootless, with /container, and conmon's scope")
    func podman() {
        // github.com/podman-container-tools/podman/issues/20423: a root podman container under user@0.service.
        let v2 = "0::/user.slice/user-0.slice/user@0.service/machine.slice/libpod-cf21d19260ace8544fe8b769fc2638bf2c0873dfbfff0b6253f0569b26a1d5eb.scope/container"
        #expect(Self.label(v2) == ContainerLabel(
            runtime: .podman, id: "cf21d19260ace8544fe8b769fc2638bf2c0873dfbfff0b6253f0569b26a1d5eb"))
        #expect(Self.label(v2)?.text == "podman:cf21d19260ac")
        // github.com/podman-container-tools/podman/issues/10602: cgroup v1 under machine.slice.
        let v1 = """
            12:pids:/machine.slice/libpod-2521e906f0a0c758c3a7dc4fd68c197e32e96abb4b36807d0b0ede6d014a7c24.scope
            1:name=systemd:/machine.slice/libpod-2521e906f0a0c758c3a7dc4fd68c197e32e96abb4b36807d0b0ede6d014a7c24.scope/init.scope
            """
        #expect(Self.label(v1)?.id == "2521e906f0a0c758c3a7dc4fd68c197e32e96abb4b36807d0b0ede6d014a7c24")
        // github.com/podman-container-tools/podman/issues/11690: rootless, in the user's user.slice.
        let rootless = "0::/user.slice/user-1006.slice/user@1006.service/user.slice/libpod-93e4d1f949c1b52721d1c62dbc7f19e100fa6be3e6c214e9edf9346ac7f69514.scope"
        #expect(Self.label(rootless)?.runtime == .podman)
        // github.com/falcosecurity/libs/pull/1613: conmon's own scope beside the container's.
        let conmon = "0::/machine.slice/libpod-conmon-a2bc7b153f034b17f358cde43a7f8c7475147e8a0d1b2573c26473244ec44ce4.scope"
        #expect(Self.label(conmon) == ContainerLabel(
            runtime: .podman, id: "a2bc7b153f034b17f358cde43a7f8c7475147e8a0d1b2573c26473244ec44ce4"))
    }

    @Test("the host's own cgroups name no container")
    func hostProcesses() {
        // github.com/siderolabs/talos/pull/3950 (`0::/init`), github.com/moby/moby/issues/34220 (a login session),
        // github.com/kontena/pharos-cluster/issues/440 (kubelet in /system.slice), the containerd and docker services.
        for text in ["0::/init", "0::/init.scope", "1:name=systemd:/user.slice/user-52321.slice/session-128207.scope",
                     "11:cpuacct,cpu:/system.slice", "0::/system.slice/containerd.service", "0::/system.slice/docker.service",
                     "0::/", "", "garbage without colons",
                     // an id-like name outside docker/ and any pod, and a pod slice with a bad UID
                     "0::/system.slice/5dace3de0735f73d2b5048f12d41a71741a02e49668de921fdae62f7e65dc498",
                     "0::/kubepods.slice/kubepods-podnothex.slice"] {
            #expect(Self.label(text) == nil, "\(text)")
        }
    }
}
