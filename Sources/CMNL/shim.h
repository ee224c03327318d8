#ifndef TCPSTATES_CMNL_SHIM_H
#define TCPSTATES_CMNL_SHIM_H

// glibc's socket headers first: the kernel headers below assume them.
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>
#include <linux/filter.h>

#include <libmnl/libmnl.h>

// setns, statfs, unshare and signalfd do not come with Swift's Glibc module.
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/signalfd.h>
#include <linux/sched.h>

// Function-like macros do not import into Swift.
static inline size_t CMNL_nlmsg_hdrlen(void) { return MNL_NLMSG_HDRLEN; }
static inline size_t CMNL_align(size_t len) { return MNL_ALIGN(len); }

// setns(2) is behind _GNU_SOURCE in glibc's headers and syscall(2) is variadic.
static inline int CMNL_setns_net(int fd) { return (int)syscall(SYS_setns, fd, CLONE_NEWNET); }

/// The f_type of the filesystem holding `path`, or -1 with errno set.
static inline long CMNL_filesystem_type(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) return -1;
    return (long)info.f_type;
}

/// pipe2(2) is behind _GNU_SOURCE in glibc's headers.
static inline int CMNL_pipe2(int fds[2], int flags) { return (int)syscall(SYS_pipe2, fds, flags); }

/// unshare(CLONE_NEWNS): a private mount namespace for this process.
static inline int CMNL_unshare_mount_namespace(void) { return (int)syscall(SYS_unshare, CLONE_NEWNS); }

/// unshare(CLONE_NEWNET): a new, empty network namespace for the calling thread.
static inline int CMNL_unshare_network_namespace(void) { return (int)syscall(SYS_unshare, CLONE_NEWNET); }

/// The CPUs this process may run on (its affinity mask), at least 1.
static inline int CMNL_available_cpus(void) {
    unsigned long mask[16] = {0};
    long bytes = syscall(SYS_sched_getaffinity, 0, sizeof mask, mask);
    if (bytes <= 0) return (int)sysconf(_SC_NPROCESSORS_ONLN);
    int count = 0;
    for (long i = 0; i < bytes / (long)sizeof(unsigned long); i++) count += __builtin_popcountl(mask[i]);
    return count > 0 ? count : 1;
}

// mallopt(3) is in malloc.h, which Swift's Glibc module leaves out. Both
// thresholds set: either one alone leaves the other where glibc moved it.
#include <malloc.h>
static inline int CMNL_mallopt_fix_thresholds(int mmap_bytes, int trim_bytes) {
    return mallopt(M_MMAP_THRESHOLD, mmap_bytes) == 1 && mallopt(M_TRIM_THRESHOLD, trim_bytes) == 1;
}

#endif
