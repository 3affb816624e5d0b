// SPDX-License-Identifier: GPL-2.0
//
// The ipvs-udp command line, as a function of its arguments and an
// environment (where the library handles come from, where output goes), so
// that unit tests run commands against canned kernel replies.
#pragma once

#include <functional>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ipvs-udp/ipvs.h"
#include "ipvs-udp/result.h"
#include "ipvs-udp/udp.h"

namespace ipvsudp::cli {

// Exit codes (also in ipvs-udp(1)).
inline constexpr int kOk = 0;
inline constexpr int kNegative = 1;   // no such service/destination/key
inline constexpr int kUsage = 2;      // bad arguments, unreadable file
inline constexpr int kNotLoaded = 3;  // IPVS or our modules not loaded
inline constexpr int kDenied = 4;     // needs CAP_NET_ADMIN
inline constexpr int kFailed = 5;     // any other error from the kernel

struct Env {
    std::function<Result<ipvs::Client>()> ipvs;
    std::function<Result<udp::Client>()> udp;
    std::function<Result<udp::Watcher>()> watcher;
    std::ostream& out;
    std::ostream& err;
};

int run(const std::vector<std::string_view>& args, Env& env);

// Arguments of one command: positional words, --options with a value,
// --flags, and the global --json.
struct Args {
    std::vector<std::string> pos;
    std::map<std::string, std::string> opt;
    std::set<std::string> flags;
    bool json = false;
    bool help = false;
};
struct UsageError {
    std::string what;
};
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

// One line per command for `ipvs-udp help` (and the man page test).
std::vector<std::string> command_names();

}  // namespace ipvsudp::cli
