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

#include <libmnl/libmnl.h>

// For tracefs: statfs, unshare and signalfd do not come with Swift's Glibc module.
#include <sys/vfs.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

// Function-like macros do not import into Swift.
static inline size_t CMNL_nlmsg_hdrlen(void) { return MNL_NLMSG_HDRLEN; }
static inline size_t CMNL_align(size_t len) { return MNL_ALIGN(len); }

/// The f_type of the filesystem holding `path`, or -1 with errno set.
static inline long CMNL_filesystem_type(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) return -1;
    return (long)info.f_type;
}

/// unshare(CLONE_NEWNS): a private mount namespace for this process.
static inline int CMNL_unshare_mount_namespace(void) { return (int)syscall(SYS_unshare, 0x00020000); }

#endif
