// SPDX-License-Identifier: GPL-2.0
//
// The request/reply protocol of udp-rr and udp-echo-server (and of
// tests/tools/udp_server.py): a request is an id ("req-7"), the reply is
// "NAME id" where NAME is the real server that answered.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "harness.h"

namespace ipvsudp::harness {

// The server's reply to a request payload.
std::string rr_reply(std::string_view server, std::string_view request);

// The server name when reply answers request id, nullopt otherwise (a
// reply to another request, garbage).
std::optional<std::string> rr_match(std::string_view reply, std::string_view id);

// What udp-rr reports.
struct RrSummary {
    std::uint64_t sent = 0, replies = 0, refused = 0, timeouts = 0, stray = 0;
    std::uint64_t sockets = 0;
    std::map<std::string, std::uint64_t> servers;       // who answered
    std::map<std::string, std::uint64_t> sources;       // replies' source addresses
    std::map<std::string, std::uint64_t> source_ports;  // replies' source ports

    void reply(const std::string& server, const std::string& src_addr, std::uint16_t src_port);
    std::string json() const;
};

}  // namespace ipvsudp::harness
