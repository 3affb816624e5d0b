// SPDX-License-Identifier: GPL-2.0
//
// ipvs-setup: IPVS services and destinations for the scenarios, over
// IPVS's generic netlink family through libipvs-udp (no ipvsadm):
//
//   service add PROTO ADDR SCHED [--ops] [--pe NAME] [--flags F,..] [--persistent S]
//   service edit PROTO ADDR [SCHED] [--ops|--no-ops] [--pe NAME] [--flags F,..]
//   service del PROTO ADDR
//   dest add PROTO ADDR RIP[:PORT] [--nat|--route|--tunnel] [--weight W]
//   dest edit PROTO ADDR RIP[:PORT] [--nat|--route|--tunnel] [--weight W]
//   dest del PROTO ADDR RIP[:PORT]
//   list [--json]
//   flush
//
// PROTO ADDR: "udp 10.0.100.1:5060", "tcp [fd00::1]:80", "fwmark 1",
// "fwmark6 1" (or udp:10.0.100.1:5060 in one word), as ipvs-udp reads them.
// Flags: flag-1..flag-3 or the scheduler's names (sip-move-quiesced,
// radius-addr-only, sh-port, ...). A destination's port defaults to the
// service's (0 for fwmark services). The forwarding method defaults to
// --route, as ipvsadm's does.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ipvs-udp/ipvs.h"

namespace ipvsudp::harness {

struct SetupCommand {
    enum class Op {
        service_add,
        service_edit,
        service_del,
        dest_add,
        dest_edit,
        dest_del,
        list,
        flush
    };
    Op op = Op::list;
    ipvs::Service service;  // key always; the rest for service add
    ipvs::Destination dest;
    // What an edit changes (unset: keep the kernel's value).
    std::optional<std::string> scheduler, pe;
    std::optional<bool> ops;
    std::optional<std::uint32_t> sched_flags, persistent, weight;
    std::optional<ipvs::Forward> forward;
    bool json = false;
};

// Parse the words after "ipvs-setup"; throws UsageError.
SetupCommand parse_setup(const std::vector<std::string>& words);

// Run it; errors carry the kernel's errno and extack text.
Result<void> run_setup(const SetupCommand& c, ipvs::Client& client, std::ostream& out);

// The services and their destinations as JSON (what "list --json" prints):
// the schema of `ipvs-udp --json service show` (docs/json.md).
std::string services_json(
    const std::vector<std::pair<ipvs::Service, std::vector<ipvs::Destination>>>& all);

}  // namespace ipvsudp::harness
