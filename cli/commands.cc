// SPDX-License-Identifier: GPL-2.0
//
// The ipvs-udp commands: IPVS services and destinations in one line each
// with our schedulers and engine, status, connections, timeouts, stats.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli.h"
#include "output.h"
#include "pcap.h"

extern "C" {
#include "ip_vs_radius_parse.h"
#include "ip_vs_sip_parse.h"
}

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

namespace ipvsudp::cli {

namespace {

struct Command {
    std::string name;
    std::string synopsis;
    std::string help;
    std::set<std::string> valued, flags;
    std::function<int(const Args&, Env&)> fn;
};

std::uint64_t to_u64(const Args& a, const std::string& opt) {
    const auto& s = a.opt.at(opt);
    std::uint64_t v;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        throw UsageError{opt + " needs a number from 0 to 2^64-1, not '" + s + "'"};
    return v;
}

std::uint32_t to_u32(const Args& a, const std::string& opt, std::uint32_t def) {
    auto it = a.opt.find(opt);
    if (it == a.opt.end()) return def;
    std::uint32_t v;
    const auto& s = it->second;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        throw UsageError{opt + " needs a number, not '" + s + "'"};
    return v;
}

// What the user should do about an error.
int report(const Error& e, Env& env) {
    const int n = e.errnum();
    std::string ctx = e.context.empty() ? "" : e.context + ": ";
    std::string ext = e.extack.empty() ? "" : " (kernel: " + e.extack + ")";
    if (e.family_missing && e.family == udp::kFamily) {
        env.err << "ipvs-udp: the ipvs-udp modules are not loaded (no generic netlink family "
                   "ipvs_udp; are they installed?); load them with: modprobe ip_vs_udp_nl "
                   "ip_vs_sip ip_vs_pe_reply\n";
        return kNotLoaded;
    }
    if (e.family_missing) {
        env.err << "ipvs-udp: IPVS is not loaded in this kernel; load it with: modprobe ip_vs\n";
        return kNotLoaded;
    }
    if (n == EOPNOTSUPP && e.extack.find("not loaded") != std::string::npos) {
        // ip_vs_udp_nl is there, the module serving this operation is not.
        env.err << "ipvs-udp: " << ctx << e.extack << "\n";
        return kNotLoaded;
    }
    if (n == EPERM || n == EACCES) {
        env.err << "ipvs-udp: " << ctx << "permission denied" << ext
                << "; this needs CAP_NET_ADMIN in the initial user namespace, as IPVS does: "
                   "run it as root\n";
        return kDenied;
    }
    if (n == ESRCH) {
        env.err << "ipvs-udp: " << ctx << "no such service" << ext
                << "; list the services with: ipvs-udp status\n";
        return kNegative;
    }
    if (n == ENOENT) {
        env.err << "ipvs-udp: " << ctx << "not found" << ext
                << "; list what there is with: ipvs-udp status (or calls, servers)\n";
        return kNegative;
    }
    if (n == EEXIST) {
        env.err << "ipvs-udp: " << ctx << "already exists" << ext
                << "; change it with 'ipvs-udp service edit' or 'ipvs-udp dest edit'\n";
        return kFailed;
    }
    env.err << "ipvs-udp: " << e.message() << "\n";
    return kFailed;
}

#define TRY_CLIENT(var)                                \
    auto var##_r = env.ipvs();                         \
    if (!var##_r) return report(var##_r.error(), env); \
    auto& var = *var##_r

// The scheduler flags by the names ipvsadm -b and keepalived give them.
struct SchedFlagName {
    std::string_view sched;
    std::uint32_t bit;
    std::string_view name;
};
constexpr SchedFlagName kSchedFlagNames[] = {
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
constexpr std::uint32_t kSchedFlagBits[] = {ipvs::kSchedFlag1, ipvs::kSchedFlag2,
                                            ipvs::kSchedFlag3};

// A scheduler flag's name for a service of `sched`: its own name, else flag-N.
std::string sched_flag_name(std::string_view sched, std::uint32_t bit) {
    for (const auto& n : kSchedFlagNames)
        if (n.sched == sched && n.bit == bit) return std::string(n.name);
    for (std::size_t i = 0; i < std::size(kSchedFlagBits); i++)
        if (kSchedFlagBits[i] == bit) return "flag-" + std::to_string(i + 1);
    return "unknown";
}

// "sip-move-quiesced,flag-2": the bits of a --sched-flags list for `sched`.
std::uint32_t parse_sched_flags(std::string_view sched, const std::string& list) {
    std::uint32_t bits = 0;
    std::size_t start = 0;
    while (start <= list.size()) {
        const std::size_t end = std::min(list.find(',', start), list.size());
        const std::string w = list.substr(start, end - start);
        start = end + 1;
        if (w.empty()) continue;
        bool found = false;
        for (std::size_t i = 0; i < std::size(kSchedFlagBits); i++)
            if (w == "flag-" + std::to_string(i + 1)) bits |= kSchedFlagBits[i], found = true;
        for (const auto& n : kSchedFlagNames) {
            if (w != n.name) continue;
            if (n.sched != sched)
                throw UsageError{w + " is a flag of the " + std::string(n.sched) +
                                 " scheduler, not of " + std::string(sched)};
            bits |= n.bit;
            found = true;
        }
        if (!found) {
            std::string names;
            for (const auto& n : kSchedFlagNames)
                if (n.sched == sched) names += ", " + std::string(n.name);
            throw UsageError{"unknown scheduler flag '" + w + "' (flag-1, flag-2, flag-3" + names +
                             ")"};
        }
    }
    return bits;
}

std::vector<std::string> flag_names(std::uint32_t f, std::string_view sched) {
    std::vector<std::string> v;
    if (f & ipvs::kPersistent) v.push_back("persistent");
    if (f & ipvs::kOnePacket) v.push_back("one-packet");
    for (auto bit : kSchedFlagBits)
        if (f & bit) v.push_back(sched_flag_name(sched, bit));
    return v;
}

void json_stats(Json& j, const ipvs::Stats& s) {
    j.key("stats").begin_object();
    j.field("conns", s.conns).field("inpkts", s.inpkts).field("outpkts", s.outpkts);
    j.field("inbytes", s.inbytes).field("outbytes", s.outbytes);
    j.field("cps", s.cps).field("inpps", s.inpps).field("outpps", s.outpps);
    j.field("inbps", s.inbps).field("outbps", s.outbps);
    j.end_object();
}

void json_service_key(Json& j, const ServiceKey& k) {
    j.field("service", k.str());
    j.field("family", k.address.family == AF_INET6 ? "inet6" : "inet");
    if (k.fwmark) {
        j.field("fwmark", k.fwmark);
    } else {
        j.field("protocol", k.protocol == IPPROTO_TCP ? "tcp" : "udp");
        j.field("address", k.address.str()).field("port", static_cast<std::uint32_t>(k.port));
    }
}

// A JSON field, or null when absent (docs/json.md).
template <typename T>
void json_opt(Json& j, const char* k, const std::optional<T>& v) {
    j.key(k);
    if (v)
        j.value(*v);
    else
        j.null();
}

// ---------------------------------------------------------------- ipvs_udp

#define TRY_UDP(var)                                   \
    auto var##_r = env.udp();                          \
    if (!var##_r) return report(var##_r.error(), env); \
    auto& var = *var##_r

std::string ms_str(std::uint64_t ms) {
    if (ms < 10000) return std::to_string(ms) + "ms";
    return std::to_string(ms / 1000) + "s";
}

// Call-IDs are bytes: show them as text, escaping what is not printable.
std::string printable(std::string_view s) {
    std::string o;
    for (unsigned char c : s) {
        if (c >= 0x21 && c < 0x7f) {
            o += static_cast<char>(c);
        } else {
            char b[8];
            std::snprintf(b, sizeof(b), "\\x%02x", c);
            o += b;
        }
    }
    return o;
}

std::string hex(const unsigned char* p, std::size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string o;
    for (std::size_t i = 0; i < n; i++) {
        o += digits[p[i] >> 4];
        o += digits[p[i] & 15];
    }
    return o;
}

std::string hex(std::string_view bytes) {
    return hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// "--state 0a1b..." and friends: bytes as hex digits.
std::string unhex(const std::string& opt, const std::string& text) {
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string o;
    if (text.empty() || text.size() % 2)
        throw UsageError{opt + " takes an even number of hex digits"};
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int hi = digit(text[i]), lo = digit(text[i + 1]);
        if (hi < 0 || lo < 0) throw UsageError{opt + " takes hex digits, not '" + text + "'"};
        o += static_cast<char>(hi << 4 | lo);
    }
    if (o.size() > 255) throw UsageError{opt + " is at most 255 bytes"};
    return o;
}

// The key a binding option names: --call-id ID, --key HEX (the key as the
// kernel holds it), --state HEX (a radius State); at most one.
std::optional<std::string> key_option(const Args& a) {
    std::optional<std::string> key;
    int n = 0;
    if (a.opt.count("--call-id")) key = a.opt.at("--call-id"), n++;
    if (a.opt.count("--key")) key = unhex("--key", a.opt.at("--key")), n++;
    if (a.opt.count("--state"))
        key = udp::radius_state_key(unhex("--state", a.opt.at("--state"))), n++;
    if (n > 1) throw UsageError{"--call-id, --key and --state are exclusive"};
    if (key && key->empty()) throw UsageError{"the key is empty"};
    if (key && key->size() > 255) throw UsageError{"a key is at most 255 bytes"};
    return key;
}

// The command's words end at `i`: more is an error that names the first.
void expect_end(const Args& a, std::size_t i) {
    if (i < a.pos.size()) throw UsageError{"unexpected '" + a.pos[i] + "'"};
}

udp::DestKey dest_key(const std::string& word, const std::optional<ServiceKey>& svc) {
    HostPort hp = parse_hostport(word);
    udp::DestKey d{hp.address, hp.port};
    if (!d.port) {
        if (!svc || svc->fwmark)
            throw UsageError{"destination " + word + " needs a port (RIP:PORT)"};
        d.port = svc->port;
    }
    return d;
}

// The bindings a command lists: one key's (none when it is not bound), or
// a dump of every keyed-affinity service, of one, of one real server.
Result<std::vector<udp::Binding>> fetch_bindings(udp::Client& c,
                                                 const std::optional<ServiceKey>& svc,
                                                 const std::optional<udp::DestKey>& dest,
                                                 const std::optional<std::string>& key) {
    if (!key) return c.bindings(svc, dest);
    std::vector<udp::Binding> list;
    auto b = c.binding(*svc, *key);
    if (!b && b.error().errnum() != ENOENT) return b.error();
    if (b) list.push_back(std::move(*b));
    return list;
}

int cmd_calls(const Args& a, Env& env) {
    std::optional<ServiceKey> svc;
    std::size_t i = 0;
    if (!a.pos.empty()) svc = take_service(a.pos, i);
    expect_end(a, i);
    std::optional<udp::DestKey> dest;
    if (a.opt.count("--dest")) dest = dest_key(a.opt.at("--dest"), svc);
    std::optional<std::string> id;
    if (a.opt.count("--call-id")) {
        if (!svc) throw UsageError{"--call-id needs a SERVICE"};
        id = a.opt.at("--call-id");
    }
    TRY_UDP(c);
    auto all = fetch_bindings(c, svc, dest, id);
    if (!all) return report(all.error(), env);
    std::vector<udp::Binding> list;
    for (auto& x : *all)
        if (x.scheduler == "sip") list.push_back(std::move(x));
    if (a.json) {
        Json j;
        j.begin_object().key("calls").begin_array();
        for (const auto& b : list) {
            j.begin_object().field("service", b.service.str()).field("call_id", b.call_id);
            json_opt(j, "destination", b.dest ? std::optional(b.dest->str()) : std::nullopt);
            j.field("state", state_name(b.state)).field("age_ms", b.age_ms);
            j.field("idle_ms", b.idle_ms).field("expires_ms", b.expires_ms).end_object();
        }
        j.end_array().end_object();
        env.out << j.str() << "\n";
    } else {
        Table t({"service", "call-id", "destination", "state", "age", "idle", "expires"});
        for (const auto& b : list)
            t.row({b.service.str(), printable(b.call_id), b.dest ? b.dest->str() : "(moving)",
                   std::string(state_name(b.state)), ms_str(b.age_ms), ms_str(b.idle_ms),
                   ms_str(b.expires_ms)});
        t.print(env.out);
        env.out << list.size() << " call" << (list.size() == 1 ? "" : "s") << "\n";
    }
    return a.opt.count("--call-id") && list.empty() ? kNegative : kOk;
}

int cmd_flush(const Args& a, Env& env) {
    std::size_t i = 0;
    ServiceKey svc = take_service(a.pos, i);
    expect_end(a, i);
    std::optional<udp::DestKey> dest;
    const std::optional<std::string> id = key_option(a);
    if (a.opt.count("--dest")) dest = dest_key(a.opt.at("--dest"), svc);
    TRY_UDP(c);
    auto n = c.flush(svc, dest, id);
    if (!n) return report(n.error(), env);
    if (a.json) {
        Json j;
        j.begin_object().field("service", svc.str()).field("flushed", *n);
        json_opt(j, "destination", dest ? std::optional(dest->str()) : std::nullopt);
        env.out << j.end_object().str() << "\n";
    } else {
        env.out << "flushed " << *n << " binding" << (*n == 1 ? "" : "s") << " of " << svc.str();
        if (dest) env.out << " to " << dest->str();
        env.out << "; their calls or conversations are placed afresh at their next message\n";
    }
    return kOk;
}

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

// An option with a 32-bit value into `field`; true when it was given.
bool u32_option(const Args& a, const char* name, std::optional<std::uint32_t>& field) {
    if (!a.opt.count(name)) return false;
    field = to_u32(a, name, 0);
    return true;
}

// The settings every keyed-affinity scheduler (sip, radius) has; true when
// one was given.
template <typename Settings>
bool keyed_options(const Args& a, Settings& set) {
    bool change = u32_option(a, "--max-bindings", set.max_bindings);
    if (a.opt.count("--drain-policy")) {
        const auto& p = a.opt.at("--drain-policy");
        if (p != "drain" && p != "move") throw UsageError{"--drain-policy is drain or move"};
        set.drain_policy = p == "move" ? 1 : 0;
        change = true;
    }
    if (a.opt.count("--seed")) {
        set.seed = to_u64(a, "--seed");
        change = true;
    }
    return change;
}

// A keyed-affinity service's drain policy for people: the kernel reports
// "move" when the service flag flag-1 is set or the policy was set to move.
std::string drain_text(std::string_view sched, const std::optional<std::uint32_t>& policy,
                       const std::optional<std::uint32_t>& svc_flags) {
    if (!policy) return "-";
    if (!*policy) return "drain";
    if (svc_flags && (*svc_flags & ipvs::kSchedFlag1))
        return "move (service flag " + sched_flag_name(sched, ipvs::kSchedFlag1) + ")";
    return "move";
}

// After a change: --drain-policy drain does not undo the service's flag-1.
void drain_note(Env& env, std::string_view sched, const ServiceKey& svc,
                const std::optional<std::uint32_t>& asked,
                const std::optional<std::uint32_t>& svc_flags) {
    if (asked && !*asked && svc_flags && (*svc_flags & ipvs::kSchedFlag1))
        env.err << "ipvs-udp: note: " << svc.str() << " has the scheduler flag "
                << sched_flag_name(sched, ipvs::kSchedFlag1)
                << ", which moves bindings off quiesced servers whatever the drain policy; "
                   "clear it with: ipvs-udp service edit "
                << svc.str() << " --no-flag-1\n";
}

// The drain policy's JSON fields: "drain_policy" and "drain_policy_flag"
// (true when the service flag-1 makes it "move").
void json_drain(Json& j, const std::optional<std::uint32_t>& policy,
                const std::optional<std::uint32_t>& svc_flags) {
    json_opt(j, "drain_policy",
             policy ? std::optional<std::string>(*policy ? "move" : "drain") : std::nullopt);
    j.field("drain_policy_flag", svc_flags && (*svc_flags & ipvs::kSchedFlag1));
}

// The settings every keyed-affinity scheduler has, as JSON fields.
template <typename Settings>
void json_keyed_settings(Json& j, const Settings& st) {
    json_opt(j, "max_bindings", st.max_bindings);
    // 64 bits: a string, which jq does not round
    json_opt(j, "seed", st.seed ? std::optional(std::to_string(*st.seed)) : std::nullopt);
    json_drain(j, st.drain_policy, st.svc_flags);
    json_opt(j, "svc_flags", st.svc_flags);
}

// "--dialog-timeout 1800" and friends.
int cmd_sip_settings(const Args& a, Env& env) {
    std::size_t i = 0;
    ServiceKey svc = take_service(a.pos, i);
    expect_end(a, i);
    udp::SipSettings set;
    bool change = false;
    auto opt = [&](const char* name, std::optional<std::uint32_t>& field) {
        change |= u32_option(a, name, field);
    };
    opt("--dialog-timeout", set.dialog_timeout);
    opt("--early-timeout", set.early_timeout);
    opt("--transaction-timeout", set.transaction_timeout);
    opt("--linger-timeout", set.linger_timeout);
    change |= keyed_options(a, set);
    TRY_UDP(c);
    if (change)
        if (auto r = c.sip_set(svc, set); !r) return report(r.error(), env);
    auto s = c.sip_get(svc);
    if (!s) return report(s.error(), env);
    const auto& st = s->settings;
    drain_note(env, "sip", svc, set.drain_policy, st.svc_flags);
    auto v = [](const std::optional<std::uint32_t>& x) { return x ? std::to_string(*x) : "-"; };
    if (a.json) {
        Json j;
        j.begin_object().field("service", s->service.str()).key("settings").begin_object();
        json_opt(j, "dialog_timeout", st.dialog_timeout);
        json_opt(j, "early_timeout", st.early_timeout);
        json_opt(j, "transaction_timeout", st.transaction_timeout);
        json_opt(j, "linger_timeout", st.linger_timeout);
        json_keyed_settings(j, st);
        j.end_object().key("counters").begin_object();
        const auto& k = s->counters;
        j.field("bindings", k.bindings).field("messages", k.messages).field("parsed", k.parsed);
        j.field("nokey", k.nokey).field("oversized", k.oversized).field("hits", k.hits);
        j.field("created", k.created).field("expired", k.expired).field("moved", k.moved);
        j.field("refused", k.refused).field("ended", k.ended).field("nodest", k.nodest);
        j.field("toolong", k.toolong);
        j.end_object().end_object();
        env.out << j.str() << "\n";
        return kOk;
    }
    env.out << s->service.str() << ": dialog-timeout " << v(st.dialog_timeout)
            << " s, early-timeout " << v(st.early_timeout) << " s, transaction-timeout "
            << v(st.transaction_timeout) << " s, linger-timeout " << v(st.linger_timeout)
            << " s, max-bindings " << v(st.max_bindings) << ", drain-policy "
            << drain_text("sip", st.drain_policy, st.svc_flags) << ", seed "
            << (st.seed ? std::to_string(*st.seed) : "-") << "\n"
            << "bindings " << s->counters.bindings << ", messages " << s->counters.messages
            << ", created " << s->counters.created << ", moved " << s->counters.moved
            << ", refused " << s->counters.refused << "\n";
    return kOk;
}

// "--strict on" and friends.
std::optional<bool> on_off(const Args& a, const std::string& opt) {
    auto it = a.opt.find(opt);
    if (it == a.opt.end()) return std::nullopt;
    if (it->second == "on") return true;
    if (it->second == "off") return false;
    throw UsageError{opt + " is on or off, not '" + it->second + "'"};
}

int cmd_reply_settings(const Args& a, Env& env) {
    std::optional<ServiceKey> svc;
    if (!a.pos.empty()) {
        std::size_t i = 0;
        svc = take_service(a.pos, i);
        expect_end(a, i);
    }
    udp::ReplySettings set;
    bool change = false;
    for (auto [name, field] : {std::pair{"--timeout-ms", &set.timeout_ms},
                               {"--max-requests", &set.max_requests},
                               {"--timeout-threshold", &set.timeout_threshold}})
        if (a.opt.count(name)) {
            *field = to_u32(a, name, 0);
            change = true;
        }
    set.strict = on_off(a, "--strict");
    set.txid_match = on_off(a, "--txid-match");
    change = change || set.strict || set.txid_match;
    const bool reset = a.flags.count("--reset") > 0;
    if (reset && (!svc || change)) throw UsageError{"--reset takes a service and no other setting"};
    if (svc && (set.max_requests || set.timeout_threshold))
        throw UsageError{"--max-requests and --timeout-threshold are per namespace: no service"};
    TRY_UDP(c);
    if (reset) {
        if (auto r = c.reset_reply_settings(*svc); !r) return report(r.error(), env);
    } else if (change) {
        if (auto r = c.set_reply_settings(set, svc); !r) return report(r.error(), env);
    }
    auto s = c.reply_settings(svc);
    if (!s) return report(s.error(), env);
    auto onoff = [](const std::optional<bool>& v) { return v ? (*v ? "on" : "off") : "-"; };
    if (a.json) {
        Json j;
        j.begin_object();
        if (svc) j.field("service", svc->str());
        json_opt(j, "timeout_ms", s->timeout_ms);
        json_opt(j, "max_requests", s->max_requests);
        json_opt(j, "timeout_threshold", s->timeout_threshold);
        json_opt(j, "strict", s->strict);
        json_opt(j, "txid_match", s->txid_match);
        json_opt(j, "own", s->own);
        env.out << j.end_object().str() << "\n";
    } else if (svc) {
        env.out << svc->str() << ": timeout " << s->timeout_ms.value_or(0) << " ms, strict "
                << onoff(s->strict) << ", txid-match " << onoff(s->txid_match)
                << (s->own.value_or(false) ? " (its own settings)" : " (the namespace's)") << "\n";
    } else {
        env.out << "timeout " << s->timeout_ms.value_or(0) << " ms, max-requests "
                << s->max_requests.value_or(0) << ", timeout-threshold "
                << s->timeout_threshold.value_or(0) << ", strict " << onoff(s->strict)
                << ", txid-match " << onoff(s->txid_match) << "\n";
    }
    return kOk;
}

void add_udp_metrics(Prometheus& p, const udp::Counters& c) {
    for (const auto& [svc, k] : c.sip) {
        std::map<std::string, std::string> l{{"service", svc.str()}};
        p.add("ipvs_udp_sip_bindings", "gauge", "Call-ID bindings of the sip service", l,
              k.bindings);
        p.add("ipvs_udp_sip_messages_total", "counter", "Datagrams scheduled", l, k.messages);
        p.add("ipvs_udp_sip_parsed_total", "counter", "Datagrams with a Call-ID", l, k.parsed);
        p.add("ipvs_udp_sip_nokey_total", "counter", "Datagrams placed by address", l, k.nokey);
        p.add("ipvs_udp_sip_oversized_total", "counter", "Oversized Call-IDs", l, k.oversized);
        p.add("ipvs_udp_sip_hits_total", "counter", "Binding hits", l, k.hits);
        p.add("ipvs_udp_sip_created_total", "counter", "Bindings created", l, k.created);
        p.add("ipvs_udp_sip_expired_total", "counter", "Bindings expired", l, k.expired);
        p.add("ipvs_udp_sip_moved_total", "counter", "Bindings moved to another server", l,
              k.moved);
        p.add("ipvs_udp_sip_refused_total", "counter", "Calls not bound at the cap", l, k.refused);
        p.add("ipvs_udp_sip_ended_total", "counter", "Dialogs ended", l, k.ended);
        p.add("ipvs_udp_sip_nodest_total", "counter", "Datagrams without a usable server", l,
              k.nodest);
        p.add("ipvs_udp_sip_toolong_total", "counter",
              "Datagrams whose SIP headers the parser gave up at a cap", l, k.toolong);
    }
    for (const auto& [svc, k] : c.radius) {
        std::map<std::string, std::string> l{{"service", svc.str()}};
        for (const auto& f : udp::radius_counter_fields())
            p.add("ipvs_udp_radius_" + std::string(f.name) + (f.gauge ? "" : "_total"),
                  f.gauge ? "gauge" : "counter", std::string(f.help), l, k.*f.member);
    }
    if (c.reply) {
        const auto& r = *c.reply;
        p.add("ipvs_udp_reply_requests_total", "counter", "Requests recorded", {}, r.requests);
        p.add("ipvs_udp_reply_refused_total", "counter", "Requests not recorded (cap)", {},
              r.refused);
        p.add("ipvs_udp_reply_replies_total", "counter", "Replies matched", {}, r.replies);
        p.add("ipvs_udp_reply_duplicates_total", "counter", "Duplicate replies", {}, r.duplicates);
        p.add("ipvs_udp_reply_late_total", "counter", "Late replies", {}, r.late);
        p.add("ipvs_udp_reply_unsolicited_total", "counter", "Unsolicited datagrams", {},
              r.unsolicited);
        p.add("ipvs_udp_reply_timeouts_total", "counter", "Requests without a reply", {},
              r.timeouts);
        p.add("ipvs_udp_reply_no_conn_total", "counter",
              "Replies left unchanged: IPVS made no connection entry", {}, r.no_conn);
        p.add("ipvs_udp_reply_records", "gauge", "Outstanding request records", {}, r.records);
    }
    if (c.icmp_vip) {
        const auto& i = *c.icmp_vip;
        p.add("ipvs_udp_icmp_vip_enabled", "gauge", "ICMP from the VIP switched on", {}, i.enabled);
        p.add("ipvs_udp_icmp_vip_rewritten_total", "counter", "ICMP errors rewritten",
              {{"family", "inet"}}, i.rewritten_v4);
        p.add("ipvs_udp_icmp_vip_rewritten_total", "counter", "ICMP errors rewritten",
              {{"family", "inet6"}}, i.rewritten_v6);
        p.add("ipvs_udp_icmp_vip_generated_total", "counter", "IPv4 errors built", {},
              i.generated_v4);
        p.add("ipvs_udp_icmp_vip_failed_total", "counter", "ICMP errors not sent", {}, i.failed);
    }
}

void add_reply_dest_metrics(Prometheus& p, const std::vector<udp::ReplyDest>& list) {
    // The kernel's buckets: below 1 ms, 10 ms, 100 ms, 1 s, and the rest.
    static const char* const les[] = {"0.001", "0.01", "0.1", "1", "+Inf"};
    for (const auto& d : list) {
        std::map<std::string, std::string> l{{"destination", d.dest.str()}};
        p.add("ipvs_udp_reply_dest_requests_total", "counter", "Requests sent to the server", l,
              d.requests);
        p.add("ipvs_udp_reply_dest_replies_total", "counter", "Replies of the server", l,
              d.replies);
        p.add("ipvs_udp_reply_dest_timeouts_total", "counter",
              "Requests the server left unanswered", l, d.timeouts);
        p.add("ipvs_udp_reply_dest_duplicates_total", "counter",
              "Further replies to answered requests", l, d.duplicates);
        p.add("ipvs_udp_reply_dest_late_total", "counter", "Replies after the timeout", l, d.late);
        p.add("ipvs_udp_reply_dest_outstanding", "gauge", "Requests waiting for a reply", l,
              d.outstanding);
        p.add_real("ipvs_udp_reply_dest_latency_ewma_seconds", "gauge",
                   "Smoothed reply latency (weight 1/8; 0 before the first reply)", l,
                   static_cast<double>(d.ewma_ns) / 1e9);
        if (d.hist.size() != std::size(les)) continue;
        std::vector<std::pair<std::string, std::uint64_t>> buckets;
        std::uint64_t cum = 0;
        for (std::size_t i = 0; i < d.hist.size(); i++)
            buckets.emplace_back(les[i], cum += d.hist[i]);
        p.add_histogram("ipvs_udp_reply_dest_latency_seconds",
                        "Latency of the server's first replies", l, buckets,
                        static_cast<double>(d.latency_sum_ns) / 1e9);
    }
}

int cmd_counters(const Args& a, Env& env) {
    std::optional<ServiceKey> svc;
    std::size_t i = 0;
    if (!a.pos.empty()) svc = take_service(a.pos, i);
    expect_end(a, i);
    TRY_UDP(c);
    auto r = c.counters(svc);
    if (!r) return report(r.error(), env);
    Prometheus p;
    add_udp_metrics(p, *r);
    if (a.json) {
        Json j;
        j.begin_object().key("sip").begin_array();
        for (const auto& [k, s] : r->sip) {
            j.begin_object().field("service", k.str()).field("bindings", s.bindings);
            j.field("messages", s.messages).field("parsed", s.parsed).field("nokey", s.nokey);
            j.field("oversized", s.oversized).field("hits", s.hits).field("created", s.created);
            j.field("expired", s.expired).field("moved", s.moved).field("refused", s.refused);
            j.field("ended", s.ended).field("nodest", s.nodest).field("toolong", s.toolong);
            j.end_object();
        }
        j.end_array().key("radius").begin_array();
        for (const auto& [k, s] : r->radius) {
            j.begin_object().field("service", k.str());
            for (const auto& f : udp::radius_counter_fields()) j.field(f.name, s.*f.member);
            j.end_object();
        }
        j.end_array();
        if (r->reply) {
            const auto& x = *r->reply;
            j.key("reply").begin_object().field("requests", x.requests);
            j.field("refused", x.refused).field("replies", x.replies);
            j.field("duplicates", x.duplicates).field("late", x.late);
            j.field("unsolicited", x.unsolicited).field("timeouts", x.timeouts);
            j.field("no_conn", x.no_conn).field("records", x.records);
            j.field("dests", x.dests).end_object();
        }
        if (r->icmp_vip) {
            const auto& x = *r->icmp_vip;
            j.key("icmp_vip").begin_object().field("enabled", x.enabled);
            j.field("rewritten_v4", x.rewritten_v4).field("rewritten_v6", x.rewritten_v6);
            j.field("generated_v4", x.generated_v4).field("already_vip", x.already_vip);
            j.field("duplicates", x.duplicates).field("ratelimited", x.ratelimited);
            j.field("failed", x.failed).end_object();
        }
        env.out << j.end_object().str() << "\n";
    } else {
        p.print(env.out);
    }
    return kOk;
}

// ---------------------------------------------------------------- service

ipvs::Service preset(const std::string& kind, const ServiceKey& key) {
    ipvs::Service s;
    s.key = key;
    if (kind == "sip") {
        s.scheduler = "sip";
        s.flags = ipvs::kOnePacket;
    } else if (kind == "radius") {
        s.scheduler = "radius";
        s.pe_name = "reply";
        s.flags = ipvs::kOnePacket;
    } else if (kind == "dns" || kind == "reply") {
        s.scheduler = "rr";
        s.pe_name = "reply";
        s.flags = ipvs::kOnePacket;
    } else if (kind == "plain") {
        s.scheduler = "wlc";
    } else {
        throw UsageError{"unknown service kind '" + kind + "' (sip, dns, radius, reply, plain)"};
    }
    return s;
}

// "255.255.255.0", "/24" or "24" (IPv4); "/64" or "64" (IPv6): the value
// IPVS takes (IPv4: the mask in network byte order; IPv6: the prefix length).
std::uint32_t parse_netmask(const std::string& text, int family) {
    const bool v6 = family == AF_INET6;
    const std::string what = "--netmask '" + text + "' ";
    in_addr m{};
    if (!v6 && text.find('.') != std::string::npos) {
        if (inet_pton(AF_INET, text.c_str(), &m) != 1)
            throw UsageError{what + "is not an IPv4 netmask"};
        const std::uint32_t h = ntohl(m.s_addr);
        if (h & (~h >> 1)) throw UsageError{what + "is not contiguous (ones, then zeros)"};
        if (!h) throw UsageError{what + "is /0, which the library takes as unset"};
        return m.s_addr;
    }
    std::string_view n = text;
    if (n.starts_with("/")) n.remove_prefix(1);
    unsigned len = 0;
    const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), len);
    const unsigned max = v6 ? 128 : 32;
    if (ec != std::errc() || end != n.data() + n.size() || n.empty() || len > max || !len)
        throw UsageError{what + "is not a prefix length 1.." + std::to_string(max) +
                         (v6 ? "" : " or a dotted mask (255.255.255.0)")};
    if (v6) return len;
    return htonl(~std::uint32_t{0} << (32 - len));
}

// The netmask IPVS reports, for people: dotted (IPv4) or /N (IPv6).
std::string netmask_str(std::uint32_t netmask, int family) {
    if (family == AF_INET6) return "/" + std::to_string(netmask);
    in_addr m{};
    m.s_addr = netmask;
    char b[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &m, b, sizeof(b));
}

// A real server as status --json shows it (docs/json.md).
void json_destination(Json& j, const ipvs::Destination& d) {
    j.begin_object().field("destination", d.str()).field("address", d.address.str());
    j.field("port", static_cast<std::uint32_t>(d.port));
    j.field("forward", forward_name(d.forward)).field("weight", d.weight);
    j.field("upper_threshold", d.upper_threshold);
    j.field("lower_threshold", d.lower_threshold);
    j.field("active_conns", d.active_conns).field("inactive_conns", d.inactive_conns);
    j.field("persist_conns", d.persist_conns);
    json_stats(j, d.stats);
    j.end_object();
}

// A virtual service with its real servers as status --json shows it.
void json_service(Json& j, const ipvs::Service& s, const std::vector<ipvs::Destination>& dests) {
    j.begin_object();
    json_service_key(j, s.key);
    j.field("scheduler", s.scheduler);
    json_opt(j, "pe", s.pe_name.empty() ? std::nullopt : std::optional(s.pe_name));
    j.key("flags").begin_array();
    for (const auto& f : flag_names(s.flags, s.scheduler)) j.value(f);
    j.end_array();
    j.field("timeout", s.timeout).field("netmask", netmask_str(s.netmask, s.key.address.family));
    json_stats(j, s.stats);
    j.key("destinations").begin_array();
    for (const auto& d : dests) json_destination(j, d);
    j.end_array().end_object();
}

// After a change: the service as the kernel now has it, as one JSON object
// {"service": {...}} (the status schema); what was asked when it cannot be
// read back.
void print_service_json(Env& env, ipvs::Client& c, const ipvs::Service& asked) {
    ipvs::Service s = asked;
    std::vector<ipvs::Destination> dests;
    if (auto cur = c.service(asked.key)) s = *cur;
    if (auto d = c.destinations(asked.key)) dests = std::move(*d);
    Json j;
    j.begin_object().key("service");
    json_service(j, s, dests);
    env.out << j.end_object().str() << "\n";
}

// After a change to a real server: it as the kernel now has it,
// {"service": KEY, "destination": {...}}.
void print_destination_json(Env& env, ipvs::Client& c, const ServiceKey& key,
                            const ipvs::Destination& asked) {
    ipvs::Destination d = asked;
    if (auto list = c.destinations(key))
        for (const auto& cur : *list)
            if (cur.address == asked.address && cur.port == asked.port) d = cur;
    Json j;
    j.begin_object().field("service", key.str()).key("destination");
    json_destination(j, d);
    env.out << j.end_object().str() << "\n";
}

void apply_service_options(ipvs::Service& s, const Args& a) {
    if (a.opt.count("--scheduler")) s.scheduler = a.opt.at("--scheduler");
    if (a.opt.count("--pe")) s.pe_name = a.opt.at("--pe");
    if (a.flags.count("--no-pe")) s.pe_name.clear();
    if (a.opt.count("--persistent")) {
        s.timeout = to_u32(a, "--persistent", 0);
        if (s.timeout)
            s.flags |= ipvs::kPersistent;
        else
            s.flags &= ~ipvs::kPersistent;
    }
    if (a.opt.count("--netmask"))
        s.netmask = parse_netmask(a.opt.at("--netmask"), s.key.address.family);
    auto set = [&](const char* on, const char* off, std::uint32_t bit) {
        if (a.flags.count(on)) s.flags |= bit;
        if (a.flags.count(off)) s.flags &= ~bit;
    };
    set("--one-packet", "--no-one-packet", ipvs::kOnePacket);
    // The list replaces the scheduler flags, as ipvsadm -b does; then
    // --flag-N and --no-flag-N.
    if (a.opt.count("--sched-flags")) {
        for (auto bit : kSchedFlagBits) s.flags &= ~bit;
        s.flags |= parse_sched_flags(s.scheduler, a.opt.at("--sched-flags"));
    }
    set("--flag-1", "--no-flag-1", ipvs::kSchedFlag1);
    set("--flag-2", "--no-flag-2", ipvs::kSchedFlag2);
    set("--flag-3", "--no-flag-3", ipvs::kSchedFlag3);
    if (s.scheduler.empty() || s.scheduler.size() >= 16)
        throw UsageError{"scheduler name must be 1 to 15 characters"};
    if (s.pe_name.size() >= 16) throw UsageError{"engine name must be at most 15 characters"};
}

int cmd_service_add(const Args& a, Env& env) {
    if (a.pos.empty()) throw UsageError{"service add needs KIND PROTO ADDRESS"};
    std::size_t i = 1;
    ServiceKey key = take_service(a.pos, i);
    expect_end(a, i);
    ipvs::Service s = preset(a.pos[0], key);
    apply_service_options(s, a);
    TRY_CLIENT(c);
    if (auto r = c.add_service(s); !r) {
        // IPVS answers ENOENT for a scheduler or engine it cannot load.
        if (r.error().errnum() != ENOENT) return report(r.error(), env);
        const std::string ext =
            r.error().extack.empty() ? "" : " (kernel: " + r.error().extack + ")";
        env.err << "ipvs-udp: " << r.error().context
                << ": scheduler or persistence engine not available" << ext
                << "; are the modules installed? try: modprobe ip_vs_sip ip_vs_pe_reply "
                   "ip_vs_lor\n";
        return kFailed;
    }
    if (!a.json) {
        env.out << "added " << key.str() << " scheduler " << s.scheduler;
        if (s.one_packet()) env.out << " one-packet";
        if (!s.pe_name.empty()) env.out << " pe " << s.pe_name;
        env.out << "\n";
    } else {
        print_service_json(env, c, s);
    }
    return kOk;
}

int cmd_service_edit(const Args& a, Env& env) {
    std::size_t i = 0;
    ServiceKey key = take_service(a.pos, i);
    expect_end(a, i);
    TRY_CLIENT(c);
    auto cur = c.service(key);
    if (!cur) return report(cur.error(), env);
    ipvs::Service s = *cur;
    apply_service_options(s, a);
    if (auto r = c.edit_service(s); !r) return report(r.error(), env);
    if (a.json)
        print_service_json(env, c, s);
    else
        env.out << "edited " << key.str() << "\n";
    return kOk;
}

int cmd_service_del(const Args& a, Env& env) {
    std::size_t i = 0;
    ServiceKey key = take_service(a.pos, i);
    expect_end(a, i);
    TRY_CLIENT(c);
    if (auto r = c.del_service(key); !r) return report(r.error(), env);
    if (!a.json) env.out << "deleted " << key.str() << "\n";
    // The reply engine keeps a service's own settings until they are reset
    // (IPVS does not tell it a service went): drop them too, if any. Best
    // effort: the family or the engine may not be loaded.
    bool dropped = false;
    if (auto u = env.udp()) {
        dropped = static_cast<bool>(u->reset_reply_settings(key));
        if (dropped && !a.json) env.out << "dropped its reply engine settings\n";
    }
    if (a.json) {
        Json j;
        j.begin_object().field("deleted", key.str()).field("reply_settings_dropped", dropped);
        env.out << j.end_object().str() << "\n";
    }
    return kOk;
}

// ---------------------------------------------------------------- dest

ipvs::Destination dest_of(const ServiceKey& key, const std::string& word) {
    HostPort hp = parse_hostport(word);
    if (!key.fwmark && hp.address.family != key.address.family)
        throw UsageError{"destination " + word + " is not of the service's address family"};
    ipvs::Destination d;
    d.address = hp.address;
    d.port = hp.port ? hp.port : key.port;
    return d;
}

void apply_dest_options(ipvs::Destination& d, const Args& a) {
    if (a.opt.count("--method")) {
        auto f = ipvs::parse_forward(a.opt.at("--method"));
        if (!f) throw UsageError{"--method is nat, route or tunnel"};
        d.forward = *f;
    }
    d.weight = to_u32(a, "--weight", d.weight);
    d.upper_threshold = to_u32(a, "--upper", d.upper_threshold);
    d.lower_threshold = to_u32(a, "--lower", d.lower_threshold);
}

std::pair<ServiceKey, ipvs::Destination> service_and_dest(const Args& a) {
    std::size_t i = 0;
    ServiceKey key = take_service(a.pos, i);
    if (i + 1 != a.pos.size()) throw UsageError{"needs SERVICE DESTINATION"};
    return {key, dest_of(key, a.pos[i])};
}

int cmd_dest_add(const Args& a, Env& env) {
    auto [key, d] = service_and_dest(a);
    apply_dest_options(d, a);
    TRY_CLIENT(c);
    if (auto r = c.add_destination(key, d); !r) return report(r.error(), env);
    if (a.json)
        print_destination_json(env, c, key, d);
    else
        env.out << "added " << d.str() << " to " << key.str() << " (" << forward_name(d.forward)
                << ", weight " << d.weight << ")\n";
    return kOk;
}

int cmd_dest_edit(const Args& a, Env& env) {
    auto [key, d] = service_and_dest(a);
    TRY_CLIENT(c);
    auto list = c.destinations(key);
    if (!list) return report(list.error(), env);
    for (auto& cur : *list) {
        if (cur.address == d.address && cur.port == d.port) {
            apply_dest_options(cur, a);
            if (auto r = c.edit_destination(key, cur); !r) return report(r.error(), env);
            if (a.json)
                print_destination_json(env, c, key, cur);
            else
                env.out << "edited " << cur.str() << " of " << key.str() << "\n";
            return kOk;
        }
    }
    return report(Error::from_errno(ENOENT, "edit destination " + d.str() + " of " + key.str()),
                  env);
}

int cmd_dest_del(const Args& a, Env& env) {
    auto [key, d] = service_and_dest(a);
    TRY_CLIENT(c);
    if (auto r = c.del_destination(key, d); !r) return report(r.error(), env);
    if (a.json) {
        Json j;
        j.begin_object().field("service", key.str()).field("deleted", d.str());
        env.out << j.end_object().str() << "\n";
    } else {
        env.out << "deleted " << d.str() << " of " << key.str() << "\n";
    }
    return kOk;
}

// ---------------------------------------------------------------- status

int cmd_status(const Args& a, Env& env) {
    std::optional<ServiceKey> only;
    if (!a.pos.empty()) {
        std::size_t i = 0;
        only = take_service(a.pos, i);
        expect_end(a, i);
    }
    TRY_CLIENT(c);
    std::vector<ipvs::Service> svcs;
    if (only) {
        const ServiceKey& key = *only;
        auto s = c.service(key);
        if (!s) return report(s.error(), env);
        svcs.push_back(*s);
    } else {
        auto s = c.services();
        if (!s) return report(s.error(), env);
        svcs = std::move(*s);
    }
    std::vector<std::vector<ipvs::Destination>> dests;
    for (const auto& s : svcs) {
        auto d = c.destinations(s.key);
        if (!d) return report(d.error(), env);
        dests.push_back(std::move(*d));
    }
    if (a.json) {
        Json j;
        j.begin_object().key("services").begin_array();
        for (std::size_t i = 0; i < svcs.size(); i++) {
            json_service(j, svcs[i], dests[i]);
        }
        j.end_array().end_object();
        env.out << j.str() << "\n";
        return kOk;
    }
    if (svcs.empty()) {
        env.out << "no virtual services (add one with: ipvs-udp service add sip udp VIP:5060)\n";
        return kOk;
    }
    for (std::size_t i = 0; i < svcs.size(); i++) {
        const auto& s = svcs[i];
        std::string flags;
        for (const auto& f : flag_names(s.flags, s.scheduler))
            flags += (flags.empty() ? "" : ",") + f;
        env.out << s.key.str() << "  scheduler " << s.scheduler;
        if (!s.pe_name.empty()) env.out << "  pe " << s.pe_name;
        if (!flags.empty()) env.out << "  " << flags;
        if (s.flags & ipvs::kPersistent) env.out << "  timeout " << s.timeout;
        env.out << "  conns " << s.stats.conns << "  in " << s.stats.inpkts << " pkts\n";
        Table t({"destination", "forward", "weight", "active", "inactive", "conns", "inpkts",
                 "outpkts"});
        for (const auto& d : dests[i])
            t.row({d.str(), std::string(forward_name(d.forward)), std::to_string(d.weight),
                   std::to_string(d.active_conns), std::to_string(d.inactive_conns),
                   std::to_string(d.stats.conns), std::to_string(d.stats.inpkts),
                   std::to_string(d.stats.outpkts)});
        if (dests[i].empty())
            env.out << "  (no destinations: add one with: ipvs-udp dest add " << s.key.str()
                    << " RIP:PORT)\n";
        else
            t.print(env.out, "  ");
    }
    return kOk;
}

int cmd_conns(const Args& a, Env& env) {
    expect_end(a, 0);
    TRY_CLIENT(c);
    auto r = c.connections();
    if (!r) return report(r.error(), env);
    auto hp = [](const Address& ad, std::uint16_t p) { return ad.with_port(p); };
    if (a.json) {
        Json j;
        j.begin_object().key("connections").begin_array();
        for (const auto& x : *r) {
            j.begin_object().field("protocol", x.protocol);
            j.field("client", hp(x.client, x.client_port));
            j.field("virtual", hp(x.virt, x.virt_port));
            j.field("destination", hp(x.dest, x.dest_port));
            j.field("state", x.state).field("expires", x.expires);
            json_opt(j, "pe", x.pe_name.empty() ? std::nullopt : std::optional(x.pe_name));
            json_opt(j, "pe_data", x.pe_data.empty() ? std::nullopt : std::optional(x.pe_data));
            j.end_object();
        }
        j.end_array().end_object();
        env.out << j.str() << "\n";
        return kOk;
    }
    Table t({"pro", "client", "virtual", "destination", "state", "expires", "pe", "pe-data"});
    for (const auto& x : *r)
        t.row({x.protocol, hp(x.client, x.client_port), hp(x.virt, x.virt_port),
               hp(x.dest, x.dest_port), x.state, std::to_string(x.expires), x.pe_name, x.pe_data});
    t.print(env.out);
    return kOk;
}

int cmd_timeouts(const Args& a, Env& env) {
    expect_end(a, 0);
    TRY_CLIENT(c);
    ipvs::Timeouts set{to_u32(a, "--tcp", 0), to_u32(a, "--tcpfin", 0), to_u32(a, "--udp", 0)};
    if (set.tcp || set.tcp_fin || set.udp)
        if (auto r = c.set_timeouts(set); !r) return report(r.error(), env);
    auto t = c.timeouts();
    if (!t) return report(t.error(), env);
    if (a.json) {
        Json j;
        j.begin_object().field("tcp", t->tcp).field("tcpfin", t->tcp_fin).field("udp", t->udp);
        env.out << j.end_object().str() << "\n";
    } else {
        env.out << "tcp " << t->tcp << " s, tcpfin " << t->tcp_fin << " s, udp " << t->udp
                << " s\n";
    }
    return kOk;
}

// A service's configuration as an info metric (its labels change with it;
// the counters' labels do not).
void add_service_info(Prometheus& p, const ipvs::Service& s) {
    std::string flags;
    for (const auto& f : flag_names(s.flags, s.scheduler)) flags += (flags.empty() ? "" : ",") + f;
    p.add(
        "ipvs_udp_service_info", "gauge", "A virtual service: its scheduler, engine and flags",
        {{"service", s.key.str()}, {"scheduler", s.scheduler}, {"pe", s.pe_name}, {"flags", flags}},
        std::uint64_t{1});
}

void prom_stats(Prometheus& p, const std::string& prefix, const std::string& what,
                const std::map<std::string, std::string>& l, const ipvs::Stats& s) {
    p.add(prefix + "_connections_total", "counter", "Connections scheduled to the " + what, l,
          s.conns);
    p.add(prefix + "_in_packets_total", "counter", "Packets in, " + what, l, s.inpkts);
    p.add(prefix + "_out_packets_total", "counter", "Packets out, " + what, l, s.outpkts);
    p.add(prefix + "_in_bytes_total", "counter", "Bytes in, " + what, l, s.inbytes);
    p.add(prefix + "_out_bytes_total", "counter", "Bytes out, " + what, l, s.outbytes);
}

int cmd_stats(const Args& a, Env& env) {
    expect_end(a, 0);
    TRY_CLIENT(c);
    auto svcs = c.services();
    if (!svcs) return report(svcs.error(), env);
    Prometheus p;
    Json j;
    j.begin_object().key("services").begin_array();
    Table t({"service", "destination", "conns", "inpkts", "outpkts", "inbytes", "outbytes"});
    for (const auto& s : *svcs) {
        auto ds = c.destinations(s.key);
        if (!ds) return report(ds.error(), env);
        std::map<std::string, std::string> l{{"service", s.key.str()}};
        prom_stats(p, "ipvs_service", "virtual service", l, s.stats);
        add_service_info(p, s);
        j.begin_object().field("service", s.key.str());
        json_stats(j, s.stats);
        j.key("destinations").begin_array();
        auto row = [&t](const std::string& sv, const std::string& d, const ipvs::Stats& st) {
            t.row({sv, d, std::to_string(st.conns), std::to_string(st.inpkts),
                   std::to_string(st.outpkts), std::to_string(st.inbytes),
                   std::to_string(st.outbytes)});
        };
        row(s.key.str(), "-", s.stats);
        for (const auto& d : *ds) {
            prom_stats(p, "ipvs_destination", "real server",
                       {{"service", s.key.str()}, {"destination", d.str()}}, d.stats);
            p.add("ipvs_destination_weight", "gauge", "Weight of the real server",
                  {{"service", s.key.str()}, {"destination", d.str()}}, d.weight);
            p.add("ipvs_destination_active_connections", "gauge", "Active connections",
                  {{"service", s.key.str()}, {"destination", d.str()}}, d.active_conns);
            p.add("ipvs_destination_inactive_connections", "gauge", "Inactive connections",
                  {{"service", s.key.str()}, {"destination", d.str()}}, d.inactive_conns);
            j.begin_object().field("destination", d.str());
            json_stats(j, d.stats);
            j.end_object();
            row(s.key.str(), d.str(), d.stats);
        }
        j.end_array().end_object();
    }
    j.end_array().end_object();
    if (a.flags.count("--prometheus")) {
        // Our modules' counters too, when they are loaded.
        if (auto u = env.udp()) {
            auto uc = u->counters();
            if (uc) add_udp_metrics(p, *uc);
            auto ud = u->reply_dests();
            if (ud) add_reply_dest_metrics(p, *ud);
            if (!uc && !uc.error().family_missing) return report(uc.error(), env);
        }
        p.print(env.out);
    } else if (a.json)
        env.out << j.str() << "\n";
    else
        t.print(env.out);
    return kOk;
}

// Write `text` to `path` as a whole: a temporary file in the same
// directory, synced, then renamed over it, so that a reader (node_exporter's
// textfile collector) never sees half of it.
bool write_atomically(const std::string& path, const std::string& text, std::string& why) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        why = "cannot create " + tmp + ": " + std::strerror(errno);
        return false;
    }
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    const bool ok = done == text.size() && ::fsync(fd) == 0;
    const int err = errno;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        why = "cannot write " + path + ": " + std::strerror(ok ? errno : err);
        ::unlink(tmp.c_str());
        return false;
    }
    return true;
}

