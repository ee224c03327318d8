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

// Function-like macros do not import into Swift.
static inline size_t CMNL_nlmsg_hdrlen(void) { return MNL_NLMSG_HDRLEN; }
static inline size_t CMNL_align(size_t len) { return MNL_ALIGN(len); }

#endif
