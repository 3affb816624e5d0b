// SPDX-License-Identifier: GPL-2.0
//
// monitor: the ipvs_udp events as they come, like ip monitor.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "internal.h"

namespace ipvsudp::cli {

namespace {

// "2026-12-07T13:45:01.123456Z": when an event was read (monitor -t).
std::string timestamp_now() {
    const auto now = std::chrono::system_clock::now();
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(us / 1000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char b[40];
    const std::size_t n = std::strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(b + n, sizeof(b) - n, ".%06lldZ", static_cast<long long>(us % 1000000));
    return b;
}

void print_event(const udp::Event& e, bool json, const std::string& stamp, std::ostream& os) {
    if (json) {
        Json j;
        j.begin_object();
        if (!stamp.empty()) j.field("time", stamp);
        j.field("event", udp::reason_name(e.reason));
        json_opt(j, "service", e.service ? std::optional(e.service->str()) : std::nullopt);
        json_opt(j, "destination", e.dest ? std::optional(e.dest->str()) : std::nullopt);
        j.field("bindings", e.bindings).field("timeouts", e.timeouts);
        j.field("threshold", e.threshold).end_object();
        os << j.str() << std::endl;
        return;
    }
    if (!stamp.empty()) os << stamp << " ";
    os << udp::reason_name(e.reason);
    if (e.service) os << " service " << e.service->str();
    if (e.dest) os << " server " << e.dest->str();
    if (e.reason == udp::EventReason::reply_timeouts)
        os << " timeouts " << e.timeouts << " (threshold " << e.threshold << ")";
    else
        os << " bindings " << e.bindings;
    os << std::endl;
}

// After a receive-buffer overrun (ENOBUFS) events were lost: say so, then
// print what they would have told, as it is now (each real server's reply
// timeouts and outstanding requests), so that a consumer can resync.
void print_resync(Env& env, bool json, const std::string& stamp) {
    env.err << "ipvs-udp: events were lost (receive buffer overrun); resyncing\n";
    auto line = [&](auto&& fill, const std::string& text) {
        if (json) {
            Json j;
            j.begin_object();
            if (!stamp.empty()) j.field("time", stamp);
            fill(j);
            env.out << j.end_object().str() << std::endl;
        } else {
            env.out << (stamp.empty() ? "" : stamp + " ") << text << std::endl;
        }
    };
    line([](Json& j) { j.field("event", "overrun"); }, "overrun: events were lost");
    auto u = env.udp();
    if (!u) return;
    auto dests = u->reply_dests();
    if (!dests) return;
    for (const auto& d : *dests)
        line(
            [&d](Json& j) {
                j.field("event", "resync").field("destination", d.dest.str());
                j.field("timeouts", d.timeouts).field("outstanding", d.outstanding);
            },
            "resync server " + d.dest.str() + " timeouts " + std::to_string(d.timeouts) +
                " outstanding " + std::to_string(d.outstanding));
}

// monitor (and its first name, watch): like ip monitor.
int cmd_monitor(const Args& a, Env& env) {
    expect_end(a, 0);
    const std::uint32_t count = to_u32(a, "--count", 0);
    const std::uint32_t timeout = to_u32(a, "--timeout", 0);
    const bool stamps = a.flags.count("--timestamp") || a.flags.count("-t");
    auto w = env.watcher();
    if (!w) return report(w.error(), env);
    if (auto r = w->subscribe(); !r) return report(r.error(), env);
    if (!a.json) env.err << "monitoring ipvs_udp events" << std::endl;
    std::uint32_t seen = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
    while (count == 0 || seen < count) {
        int ms = -1;
        if (timeout) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            ms = static_cast<int>(left.count());
        }
        auto ev = w->next(ms);
        if (!ev) {
            if (ev.error().errnum() == ETIMEDOUT) break;
            if (ev.error().errnum() == ENOBUFS) {
                print_resync(env, a.json, stamps ? timestamp_now() : "");
                continue;
            }
            return report(ev.error(), env);
        }
        for (const auto& e : *ev) {
            print_event(e, a.json, stamps ? timestamp_now() : "", env.out);
            if (count && ++seen >= count) break;
        }
    }
    return count && seen < count ? kNegative : kOk;
}

}  // namespace

std::vector<Command> monitor_commands() {
    const std::vector<Option> o = {
        {"--timestamp", "", "each line starts with the time (UTC, microseconds); also -t", ""},
        {"--count", "N", "stop after N events (exit 1 if fewer came)", ""},
        {"--timeout", "SECONDS", "stop after SECONDS", ""},
    };
    return {
        {"monitor", "", "",
         "Print notifications of the ipvs_udp \"events\" group as they come, like ip\n"
         "monitor: a real server's bindings moved (removed, or quiesced under the\n"
         "move policy), bindings flushed, reply timeouts over the threshold. One\n"
         "JSON object per line with --json; absent values are null. When the kernel\n"
         "drops events (receive buffer overrun) an 'overrun' line follows, then a\n"
         "'resync' line per real server with its reply timeouts and outstanding\n"
         "requests as they are now, and monitoring goes on. The banner goes to\n"
         "standard error.\n",
         o, cmd_monitor},
        {"watch", "", "", "", o, cmd_monitor, "monitor"},
    };
}

}  // namespace ipvsudp::cli