// The node_exporter textfile collector's view: our modules only (node
// exporter's ipvs collector has IPVS's own traffic counters).
int cmd_metrics(const Args& a, Env& env) {
    expect_end(a, 0);
    Prometheus p;
    bool up = false;
    if (auto c = env.ipvs()) {
        if (auto svcs = c->services())
            for (const auto& s : *svcs) add_service_info(p, s);
    }
    auto u = env.udp();
    if (u) {
        auto uc = u->counters();
        if (uc) {
            up = true;
            add_udp_metrics(p, *uc);
        } else if (!uc.error().family_missing) {
            return report(uc.error(), env);
        }
        if (auto ud = u->reply_dests()) add_reply_dest_metrics(p, *ud);
    } else if (!u.error().family_missing) {
        return report(u.error(), env);
    }
    p.add("ipvs_udp_up", "gauge", "1 when the ipvs-udp modules answered", {},
          std::uint64_t{up ? 1u : 0u});
    std::ostringstream text;
    p.print(text);
    if (!a.opt.count("--output")) {
        env.out << text.str();
        return kOk;
    }
    std::string why;
    if (!write_atomically(a.opt.at("--output"), text.str(), why)) {
        env.err << "ipvs-udp: " << why << "\n";
        return kUsage;
    }
    return kOk;
}

