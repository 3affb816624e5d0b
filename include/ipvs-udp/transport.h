// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The kernel boundary of the ipvs-udp library. Everything above it builds
// and parses real netlink messages; a Transport only moves bytes, so tests
// (the library's own, and a user's) can replace the kernel with canned
// replies: pass one to ipvs::Client, udp::Client or udp::Watcher.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "ipvs-udp/export.h"
#include "ipvs-udp/result.h"

namespace ipvsudp {

using Bytes = std::vector<std::uint8_t>;

class IPVS_UDP_API Transport {
  public:
    virtual ~Transport();
    // Send one complete netlink message to the kernel.
    virtual Result<void> send(std::span<const std::uint8_t> message) = 0;
    // Receive one datagram (one or more netlink messages); timeout_ms < 0
    // blocks. A timeout is an Error with ETIMEDOUT; a receive-buffer overrun
    // (notifications lost) ENOBUFS.
    virtual Result<Bytes> receive(int timeout_ms = -1) = 0;
    // Join a generic netlink multicast group.
    virtual Result<void> join_group(std::uint32_t group) = 0;
};

// A NETLINK_GENERIC socket (libnl-3) with NETLINK_EXT_ACK and
// NETLINK_CAP_ACK enabled.
IPVS_UDP_API Result<std::unique_ptr<Transport>> open_kernel_transport();

}  // namespace ipvsudp
