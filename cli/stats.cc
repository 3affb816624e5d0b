// SPDX-License-Identifier: GPL-2.0
//
// Counters: stats (tables, JSON), metrics (Prometheus for node_exporter's
// textfile collector) and the old counters.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "internal.h"

namespace ipvsudp::cli {

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

namespace {

// Each module's counters by name, in the order JSON and the stats table
// give them (the names are docs/json.md's).
using Fields = std::vector<std::pair<std::string_view, std::uint64_t>>;

Fields sip_fields(const udp::SipCounters& s) {
    return {{"bindings", s.bindings}, {"messages", s.messages},   {"parsed", s.parsed},
            {"nokey", s.nokey},       {"oversized", s.oversized}, {"hits", s.hits},
            {"created", s.created},   {"expired", s.expired},     {"moved", s.moved},
            {"refused", s.refused},   {"ended", s.ended},         {"nodest", s.nodest},
            {"toolong", s.toolong}};
}

Fields radius_fields(const udp::RadiusCounters& s) {
    Fields f;
    for (const auto& x : udp::radius_counter_fields()) f.emplace_back(x.name, s.*x.member);
    return f;
}

Fields reply_fields(const udp::ReplyCounters& x) {
    return {{"requests", x.requests}, {"refused", x.refused},
            {"replies", x.replies},   {"duplicates", x.duplicates},
            {"late", x.late},         {"unsolicited", x.unsolicited},
            {"timeouts", x.timeouts}, {"no_conn", x.no_conn},
            {"records", x.records},   {"dests", x.dests}};
}

Fields icmp_fields(const udp::IcmpVipCounters& x) {
    return {{"rewritten_v4", x.rewritten_v4},
            {"rewritten_v6", x.rewritten_v6},
            {"generated_v4", x.generated_v4},
            {"already_vip", x.already_vip},
            {"duplicates", x.duplicates},
            {"ratelimited", x.ratelimited},
            {"failed", x.failed}};
}

// {"sip": [...], "radius": [...], "reply": {...}, "icmp_vip": {...}}
void json_counters(Json& j, const udp::Counters& r) {
    auto fields = [&j](const Fields& f) {
        for (const auto& [k, v] : f) j.field(k, v);
    };
    j.begin_object().key("sip").begin_array();
    for (const auto& [k, s] : r.sip) {
        j.begin_object().field("service", k.str());
        fields(sip_fields(s));
        j.end_object();
    }
    j.end_array().key("radius").begin_array();
    for (const auto& [k, s] : r.radius) {
        j.begin_object().field("service", k.str());
        fields(radius_fields(s));
        j.end_object();
    }
    j.end_array();
    if (r.reply) {
        j.key("reply").begin_object();
        fields(reply_fields(*r.reply));
        j.end_object();
    }
    if (r.icmp_vip) {
        j.key("icmp_vip").begin_object().field("enabled", r.icmp_vip->enabled);
        fields(icmp_fields(*r.icmp_vip));
        j.end_object();
    }
    j.end_object();
}

// The same as rows: module, service ("-" for the namespace's), counter, value.
void counter_rows(Table& t, const udp::Counters& r) {
    auto rows = [&t](const std::string& m, const std::string& svc, const Fields& f) {
        for (const auto& [k, v] : f) t.row({m, svc, std::string(k), std::to_string(v)});
    };
    for (const auto& [k, s] : r.sip) rows("sip", k.str(), sip_fields(s));
    for (const auto& [k, s] : r.radius) rows("radius", k.str(), radius_fields(s));
    if (r.reply) rows("reply", "-", reply_fields(*r.reply));
    if (r.icmp_vip && r.icmp_vip->enabled) rows("icmp-vip", "-", icmp_fields(*r.icmp_vip));
}

// The old `counters`: Prometheus text (JSON with --json).
int cmd_counters(const Args& a, Env& env) {
    const std::optional<ServiceKey> svc = optional_service(a);
    TRY_UDP(c);
    auto r = c.counters(svc);
    if (!r) return report(r.error(), env);
    if (a.json) {
        Json j;
        json_counters(j, *r);
        env.out << j.str() << "\n";
        return kOk;
    }
    Prometheus p;
    add_udp_metrics(p, *r);
    p.print(env.out);
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

// IPVS's traffic counters of services and real servers, then our modules'
// counters (when they are loaded); --prometheus: both as Prometheus text.
int cmd_stats(const Args& a, Env& env) {
    const std::optional<ServiceKey> only = optional_service(a);
    TRY_CLIENT(c);
    auto found = services_of(c, only);
    if (!found) return report(found.error(), env);
    std::vector<ipvs::Service> svcs = std::move(*found);
    Prometheus p;
    Json j;
    j.begin_object().key("services").begin_array();
    Table t({"service", "destination", "conns", "inpkts", "outpkts", "inbytes", "outbytes"});
    for (const auto& s : svcs) {
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
            const std::map<std::string, std::string> dl{{"service", s.key.str()},
                                                        {"destination", d.str()}};
            prom_stats(p, "ipvs_destination", "real server", dl, d.stats);
            p.add("ipvs_destination_weight", "gauge", "Weight of the real server", dl, d.weight);
            p.add("ipvs_destination_active_connections", "gauge", "Active connections", dl,
                  d.active_conns);
            p.add("ipvs_destination_inactive_connections", "gauge", "Inactive connections", dl,
                  d.inactive_conns);
            j.begin_object().field("destination", d.str());
            json_stats(j, d.stats);
            j.end_object();
            row(s.key.str(), d.str(), d.stats);
        }
        j.end_array().end_object();
    }
    j.end_array();
    // Our modules' counters, when they are loaded (null in JSON when not).
    std::optional<udp::Counters> mods;
    std::optional<std::vector<udp::ReplyDest>> rdests;
    if (auto u = env.udp()) {
        auto uc = u->counters(only);
        if (!uc && !uc.error().family_missing) return report(uc.error(), env);
        if (uc) mods = std::move(*uc);
        if (auto ud = u->reply_dests()) rdests = std::move(*ud);
    } else if (!u.error().family_missing) {
        return report(u.error(), env);
    }
    if (a.flags.count("--prometheus")) {
        if (mods) add_udp_metrics(p, *mods);
        if (rdests) add_reply_dest_metrics(p, *rdests);
        p.print(env.out);
        return kOk;
    }
    if (a.json) {
        j.key("counters");
        if (mods)
            json_counters(j, *mods);
        else
            j.null();
        env.out << j.end_object().str() << "\n";
        return kOk;
    }
    t.print(env.out);
    if (mods) {
        Table m({"module", "service", "counter", "value"});
        counter_rows(m, *mods);
        env.out << "\n";
        m.print(env.out);
    }
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

}  // namespace

std::vector<Command> stats_commands() {
    return {
        {"stats",
         "",
         "[SERVICE]",
         "Counters as tables: IPVS's traffic counters of every service (or one) and\n"
         "its real servers, then our modules' counters (sip and radius per service,\n"
         "the reply engine, ICMP from the VIP) when they are loaded. With --json:\n"
         "{\"services\": [...], \"counters\": {...} or null}.\n",
         {{"--prometheus", "",
           "both in the Prometheus text format, IPVS's included (the metrics\n"
           "command leaves those to node_exporter's ipvs collector)",
           ""}},
         cmd_stats},
        {"metrics",
         "",
         "",
         "Prometheus metrics of our modules for node_exporter's textfile collector:\n"
         "sip and radius services, the reply engine (per real server, latency as a\n"
         "histogram in seconds), ICMP from the VIP, an ipvs_udp_service_info metric\n"
         "per IPVS service (scheduler, engine, flags) and ipvs_udp_up. IPVS's own\n"
         "traffic counters are node_exporter's ipvs collector's.\n",
         {{"--output", "FILE",
           "write FILE as a whole (temporary file, then rename), as the\n"
           "ipvs-udp-metrics.timer does every 15 s",
           ""}},
         cmd_metrics,
         "",
         true},
        {"counters",
         "",
         "[SERVICE]",
         "",
         {},
         cmd_counters,
         "stats (tables) or metrics (Prometheus)"},
    };
}

}  // namespace ipvsudp::cli