std::string endpoint(const Address& a, std::uint16_t port) {
    return a.with_port(port);
}

// What a key command makes of one UDP datagram of a capture.
struct KeyResult {
    bool found = false;        // the datagram has a key
    bool cut_matters = false;  // a capture cut short may have hidden it
};

// A key command over a packet capture: one line (or JSON object) per UDP
// datagram, with the key the scheduler would use for it. `key` writes the
// datagram's own fields (JSON) or the rest of its line (text).
using KeyFn = std::function<KeyResult(const pcap::Datagram&, Json*, std::ostream&)>;

int keys_capture(const Args& a, Env& env, std::istream& in, std::vector<unsigned char> head,
                 const std::string& name, const std::string& with_key, const KeyFn& key) {
    using pcap::Datagram;
    pcap::Reader r{in, std::move(head)};
    pcap::Frame f;
    std::uint64_t frames = 0, udp = 0, keys = 0, unparsed = 0;
    std::map<std::string, std::uint64_t> skipped;
    Json j;
    j.begin_object().key("datagrams").begin_array();
    while (r.next(f)) {
        frames++;
        const Datagram d = pcap::decode(f.linktype, f.data);
        if (d.status == Datagram::Status::not_ip || d.status == Datagram::Status::not_udp ||
            d.status == Datagram::Status::unknown_link) {
            skipped[d.status == Datagram::Status::not_ip    ? "not_ip"
                    : d.status == Datagram::Status::not_udp ? "not_udp"
                                                            : "unknown_link"]++;
            continue;
        }
        const std::string num = std::to_string(f.number);
        if (d.status != Datagram::Status::udp) {
            // A fragment or a frame whose headers are broken: no datagram
            // the scheduler would see as such.
            unparsed++;
            const std::string what =
                d.status == Datagram::Status::fragment ? "fragment" : "malformed";
            if (a.json) {
                j.begin_object().field("frame", f.number).field("status", what);
                if (d.status == Datagram::Status::fragment)
                    j.field("src", d.src.str()).field("dst", d.dst.str());
                j.field("note", d.note).end_object();
            } else {
                env.out << num << " ";
                if (d.status == Datagram::Status::fragment)
                    env.out << d.src.str() << " -> " << d.dst.str() << " ";
                env.out << "not parseable: " << d.note << "\n";
            }
            continue;
        }
        udp++;
        if (a.json)
            j.begin_object()
                .field("frame", f.number)
                .field("status", "udp")
                .field("src", d.src.str())
                .field("sport", unsigned{d.sport})
                .field("dst", d.dst.str())
                .field("dport", unsigned{d.dport});
        else
            env.out << num << " " << endpoint(d.src, d.sport) << " -> " << endpoint(d.dst, d.dport)
                    << " ";
        // The kernel parses the whole payload.
        const KeyResult k = key(d, a.json ? &j : nullptr, env.out);
        if (k.found) keys++;
        // What the capture lacks of the bytes the kernel would parse.
        std::string caveat;
        if (d.first_fragment)
            caveat = "first fragment only: the kernel parses the reassembled datagram";
        else if (d.cut && k.cut_matters)
            caveat = "cut by the capture's snap length: " + std::to_string(d.payload.size()) +
                     " bytes of payload captured";
        if (a.json) {
            j.field("caveat", caveat).field("note", d.note).end_object();
            continue;
        }
        if (!caveat.empty()) env.out << " [" << caveat << "]";
        env.out << "\n";
    }
    std::uint64_t nskipped = 0;
    for (const auto& [k, v] : skipped) nskipped += v;
    if (a.json) {
        j.end_array()
            .field("frames", frames)
            .field("udp", udp)
            .field("keys", keys)
            .field("unparseable", unparsed)
            .counts("skipped", skipped)
            .field("error", r.error())
            .end_object();
        env.out << j.str() << "\n";
    }
    env.err << "ipvs-udp: " << name << ": " << frames << " frames, " << udp << " UDP datagrams, "
            << keys << " " << with_key << ", " << unparsed << " not parseable, " << nskipped
            << " skipped (not UDP)\n";
    if (!r.error().empty()) {
        env.err << "ipvs-udp: " << name << ": " << r.error() << "\n";
        return kUsage;
    }
    return keys ? kOk : kNegative;
}

