// SPDX-License-Identifier: GPL-2.0
//
// The words of a command line as ipvs-udp reads them, shared with the test
// harness's tools: options and flags among positional words, SERVICE
// (udp 10.0.0.1:53, fwmark 7), RIP[:PORT] and scheduler flags by name.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ipvs-udp/ipvs.h"
#include "ipvs-udp/service.h"

namespace ipvsudp::cli {

// A bad command line: the CLI prints it with the command's usage and exits
// 2, as the harness's tools do.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Arguments of one command: positional words, --options with a value (the
// last one given in `opt`, every one in order in `all`), --flags, and the
// global --json and --help.
struct Args {
    std::vector<std::string> pos;
    std::map<std::string, std::string> opt;
    std::vector<std::pair<std::string, std::string>> all;
    std::set<std::string> flags;
    bool json = false;
    bool help = false;
};
// Options are "--name value", "--name=value" or a flag; "--" ends them.
// Throws UsageError for unknown options or a missing value.
Args parse_args(const std::vector<std::string_view>& words, const std::set<std::string>& valued,
                const std::set<std::string>& flags);

// "udp 10.0.0.1:53" (two words), "udp:10.0.0.1:53", "fwmark 7", ...:
// consumes the words it uses from pos starting at i. Throws UsageError.
ServiceKey take_service(const std::vector<std::string>& pos, std::size_t& i);
// "10.0.2.11", "10.0.2.11:5060", "fd00::11", "[fd00::11]:5060".
struct HostPort {
    Address address;
    std::uint16_t port = 0;  // 0: not given
};
HostPort parse_hostport(std::string_view s);

// The scheduler flags by the names ipvsadm -b and keepalived give them.
struct SchedFlagName {
    std::string_view sched;
    std::uint32_t bit;
    std::string_view name;
};
inline constexpr SchedFlagName kSchedFlagNames[] = {
    {"sip", ipvs::kSchedFlag1, "sip-move-quiesced"},
    {"sip", ipvs::kSchedFlag2, "sip-addr-only"},
    {"sip", ipvs::kSchedFlag3, "sip-stateless"},
    {"radius", ipvs::kSchedFlag1, "radius-move-quiesced"},
    {"radius", ipvs::kSchedFlag2, "radius-addr-only"},
    {"radius", ipvs::kSchedFlag3, "radius-stateless"},
    {"sh", ipvs::kSchedFlag1, "sh-fallback"},
    {"sh", ipvs::kSchedFlag2, "sh-port"},
    {"mh", ipvs::kSchedFlag1, "mh-fallback"},
    {"mh", ipvs::kSchedFlag2, "mh-port"},
};
inline constexpr std::uint32_t kSchedFlagBits[] = {ipvs::kSchedFlag1, ipvs::kSchedFlag2,
                                                   ipvs::kSchedFlag3};

// A scheduler flag's name for a service of `sched`: its own name, else
// flag-N.
std::string sched_flag_name(std::string_view sched, std::uint32_t bit);
// "sip-move-quiesced,flag-2": the bits of a list for a service of `sched`
// (empty: any scheduler's names); another scheduler's name is an error.
std::uint32_t parse_sched_flags(std::string_view sched, const std::string& list);
// A service's flags for people: persistent, one-packet, the scheduler's.
std::vector<std::string> flag_names(std::uint32_t f, std::string_view sched);
// Every name a flag list takes (completion).
std::string sched_flag_words();

}  // namespace ipvsudp::cli
