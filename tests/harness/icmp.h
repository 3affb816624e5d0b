// SPDX-License-Identifier: GPL-2.0
//
// ICMP and ICMPv6 errors as a client sees them on the wire: the parser of
// icmp-watch, a pure function over one IP packet's bytes (what an AF_PACKET
// SOCK_DGRAM socket or a pcap record holds after the link header).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "harness.h"

namespace ipvsudp::harness {

struct IcmpError {
    int af = 4;  // 4 or 6
    std::string src, dst;
    int type = 0, code = 0;
    bool ip_csum_ok = false;    // IPv4 header checksum (IPv6: true)
    bool icmp_csum_ok = false;  // ICMP checksum; ICMPv6 with the pseudo-header
    // The quoted datagram (empty / -1 when the quote is too short).
    std::string q_src, q_dst;
    int q_proto = -1, q_sport = -1, q_dport = -1;
    std::optional<std::string> q_payload;  // UDP only, as quoted (may be cut)
};

// The Internet checksum's one's-complement sum (not inverted).
std::uint16_t csum_fold(std::span<const std::uint8_t> data, std::uint32_t sum = 0);

// An ICMP error (IPv4 types 3, 4, 5, 11, 12; ICMPv6 types 1-4) in pkt, an
// IP packet starting at its IP header; nullopt for anything else (other
// protocols, ICMP queries, truncated or malformed packets).
std::optional<IcmpError> parse_icmp_error(std::span<const std::uint8_t> pkt);

// One JSON object; direction ("in", "out") is added when not empty.
void to_json(Json& j, const IcmpError& e, std::string_view direction = {});

}  // namespace ipvsudp::harness