// sip-callid over a packet capture.
int sip_callid_capture(const Args& a, Env& env, std::istream& in, std::vector<unsigned char> head,
                       const std::string& name) {
    const bool addr_only = a.flags.count("--addr-only") > 0;
    return keys_capture(
        a, env, in, std::move(head), name, "with a Call-ID",
        [addr_only](const pcap::Datagram& d, Json* j, std::ostream& out) {
            ip_vs_sip_msg msg{};
            const bool found = ip_vs_sip_parse(d.payload.data(), d.payload.size(), &msg) == 0;
            const std::string_view id =
                found ? std::string_view(reinterpret_cast<const char*>(msg.callid), msg.callid_len)
                      : "";
            const bool oversized = found && (msg.flags & IP_VS_SIP_F_OVERSIZED);
            // The no-key fallback: the client (the datagram's source)
            // address and port, or the address only with the
            // sip-addr-only flag.
            const std::string client = addr_only ? d.src.str() : endpoint(d.src, d.sport);
            if (j) {
                j->field("found", found).field("call_id", id).field("oversized", oversized);
                j->key("fallback");
                if (found)
                    j->null();
                else
                    j->value(client);
            } else if (found) {
                out << "call-id " << printable(id)
                    << (oversized ? " (oversized: placed by hash, never bound)" : "");
            } else {
                out << "none (fallback: client " << client << ")";
            }
            return KeyResult{found, !found || (msg.flags & IP_VS_SIP_F_TRUNCATED)};
        });
}

