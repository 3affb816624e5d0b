// SPDX-License-Identifier: GPL-2.0
//
// Reply accounting per real server: server show.
#include <cstdio>

#include "internal.h"

namespace ipvsudp::cli {

namespace {

int cmd_servers(const Args& a, Env& env) {
    expect_end(a, a.pos.empty() ? 0 : 1);
    TRY_UDP(c);
    std::vector<udp::ReplyDest> list;
    if (!a.pos.empty()) {
        auto d = c.reply_dest(dest_key(a.pos[0], std::nullopt));
        if (!d) return report(d.error(), env);
        list.push_back(*d);
    } else {
        auto d = c.reply_dests();
        if (!d) return report(d.error(), env);
        list = std::move(*d);
    }
    if (a.json) {
        Json j;
        j.begin_object().key("servers").begin_array();
        for (const auto& d : list) {
            j.begin_object().field("destination", d.dest.str()).field("requests", d.requests);
            j.field("replies", d.replies).field("timeouts", d.timeouts);
            j.field("duplicates", d.duplicates).field("late", d.late);
            j.field("outstanding", d.outstanding).field("ewma_ns", d.ewma_ns);
            j.key("hist").begin_array();
            for (auto h : d.hist) j.value(h);
            j.end_array().end_object();
        }
        j.end_array().end_object();
        env.out << j.str() << "\n";
        return kOk;
    }
    Table t({"server", "requests", "replies", "unanswered", "timeouts", "late", "outstanding",
             "latency"});
    for (const auto& d : list) {
        const std::uint64_t unanswered = d.requests > d.replies ? d.requests - d.replies : 0;
        char lat[32];
        std::snprintf(lat, sizeof(lat), "%.3fms", static_cast<double>(d.ewma_ns) / 1e6);
        t.row({d.dest.str(), std::to_string(d.requests), std::to_string(d.replies),
               std::to_string(unanswered), std::to_string(d.timeouts), std::to_string(d.late),
               std::to_string(d.outstanding), lat});
    }
    t.print(env.out);
    return kOk;
}

}  // namespace

std::vector<Command> server_commands() {
    return {
        {"server",
         "show",
         "[RIP:PORT]",
         "Reply accounting of the reply engine per real server: requests, replies,\n"
         "unanswered requests, timeouts, late replies, outstanding requests and the\n"
         "smoothed latency. The default verb.\n",
         {},
         cmd_servers},
        {"servers", "", "[RIP:PORT]", "", {}, cmd_servers, "server show"},
    };
}

}  // namespace ipvsudp::cli
