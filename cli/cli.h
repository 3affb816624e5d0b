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

#include "args.h"
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

}  // namespace ipvsudp::cli