std::string_view bytes(const ip_vs_radius_val& v) {
    return {reinterpret_cast<const char*>(v.p), v.len};
}

// What the radius scheduler makes of one datagram (kernel/ip_vs_radius_*).
struct RadiusView {
    int status = 0;
    ip_vs_radius_msg msg{};
    ip_vs_radius_key key{};
    bool challenge = false;  // an Access-Challenge: the director learns its State
    bool found = false;      // a key, a State to look up, or one to learn
    std::string nas_type, nas;
};

RadiusView radius_view(std::span<const unsigned char> payload) {
    RadiusView v;
    v.status = ip_vs_radius_parse(payload.data(), payload.size(), &v.msg);
    const bool parsed = v.status == IP_VS_RADIUS_OK || v.status == IP_VS_RADIUS_E_DUPSTATE;
    if (!parsed) return v;
    ip_vs_radius_key_of(&v.msg, &v.key);
    v.challenge = v.msg.code == IP_VS_RADIUS_ACCESS_CHALLENGE;
    const bool request = v.msg.code == IP_VS_RADIUS_ACCESS_REQUEST;
    v.found = v.key.kind != IP_VS_RADIUS_K_ADDR || ((request || v.challenge) && v.msg.state.len);
    // The NAS identity as the key holds it: type, length, value after
    // the kind byte (ip_vs_radius_key_of()).
    if (v.key.len < 2 || !v.key.buf[1]) return v;
    const unsigned char type = v.key.buf[1], n = v.key.buf[2];
    const unsigned char* p = v.key.buf + 3;
    char a[INET6_ADDRSTRLEN];
    if (type == IP_VS_RADIUS_A_NAS_IP && n == 4) {
        v.nas_type = "nas-ip";
        v.nas = inet_ntop(AF_INET, p, a, sizeof(a));
    } else if (type == IP_VS_RADIUS_A_NAS_IPV6 && n == 16) {
        v.nas_type = "nas-ipv6";
        v.nas = inet_ntop(AF_INET6, p, a, sizeof(a));
    } else {
        v.nas_type = "nas-id";
        v.nas = printable({reinterpret_cast<const char*>(p), n});
    }
    return v;
}

// The key's value: the attribute after the NAS identity.
std::string_view radius_value(const RadiusView& v) {
    switch (v.key.kind) {
        case IP_VS_RADIUS_K_CALLING:
            return bytes(v.msg.calling_id);
        case IP_VS_RADIUS_K_USER:
            return bytes(v.msg.user_name);
        case IP_VS_RADIUS_K_ACCT:
            return bytes(v.msg.acct_session);
        default:
            return {};
    }
}

// radius-key's fields of one datagram, as JSON or as the rest of its line;
// `client` is the no-key fallback when known (captures).
void radius_describe(const RadiusView& v, const std::string& client, Json* j, std::ostream& out) {
    const bool parsed = v.status == IP_VS_RADIUS_OK || v.status == IP_VS_RADIUS_E_DUPSTATE;
    const bool oversized = v.key.len > IP_VS_RADIUS_KEY_MAX;
    const std::string state = v.msg.state.len ? hex(v.msg.state.p, v.msg.state.len) : "";
    if (j) {
        j->field("found", v.found).field("status", ip_vs_radius_status_name(v.status));
        if (parsed)
            j->field("code", ip_vs_radius_code_name(v.msg.code))
                .field("code_num", unsigned{v.msg.code})
                .field("id", unsigned{v.msg.ident});
        j->field("kind", ip_vs_radius_kind_name(v.key.kind))
            .field("value", radius_value(v))
            .field("nas_type", v.nas_type)
            .field("nas", v.nas)
            .field("key", hex(v.key.buf, v.key.len))
            .field("oversized", oversized)
            .field("state", state);
        j->key("fallback");
        if (v.key.kind != IP_VS_RADIUS_K_ADDR || client.empty())
            j->null();
        else
            j->value(client);
        return;
    }
    const std::string fallback = client.empty() ? "client address" : "client " + client;
    if (!parsed) {
        out << "none (not a RADIUS message: " << ip_vs_radius_status_name(v.status)
            << "; fallback: " << fallback << ")";
        return;
    }
    out << ip_vs_radius_code_name(v.msg.code) << " id " << unsigned{v.msg.ident} << " ";
    if (v.challenge) {
        if (v.msg.state.len)
            out << "learns state " << state;
        else
            out << "none (no State to learn)";
        return;
    }
    if (v.key.kind == IP_VS_RADIUS_K_ADDR) {
        out << "none (fallback: " << fallback << ")";
    } else {
        out << ip_vs_radius_kind_name(v.key.kind) << " " << printable(radius_value(v)) << " "
            << (v.nas_type.empty() ? "no-nas" : v.nas_type + " " + v.nas);
        if (oversized) out << " (oversized: placed by hash, never bound)";
    }
    if (v.msg.state.len) out << " state " << state;
    if (v.status == IP_VS_RADIUS_E_DUPSTATE) out << " (two States: ignored)";
}

int radius_key_capture(const Args& a, Env& env, std::istream& in, std::vector<unsigned char> head,
                       const std::string& name) {
    return keys_capture(a, env, in, std::move(head), name, "with a key or State",
                        [](const pcap::Datagram& d, Json* j, std::ostream& out) {
                            const RadiusView v = radius_view(d.payload);
                            radius_describe(v, endpoint(d.src, d.sport), j, out);
                            return KeyResult{v.found, v.status == IP_VS_RADIUS_E_SHORT};
                        });
}

// Reads FILE (or standard input): a capture goes to `capture`, one
// datagram is returned in `data`. Returns -1 when `data` holds the datagram.
int read_key_input(const Args& a, Env& env, std::vector<unsigned char>& data,
                   int (*capture)(const Args&, Env&, std::istream&, std::vector<unsigned char>,
                                  const std::string&)) {
    std::ifstream file;
    std::istream* in = &std::cin;
    std::string name = "standard input";
    expect_end(a, a.pos.empty() ? 0 : 1);
    if (!a.pos.empty() && a.pos[0] != "-") {
        file.open(a.pos[0], std::ios::binary);
        if (!file) {
            env.err << "ipvs-udp: cannot read " << a.pos[0] << "\n";
            return kUsage;
        }
        in = &file;
        name = a.pos[0];
    }
    // A capture or one datagram: by the first bytes.
    std::vector<unsigned char> head(12);
    in->read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in->gcount()));
    if (pcap::detect(head) != pcap::Format::datagram)
        return capture(a, env, *in, std::move(head), name);
    if (in->bad()) {
        env.err << "ipvs-udp: cannot read " << name << "\n";
        return kUsage;
    }
    data = std::move(head);
    data.insert(data.end(), std::istreambuf_iterator<char>(*in), {});
    return -1;
}

int cmd_radius_key(const Args& a, Env& env) {
    std::vector<unsigned char> data;
    if (const int rc = read_key_input(a, env, data, radius_key_capture); rc >= 0) return rc;
    const RadiusView v = radius_view(data);
    if (a.json) {
        Json j;
        j.begin_object();
        radius_describe(v, "", &j, env.out);
        j.end_object();
        env.out << j.str() << "\n";
    } else {
        radius_describe(v, "", nullptr, env.out);
        env.out << "\n";
    }
    return v.found ? kOk : kNegative;
}

// A binding's key for people: the Call-ID, or what a radius key holds.
std::string key_text(const udp::Binding& b) {
    if (b.scheduler != "radius") return printable(b.key);
    const udp::RadiusKey k = udp::decode_radius_key(b.key);
    if (k.kind == "state") return "state " + hex(k.value);
    if (k.kind == "unknown") return "key " + hex(b.key);
    return k.kind + " " + printable(k.value) + " " +
           (k.nas_type.empty() ? "no-nas" : k.nas_type + " " + printable(k.nas));
}

int cmd_bindings(const Args& a, Env& env) {
    std::optional<ServiceKey> svc;
    std::size_t i = 0;
    if (!a.pos.empty()) svc = take_service(a.pos, i);
    expect_end(a, i);
    std::optional<udp::DestKey> dest;
    if (a.opt.count("--dest")) dest = dest_key(a.opt.at("--dest"), svc);
    const std::optional<std::string> key = key_option(a);
    if (key && !svc) throw UsageError{"a key needs a SERVICE"};
    if (key && dest) throw UsageError{"--dest filters a list, not one key"};
    TRY_UDP(c);
    auto fetched = fetch_bindings(c, svc, dest, key);
    if (!fetched) return report(fetched.error(), env);
    const std::vector<udp::Binding>& list = *fetched;
    if (a.json) {
        Json j;
        j.begin_object().key("bindings").begin_array();
        for (const auto& b : list) {
            j.begin_object().field("service", b.service.str()).field("scheduler", b.scheduler);
            j.field("key", hex(b.key));
            if (b.scheduler == "radius") {
                const udp::RadiusKey k = udp::decode_radius_key(b.key);
                j.field("kind", k.kind);
                if (k.kind == "state")
                    j.field("value", hex(k.value));
                else
                    j.field("value", k.value);
                const bool nas = !k.nas_type.empty();
                json_opt(j, "nas_type", nas ? std::optional(k.nas_type) : std::nullopt);
                json_opt(j, "nas", nas ? std::optional(k.nas) : std::nullopt);
            } else {
                j.field("call_id", b.call_id);
            }
            json_opt(j, "destination", b.dest ? std::optional(b.dest->str()) : std::nullopt);
            j.field("state", udp::binding_state_name(b)).field("age_ms", b.age_ms);
            j.field("idle_ms", b.idle_ms).field("expires_ms", b.expires_ms).end_object();
        }
        j.end_array().end_object();
        env.out << j.str() << "\n";
    } else {
        Table t({"service", "scheduler", "key", "destination", "state", "age", "idle", "expires"});
        for (const auto& b : list)
            t.row({b.service.str(), b.scheduler, key_text(b), b.dest ? b.dest->str() : "(moving)",
                   std::string(udp::binding_state_name(b)), ms_str(b.age_ms), ms_str(b.idle_ms),
                   ms_str(b.expires_ms)});
        t.print(env.out);
        env.out << list.size() << " binding" << (list.size() == 1 ? "" : "s") << "\n";
    }
    return key && list.empty() ? kNegative : kOk;
}

// "--conversation-timeout 30" and friends.
int cmd_radius_settings(const Args& a, Env& env) {
    std::size_t i = 0;
    ServiceKey svc = take_service(a.pos, i);
    expect_end(a, i);
    udp::RadiusSettings set;
    bool change = u32_option(a, "--conversation-timeout", set.conversation_timeout);
    change |= u32_option(a, "--acct-timeout", set.acct_timeout);
    change |= keyed_options(a, set);
    TRY_UDP(c);
    if (change)
        if (auto r = c.radius_set(svc, set); !r) return report(r.error(), env);
    auto s = c.radius_get(svc);
    if (!s) return report(s.error(), env);
    const auto& st = s->settings;
    drain_note(env, "radius", svc, set.drain_policy, st.svc_flags);
    if (a.json) {
        Json j;
        j.begin_object().field("service", s->service.str()).key("settings").begin_object();
        json_opt(j, "conversation_timeout", st.conversation_timeout);
        json_opt(j, "acct_timeout", st.acct_timeout);
        json_keyed_settings(j, st);
        j.end_object().key("counters").begin_object();
        for (const auto& fld : udp::radius_counter_fields())
            j.field(fld.name, s->counters.*fld.member);
        j.end_object().end_object();
        env.out << j.str() << "\n";
        return kOk;
    }
    auto v = [](const std::optional<std::uint32_t>& x) { return x ? std::to_string(*x) : "-"; };
    const auto& k = s->counters;
    env.out << s->service.str() << ": conversation-timeout " << v(st.conversation_timeout)
            << " s, acct-timeout " << v(st.acct_timeout) << " s"
            << (st.acct_timeout && !*st.acct_timeout ? " (accounting hashed, not bound)" : "")
            << ", max-bindings " << v(st.max_bindings) << ", drain-policy "
            << drain_text("radius", st.drain_policy, st.svc_flags) << ", seed "
            << (st.seed ? std::to_string(*st.seed) : "-") << "\n"
            << "bindings " << k.bindings << ", messages " << k.messages << ", hits " << k.hits
            << ", learned " << k.learned << ", state-hits " << k.state_hits << ", refused "
            << k.refused << ", moved " << k.moved << "\n"
            << "by client address: short " << k.too_short << ", length " << k.bad_length
            << ", attr " << k.bad_attr << ", toomany " << k.too_many << ", notreq " << k.not_request
            << ", status " << k.status_server << ", nokey " << k.nokey << ", unparsed "
            << k.unparsed << "\n";
    return kOk;
}

int cmd_sip_callid(const Args& a, Env& env) {
    std::vector<unsigned char> data;
    if (const int rc = read_key_input(a, env, data, sip_callid_capture); rc >= 0) return rc;
    ip_vs_sip_msg msg{};
    const bool found = ip_vs_sip_parse(data.data(), data.size(), &msg) == 0;
    std::string_view id =
        found ? std::string_view(reinterpret_cast<const char*>(msg.callid), msg.callid_len) : "";
    if (a.json) {
        Json j;
        j.begin_object().key("call_id");
        if (found)
            j.value(id);
        else
            j.value("");
        j.field("found", found).end_object();
        env.out << j.str() << "\n";
    } else {
        env.out << (found ? id : "none") << "\n";
    }
    return found ? kOk : kNegative;
}

const std::set<std::string> kServiceValued{"--scheduler", "--pe", "--persistent", "--netmask",
                                           "--sched-flags"};
const std::set<std::string> kServiceFlags{"--one-packet", "--no-one-packet", "--no-pe",
                                          "--flag-1",     "--no-flag-1",     "--flag-2",
                                          "--no-flag-2",  "--flag-3",        "--no-flag-3"};
const std::set<std::string> kDestValued{"--weight", "--method", "--upper", "--lower"};

const std::string kServiceOptions =
    "  --scheduler NAME   scheduler (sip, radius, lor, rr, wlc, ...)\n"
    "  --pe NAME          persistence engine (reply, sip); --no-pe removes it\n"
    "  --one-packet, --no-one-packet   one-packet scheduling (-o)\n"
    "  --persistent SECONDS            persistence timeout (-p), 0 turns it off\n"
    "  --netmask MASK     persistence netmask: 255.255.255.0 or /24 (IPv4), /64 (IPv6)\n"
    "  --sched-flags LIST scheduler flags, replacing the service's (-b LIST): by name\n"
    "                     (sip-move-quiesced, sip-addr-only, sip-stateless; radius-...;\n"
    "                     sh-fallback, sh-port; mh-fallback, mh-port) or flag-1|2|3\n"
    "  --flag-1|2|3, --no-flag-1|2|3   one scheduler flag on or off; for sip and\n"
    "                     radius: 1 moves bindings off quiesced servers, 2 keys\n"
    "                     keyless datagrams by address only, 3 stateless\n";

const std::string kServiceArg =
    "SERVICE is PROTO ADDRESS:PORT (udp 10.0.100.1:5060, tcp [fd00::1]:80) or\n"
    "fwmark MARK / fwmark6 MARK; udp:10.0.100.1:5060 in one word works too.\n";

const std::vector<Command>& commands() {
    static const std::vector<Command> cmds = {
        {"service add", "service add KIND SERVICE [OPTIONS]",
         "Add a virtual service in one line. KIND picks our scheduler and engine:\n"
         "  sip      -s sip -o (Call-ID affinity, one-packet scheduling)\n"
         "  radius   -s radius -o --pe reply (EAP conversations and accounting\n"
         "           sessions kept together, States learned from challenges)\n"
         "  dns, reply   -s rr -o --pe reply (with --scheduler lor: least\n"
         "           outstanding requests)\n"
         "  plain    -s wlc, no flags (stock IPVS)\n" +
             kServiceArg + "Options:\n" + kServiceOptions,
         kServiceValued, kServiceFlags, cmd_service_add},
        {"service edit", "service edit SERVICE [OPTIONS]",
         "Change settings of a service; what is not given stays.\n" + kServiceArg + "Options:\n" +
             kServiceOptions,
         kServiceValued, kServiceFlags, cmd_service_edit},
        {"service del",
         "service del SERVICE",
         "Delete a virtual service and its destinations.\n" + kServiceArg,
         {},
         {},
         cmd_service_del},
        {"dest add",
         "dest add SERVICE RIP[:PORT] [OPTIONS]",
         "Add a real server (destination) to a service; PORT defaults to the service's.\n" +
             kServiceArg +
             "Options:\n"
             "  --method route|nat|tunnel   forwarding method (default route, i.e. -g)\n"
             "  --weight N         weight (default 1; 0 quiesces the server)\n"
             "  --upper N, --lower N        connection thresholds\n",
         kDestValued,
         {},
         cmd_dest_add},
        {"dest edit",
         "dest edit SERVICE RIP[:PORT] [OPTIONS]",
         "Change a destination's weight, method or thresholds (options as dest add).\n",
         kDestValued,
         {},
         cmd_dest_edit},
        {"dest del",
         "dest del SERVICE RIP[:PORT]",
         "Remove a destination. With the sip scheduler its calls move to the other\n"
         "servers on their next datagram.\n",
         {},
         {},
         cmd_dest_del},
        {"status",
         "status [SERVICE]",
         "Virtual services with their flags, schedulers, engines and destinations.\n",
         {},
         {},
         cmd_status},
        {"conns",
         "conns",
         "IPVS connection entries (/proc/net/ip_vs_conn, as ipvsadm -Lnc).\n",
         {},
         {},
         cmd_conns},
        {"timeouts",
         "timeouts [--tcp S] [--tcpfin S] [--udp S]",
         "Show (and set) IPVS connection timeouts.\n",
         {"--tcp", "--tcpfin", "--udp"},
         {},
         cmd_timeouts},
        {"stats",
         "stats [--prometheus]",
         "Traffic counters of services and destinations; --prometheus prints the\n"
         "Prometheus text exposition format.\n",
         {},
         {"--prometheus"},
         cmd_stats},
        {"calls",
         "calls [SERVICE] [--dest RIP:PORT] [--call-id ID]",
         "Call-ID bindings of the sip scheduler: of every sip service, of one, of one\n"
         "real server (--dest), or of one Call-ID (--call-id, needs SERVICE; exit 1\n"
         "when it is not bound). Columns: service, Call-ID, real server, state\n"
         "(transaction, early, dialog, linger), age, idle time, time to expiry.\n",
         {"--dest", "--call-id"},
         {},
         cmd_calls},
        {"flush",
         "flush SERVICE [--dest RIP[:PORT]] [--call-id ID | --state HEX | --key HEX]",
         "Remove bindings of a sip or radius service: all, those of one real server\n"
         "(do this before taking it down), or one key: a Call-ID, a radius State\n"
         "(--state, in hex), or any key as 'bindings' shows it (--key, in hex).\n"
         "Their calls or conversations are placed afresh at their next message.\n"
         "Prints how many were removed.\n",
         {"--dest", "--call-id", "--state", "--key"},
         {},
         cmd_flush},
        {"bindings",
         "bindings [SERVICE] [--dest RIP:PORT] [--call-id ID | --state HEX | --key HEX]",
         "Bindings of the keyed-affinity schedulers (sip and radius): of every such\n"
         "service, of one, of one real server (--dest), or of one key (needs\n"
         "SERVICE; exit 1 when it is not bound). Columns: service, scheduler, key,\n"
         "real server, state, age, idle time, time to expiry. A radius key shows\n"
         "its kind (calling-station-id, user-name, acct-session-id, with the NAS\n"
         "identity; or a State in hex); the state is conversation, state or acct.\n",
         {"--dest", "--call-id", "--state", "--key"},
         {},
         cmd_bindings},
        {"servers",
         "servers [RIP:PORT]",
         "Reply accounting of the reply engine per real server: requests, replies,\n"
         "unanswered requests, timeouts, late replies, outstanding requests and the\n"
         "smoothed latency.\n",
         {},
         {},
         cmd_servers},
        {"monitor",
         "monitor [-t] [--count N] [--timeout SECONDS]",
         "Print notifications of the ipvs_udp \"events\" group as they come, like ip\n"
         "monitor: a real server's bindings moved (removed, or quiesced under the\n"
         "move policy), bindings flushed, reply timeouts over the threshold. -t\n"
         "(--timestamp) starts each line with the time (UTC, microseconds). --count\n"
         "stops after N events (exit 1 if fewer came), --timeout after SECONDS. One\n"
         "JSON object per line with --json; absent values are null. When the kernel\n"
         "drops events (receive buffer overrun) an 'overrun' line follows, then a\n"
         "'resync' line per real server with its reply timeouts and outstanding\n"
         "requests as they are now, and monitoring goes on. The banner goes to\n"
         "standard error.\n",
         {"--count", "--timeout"},
         {"--timestamp", "-t"},
         cmd_monitor},
        {"watch",
         "watch [-t] [--count N] [--timeout SECONDS]",
         "The first name of monitor; the same command.\n",
         {"--count", "--timeout"},
         {"--timestamp", "-t"},
         cmd_monitor},
        {"sip-settings",
         "sip-settings SERVICE [--dialog-timeout S] [--early-timeout S] "
         "[--transaction-timeout S] [--linger-timeout S] [--max-bindings N] "
         "[--drain-policy drain|move] [--seed N]",
         "Show (and change) the sip scheduler's settings and counters of a service.\n"
         "Timeouts in seconds; --max-bindings caps the binding table (more calls are\n"
         "placed by hash only); --drain-policy move moves calls off quiesced servers;\n"
         "--seed sets the consistent-hash seed (directors that must agree need the\n"
         "same one): new calls are placed by it at once, bound calls stay.\n",
         {"--dialog-timeout", "--early-timeout", "--transaction-timeout", "--linger-timeout",
          "--max-bindings", "--drain-policy", "--seed"},
         {},
         cmd_sip_settings},
        {"radius-settings",
         "radius-settings SERVICE [--conversation-timeout S] [--acct-timeout S] "
         "[--max-bindings N] [--drain-policy drain|move] [--seed N]",
         "Show (and change) the radius scheduler's settings and counters of a\n"
         "service. --conversation-timeout: idle seconds before a login's bindings\n"
         "(its conversation key and its States) expire; --acct-timeout: idle seconds\n"
         "an accounting session stays bound (0: placed by the hash, never bound);\n"
         "--max-bindings, --drain-policy and --seed as for sip-settings.\n",
         {"--conversation-timeout", "--acct-timeout", "--max-bindings", "--drain-policy", "--seed"},
         {},
         cmd_radius_settings},
        {"reply-settings",
         "reply-settings [SERVICE] [--timeout-ms MS] [--max-requests N] [--timeout-threshold N] "
         "[--strict on|off] [--txid-match on|off] [--reset]",
         "Show (and change) the reply engine's settings of this network namespace:\n"
         "how long a request waits for its reply, how many are recorded, after how\n"
         "many new timeouts of a server a reply-timeouts event is sent, strictness\n"
         "and transaction matching. With SERVICE: the settings in effect for that\n"
         "service, and --timeout-ms, --strict, --txid-match for it alone (--reset\n"
         "drops them; 'service del' does too). --strict off gives the VIP to\n"
         "anything a real server sends from its service port, as upstream's sip\n"
         "engine does (for servers that also send requests of their own); not the\n"
         "default. --txid-match off matches replies by addresses and ports only.\n",
         {"--timeout-ms", "--max-requests", "--timeout-threshold", "--strict", "--txid-match"},
         {"--reset"},
         cmd_reply_settings},
        {"metrics",
         "metrics [--output FILE]",
         "Prometheus metrics of our modules for node_exporter's textfile collector:\n"
         "sip and radius services, the reply engine (per real server, latency as a\n"
         "histogram in seconds), ICMP from the VIP, an ipvs_udp_service_info metric\n"
         "per IPVS service (scheduler, engine, flags) and ipvs_udp_up. IPVS's own\n"
         "traffic counters are node_exporter's ipvs collector's. --output writes\n"
         "FILE as a whole (temporary file, then rename), as the\n"
         "ipvs-udp-metrics.timer does every 15 s.\n",
         {"--output"},
         {},
         cmd_metrics},
        {"counters",
         "counters [SERVICE]",
         "Counters of our modules (sip and radius per service, reply engine, ICMP\n"
         "from the VIP),\n"
         "in the Prometheus text format (JSON with --json).\n",
         {},
         {},
         cmd_counters},
        {"sip-callid",
         "sip-callid [FILE] [--addr-only]",
         "Print the key the sip scheduler uses for one SIP datagram (FILE or standard\n"
         "input, the UDP payload): its Call-ID, or \"none\" (exit 1) when it has none.\n"
         "The kernel's own parser reads the header section, as in ip_vs_sip.ko.\n"
         "A packet capture (pcap or pcapng, told by its first bytes; Ethernet, Linux\n"
         "cooked SLL/SLL2, raw IP or loopback; IPv4 and IPv6 with extension headers)\n"
         "gives one line per UDP datagram: frame number, source -> destination, and\n"
         "\"call-id ID\" or \"none (fallback: client ADDRESS:PORT)\": without a Call-ID\n"
         "the scheduler places a datagram by the hash of its client's address and\n"
         "port (--addr-only: address only, the sip-addr-only flag / flag-2). Bytes\n"
         "that are not printable (spaces too) show as \\xHH. Fragments after the\n"
         "first and broken headers show as \"not parseable\"; a first fragment or a\n"
         "datagram cut by the snap length is marked, as the kernel would see the whole\n"
         "datagram. Other frames are skipped; a summary goes to standard error. Exit\n"
         "status for captures: 0 some datagram has a Call-ID, 1 none has, 2 unreadable\n"
         "or corrupt capture (the datagrams before the damage are printed).\n",
         {},
         {"--addr-only"},
         cmd_sip_callid},
        {"radius-key",
         "radius-key [FILE]",
         "Print what the radius scheduler makes of one RADIUS datagram (FILE or\n"
         "standard input, the UDP payload), with the kernel's own parser: the Code\n"
         "and Identifier, then for a request its key (calling-station-id,\n"
         "user-name or acct-session-id, the value and the NAS identity: nas-ip,\n"
         "nas-ipv6, nas-id or no-nas) and the State it carries (hex), which the\n"
         "director looks up among the States it learned; for an Access-Challenge\n"
         "the State it learns. \"none\" (exit 1) when the scheduler places the\n"
         "datagram by its client's address and port: Status-Server, a request\n"
         "without those attributes, or a datagram that is not a RADIUS message\n"
         "(the reason is named: short, length, attr, toomany). A packet capture\n"
         "gives one line per UDP datagram, as for sip-callid. Exit status for\n"
         "captures: 0 some datagram has a key or a State, 1 none has, 2\n"
         "unreadable or corrupt capture.\n",
         {},
         {},
         cmd_radius_key},
    };
    return cmds;
}

// The words an option's value may be, for completion ("" when any).
std::string option_values(const std::string& opt) {
    static const std::map<std::string, std::string> v = {
        {"--drain-policy", "drain move"},
        {"--strict", "on off"},
        {"--txid-match", "on off"},
        {"--method", "route nat tunnel"},
        {"--scheduler", "sip radius lor rr wrr lc wlc sh mh"},
        {"--pe", "reply sip"},
    };
    auto it = v.find(opt);
    return it == v.end() ? "" : it->second;
}

// A bash completion script from the command table: the same names and
// options as the parser (ipvs-udp completion bash).
void print_bash_completion(std::ostream& os) {
    std::set<std::string> first;
    std::map<std::string, std::set<std::string>> subs;
    for (const auto& c : commands()) {
        const auto sp = c.name.find(' ');
        first.insert(c.name.substr(0, sp));
        if (sp != std::string::npos) subs[c.name.substr(0, sp)].insert(c.name.substr(sp + 1));
    }
    first.insert("help");
    first.insert("version");
    first.insert("completion");
    auto join = [](const std::set<std::string>& w) {
        std::string o;
        for (const auto& x : w) o += (o.empty() ? "" : " ") + x;
        return o;
    };
    os << "# bash completion for ipvs-udp, generated by 'ipvs-udp completion bash'\n"
          "# from the command table the parser uses.\n"
          "_ipvs_udp() {\n"
          "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
          "\tlocal i w cmd= sub= n=0\n"
          "\tCOMPREPLY=()\n"
          "\t# the command's words, past the global options\n"
          "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
          "\t\tw=${COMP_WORDS[i]}\n"
          "\t\tcase $w in -*) continue ;; esac\n"
          "\t\tif [ -z \"$cmd\" ]; then cmd=$w; n=1\n"
          "\t\telif [ -z \"$sub\" ] && [ $n = 1 ]; then sub=$w; n=2; fi\n"
          "\tdone\n"
          "\tif [ -z \"$cmd\" ]; then\n"
          "\t\tCOMPREPLY=($(compgen -W \"--json --help --version "
       << join(first)
       << "\" -- \"$cur\"))\n"
          "\t\treturn\n"
          "\tfi\n"
          "\tcase $cmd in\n";
    for (const auto& [g, ws] : subs)
        os << "\t" << g << ")\n\t\tif [ -z \"$sub\" ]; then\n\t\t\tCOMPREPLY=($(compgen -W \""
           << join(ws) << "\" -- \"$cur\"))\n\t\t\treturn\n\t\tfi\n\t\tcmd=\"$cmd $sub\" ;;\n";
    os << "\thelp) COMPREPLY=($(compgen -W \"" << join(first) << "\" -- \"$cur\")); return ;;\n"
       << "\tesac\n"
          "\t# an option's value\n"
          "\tcase $prev in\n";
    std::set<std::string> valued;
    for (const auto& c : commands()) valued.insert(c.valued.begin(), c.valued.end());
    for (const auto& o : valued) {
        std::string words = option_values(o);
        if (o == "--sched-flags") {
            std::set<std::string> names{"flag-1", "flag-2", "flag-3"};
            for (const auto& n : kSchedFlagNames) names.insert(std::string(n.name));
            words = join(names);
        }
        os << "\t" << o << ") COMPREPLY=($(compgen -W \"" << words
           << "\" -- \"$cur\")); return ;;\n";
    }
    os << "\tesac\n"
          "\tcase $cmd in\n";
    for (const auto& c : commands()) {
        std::set<std::string> opts(c.valued.begin(), c.valued.end());
        opts.insert(c.flags.begin(), c.flags.end());
        opts.insert("--help");
        opts.insert("--json");
        os << "\t\"" << c.name << "\") w=\"" << join(opts) << "\" ;;\n";
    }
    os << "\t*) w=--help ;;\n"
          "\tesac\n"
          "\tif [[ $cur == -* ]]; then\n"
          "\t\tCOMPREPLY=($(compgen -W \"$w\" -- \"$cur\"))\n"
          "\telse\n"
          "\t\tcase $cmd in sip-callid | radius-key) COMPREPLY=($(compgen -f -- \"$cur\")) ;; "
          "esac\n"
          "\tfi\n"
          "}\n"
          "complete -F _ipvs_udp ipvs-udp\n";
}

void usage(std::ostream& os) {
    os << "usage: ipvs-udp [--json] COMMAND [ARGS...]\n\nCommands:\n";
    for (const auto& c : commands()) os << "  " << c.synopsis << "\n";
    os << "  help [COMMAND]\n  version\n  completion bash\n\n"
       << kServiceArg
       << "\n--json prints JSON instead of tables. `ipvs-udp COMMAND --help` for details.\n"
       << "Exit status: 0 success, 1 not found / no key, 2 usage error, 3 module not\n"
          "loaded, 4 permission denied (needs CAP_NET_ADMIN), 5 other kernel error.\n";
}

}  // namespace

std::vector<std::string> command_names() {
    std::vector<std::string> v;
    for (const auto& c : commands()) v.push_back(c.name);
    return v;
}

Args parse_args(const std::vector<std::string_view>& words, const std::set<std::string>& valued,
                const std::set<std::string>& flags) {
    Args a;
    bool only_pos = false;
    for (std::size_t i = 0; i < words.size(); i++) {
        std::string w(words[i]);
        if (only_pos || w.size() < 2 || w[0] != '-' || w == "-") {
            a.pos.push_back(w);
            continue;
        }
        if (w == "--") {
            only_pos = true;
            continue;
        }
        std::string val;
        bool has_val = false;
        if (auto eq = w.find('='); eq != std::string::npos && w.starts_with("--")) {
            val = w.substr(eq + 1);
            w = w.substr(0, eq);
            has_val = true;
        }
        if (w == "--json" || w == "-j") {
            a.json = true;
        } else if (w == "--help" || w == "-h") {
            a.help = true;
        } else if (valued.count(w)) {
            if (!has_val) {
                if (i + 1 >= words.size()) throw UsageError{w + " needs a value"};
                val = std::string(words[++i]);
            }
            a.opt[w] = val;
        } else if (flags.count(w) && !has_val) {
            a.flags.insert(w);
        } else {
            throw UsageError{"unknown option '" + w + "'"};
        }
    }
    return a;
}

ServiceKey take_service(const std::vector<std::string>& pos, std::size_t& i) {
    if (i >= pos.size()) throw UsageError{"missing SERVICE (e.g. udp 10.0.100.1:5060)"};
    std::string text = pos[i];
    if ((text == "udp" || text == "tcp" || text == "fwmark" || text == "fwmark6") &&
        i + 1 < pos.size()) {
        text += ":" + pos[i + 1];
        i++;
    }
    auto k = ServiceKey::parse(text);
    if (!k)
        throw UsageError{"bad service '" + text +
                         "' (e.g. udp 10.0.100.1:5060, udp [fd00::1]:53, fwmark 1)"};
    i++;
    return *k;
}

HostPort parse_hostport(std::string_view s) {
    HostPort hp;
    std::string_view host = s, port;
    if (s.starts_with("[")) {
        auto close = s.find(']');
        if (close == std::string_view::npos)
            throw UsageError{"bad address '" + std::string(s) + "'"};
        host = s.substr(1, close - 1);
        if (close + 1 < s.size()) {
            if (s[close + 1] != ':') throw UsageError{"bad address '" + std::string(s) + "'"};
            port = s.substr(close + 2);
        }
    } else if (std::count(s.begin(), s.end(), ':') == 1) {
        host = s.substr(0, s.find(':'));
        port = s.substr(s.find(':') + 1);
    }
    auto a = Address::parse(host);
    if (!a) throw UsageError{"bad address '" + std::string(s) + "'"};
    hp.address = *a;
    if (!port.empty()) {
        auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), hp.port);
        if (ec != std::errc{} || p != port.data() + port.size() || hp.port == 0)
            throw UsageError{"bad port in '" + std::string(s) + "'"};
    }
    return hp;
}

int run(const std::vector<std::string_view>& argv, Env& env) {
    std::vector<std::string_view> args;
    bool json = false;
    // Global options before the command.
    std::size_t i = 0;
    for (; i < argv.size() && argv[i].starts_with("-"); i++) {
        if (argv[i] == "--json" || argv[i] == "-j") {
            json = true;
        } else if (argv[i] == "--help" || argv[i] == "-h") {
            usage(env.out);
            return kOk;
        } else if (argv[i] == "--version") {
            env.out << "ipvs-udp " << IPVS_UDP_VERSION << "\n";
            return kOk;
        } else {
            env.err << "ipvs-udp: unknown option '" << argv[i] << "' (see ipvs-udp help)\n";
            return kUsage;
        }
    }
    args.assign(argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end());
    if (args.empty()) {
        usage(env.err);
        return kUsage;
    }
    if (args[0] == "help") {
        if (args.size() > 1) {
            std::string want(args[1]);
            if (args.size() > 2) want += " " + std::string(args[2]);
            bool found = false;
            for (const auto& c : commands())
                if (c.name == want || c.name.starts_with(want + " ")) {
                    env.out << "usage: ipvs-udp " << c.synopsis << "\n\n" << c.help;
                    found = true;
                }
            if (!found) {
                env.err << "ipvs-udp: no command '" << want << "'; commands:";
                for (const auto& n : command_names()) env.err << " " << n << ",";
                env.err << " help, version\n";
                return kUsage;
            }
            return kOk;
        }
        usage(env.out);
        return kOk;
    }
    if (args[0] == "completion") {
        if (args.size() == 2 && args[1] == "bash") {
            print_bash_completion(env.out);
            return kOk;
        }
        env.err << "usage: ipvs-udp completion bash\n";
        return kUsage;
    }
    if (args[0] == "version") {
        env.out << "ipvs-udp " << IPVS_UDP_VERSION << "\n";
        return kOk;
    }
    const Command* cmd = nullptr;
    std::size_t used = 1;
    for (const auto& c : commands()) {
        if (args.size() >= 2 && c.name == std::string(args[0]) + " " + std::string(args[1])) {
            cmd = &c;
            used = 2;
            break;
        }
        if (c.name == args[0]) cmd = &c;
    }
    if (!cmd) {
        bool group = false;
        for (const auto& c : commands())
            if (c.name.starts_with(std::string(args[0]) + " ")) {
                if (!group) env.err << "ipvs-udp: " << args[0] << " needs a subcommand:\n";
                group = true;
                env.err << "  ipvs-udp " << c.synopsis << "\n";
            }
        if (!group)
            env.err << "ipvs-udp: unknown command '" << args[0] << "' (see ipvs-udp help)\n";
        return kUsage;
    }
    try {
        Args a = parse_args({args.begin() + static_cast<std::ptrdiff_t>(used), args.end()},
                            cmd->valued, cmd->flags);
        a.json = a.json || json;
        if (a.help) {
            env.out << "usage: ipvs-udp " << cmd->synopsis << "\n\n" << cmd->help;
            return kOk;
        }
        return cmd->fn(a, env);
    } catch (const UsageError& u) {
        env.err << "ipvs-udp " << cmd->name << ": " << u.what << "\nusage: ipvs-udp "
                << cmd->synopsis << " (see ipvs-udp " << cmd->name << " --help)\n";
        return kUsage;
    }
}

}  // namespace ipvsudp::cli
