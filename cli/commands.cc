// SPDX-License-Identifier: GPL-2.0
//
// The ipvs-udp commands: IPVS services and destinations in one line each
// with our schedulers and engine, status, connections, timeouts, stats.
#include <cerrno>
#include <charconv>
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli.h"
#include "output.h"

extern "C" {
#include "ip_vs_sip_parse.h"
}

namespace ipvsudp::cli {

namespace {

struct Command {
    std::string name;
    std::string synopsis;
    std::string help;
    std::set<std::string> valued, flags;
    std::function<int(const Args&, Env&)> fn;
};

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
    if (e.family_missing) {
        env.err << "ipvs-udp: IPVS is not loaded in this kernel; load it with: modprobe ip_vs\n";
        return kNotLoaded;
    }
    if (n == EPERM || n == EACCES) {
        env.err << "ipvs-udp: " << ctx << "permission denied" << ext
                << "; this needs CAP_NET_ADMIN: run it as root (or in a user namespace that "
                   "owns the network namespace)\n";
        return kDenied;
    }
    if (n == ESRCH) {
        env.err << "ipvs-udp: " << ctx << "no such service" << ext
                << "; list the services with: ipvs-udp status\n";
        return kNegative;
    }
    if (n == ENOENT && e.context.starts_with("add service")) {
        env.err << "ipvs-udp: " << ctx << "scheduler or persistence engine not available" << ext
                << "; are the modules installed? try: modprobe ip_vs_sip ip_vs_pe_reply "
                   "ip_vs_lor\n";
        return kFailed;
    }
    if (n == ENOENT) {
        env.err << "ipvs-udp: " << ctx << "no such destination" << ext
                << "; list them with: ipvs-udp status\n";
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

std::vector<std::string> flag_names(std::uint32_t f) {
    std::vector<std::string> v;
    if (f & ipvs::kPersistent) v.push_back("persistent");
    if (f & ipvs::kOnePacket) v.push_back("one-packet");
    if (f & ipvs::kSchedFlag1) v.push_back("flag-1");
    if (f & ipvs::kSchedFlag2) v.push_back("flag-2");
    if (f & ipvs::kSchedFlag3) v.push_back("flag-3");
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

// ---------------------------------------------------------------- service

ipvs::Service preset(const std::string& kind, const ServiceKey& key) {
    ipvs::Service s;
    s.key = key;
    if (kind == "sip") {
        s.scheduler = "sip";
        s.flags = ipvs::kOnePacket;
    } else if (kind == "dns" || kind == "radius" || kind == "reply") {
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
    if (a.opt.count("--netmask")) s.netmask = to_u32(a, "--netmask", 0);
    auto set = [&](const char* on, const char* off, std::uint32_t bit) {
        if (a.flags.count(on)) s.flags |= bit;
        if (a.flags.count(off)) s.flags &= ~bit;
    };
    set("--one-packet", "--no-one-packet", ipvs::kOnePacket);
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
    if (i != a.pos.size()) throw UsageError{"unexpected '" + a.pos[i] + "'"};
    ipvs::Service s = preset(a.pos[0], key);
    apply_service_options(s, a);
    TRY_CLIENT(c);
    if (auto r = c.add_service(s); !r) return report(r.error(), env);
    if (!a.json) {
        env.out << "added " << key.str() << " scheduler " << s.scheduler;
        if (s.one_packet()) env.out << " one-packet";
        if (!s.pe_name.empty()) env.out << " pe " << s.pe_name;
        env.out << "\n";
    } else {
        Json j;
        j.begin_object().field("added", key.str()).field("scheduler", s.scheduler);
        j.field("pe", s.pe_name).field("one_packet", s.one_packet()).end_object();
        env.out << j.str() << "\n";
    }
    return kOk;
}

int cmd_service_edit(const Args& a, Env& env) {
    std::size_t i = 0;
    ServiceKey key = take_service(a.pos, i);
    if (i != a.pos.size()) throw UsageError{"unexpected '" + a.pos[i] + "'"};
    TRY_CLIENT(c);
    auto cur = c.service(key);
    if (!cur) return report(cur.error(), env);
    ipvs::Service s = *cur;
    apply_service_options(s, a);
    if (auto r = c.edit_service(s); !r) return report(r.error(), env);
    if (!a.json) env.out << "edited " << key.str() << "\n";
    return kOk;
}

int cmd_service_del(const Args& a, Env& env) {
    std::size_t i = 0;
    ServiceKey key = take_service(a.pos, i);
    if (i != a.pos.size()) throw UsageError{"unexpected '" + a.pos[i] + "'"};
    TRY_CLIENT(c);
    if (auto r = c.del_service(key); !r) return report(r.error(), env);
    if (!a.json) env.out << "deleted " << key.str() << "\n";
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
    if (!a.json)
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
            if (!a.json) env.out << "edited " << cur.str() << " of " << key.str() << "\n";
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
    if (!a.json) env.out << "deleted " << d.str() << " of " << key.str() << "\n";
    return kOk;
}

// ---------------------------------------------------------------- status

int cmd_status(const Args& a, Env& env) {
    TRY_CLIENT(c);
    std::vector<ipvs::Service> svcs;
    if (!a.pos.empty()) {
        std::size_t i = 0;
        ServiceKey key = take_service(a.pos, i);
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
            const auto& s = svcs[i];
            j.begin_object();
            json_service_key(j, s.key);
            j.field("scheduler", s.scheduler).field("pe", s.pe_name);
            j.key("flags").begin_array();
            for (const auto& f : flag_names(s.flags)) j.value(f);
            j.end_array();
            j.field("timeout", s.timeout).field("netmask", s.netmask);
            json_stats(j, s.stats);
            j.key("destinations").begin_array();
            for (const auto& d : dests[i]) {
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
            j.end_array().end_object();
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
        for (const auto& f : flag_names(s.flags)) flags += (flags.empty() ? "" : ",") + f;
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
    TRY_CLIENT(c);
    auto r = c.connections();
    if (!r) return report(r.error(), env);
    auto hp = [](const Address& ad, std::uint16_t p) {
        return ad.family == AF_INET6 ? "[" + ad.str() + "]:" + std::to_string(p)
                                     : ad.str() + ":" + std::to_string(p);
    };
    if (a.json) {
        Json j;
        j.begin_object().key("connections").begin_array();
        for (const auto& x : *r) {
            j.begin_object().field("protocol", x.protocol);
            j.field("client", hp(x.client, x.client_port));
            j.field("virtual", hp(x.virt, x.virt_port));
            j.field("destination", hp(x.dest, x.dest_port));
            j.field("state", x.state).field("expires", x.expires);
            j.field("pe", x.pe_name).field("pe_data", x.pe_data).end_object();
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
        std::map<std::string, std::string> l{{"service", s.key.str()}, {"scheduler", s.scheduler}};
        prom_stats(p, "ipvs_service", "virtual service", l, s.stats);
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
    if (a.flags.count("--prometheus"))
        p.print(env.out);
    else if (a.json)
        env.out << j.str() << "\n";
    else
        t.print(env.out);
    return kOk;
}

int cmd_sip_callid(const Args& a, Env& env) {
    std::vector<unsigned char> data;
    if (a.pos.empty() || a.pos[0] == "-") {
        data.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
        std::ifstream in{a.pos[0], std::ios::binary};
        if (!in) {
            env.err << "ipvs-udp: cannot read " << a.pos[0] << "\n";
            return kUsage;
        }
        data.assign(std::istreambuf_iterator<char>(in), {});
    }
    // The kernel looks at the same bounded prefix of each datagram.
    if (data.size() > IP_VS_SIP_SCAN_MAX) data.resize(IP_VS_SIP_SCAN_MAX);
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

const std::set<std::string> kServiceValued{"--scheduler", "--pe", "--persistent", "--netmask"};
const std::set<std::string> kServiceFlags{"--one-packet", "--no-one-packet", "--no-pe",
                                          "--flag-1",     "--no-flag-1",     "--flag-2",
                                          "--no-flag-2",  "--flag-3",        "--no-flag-3"};
const std::set<std::string> kDestValued{"--weight", "--method", "--upper", "--lower"};

const std::string kServiceOptions =
    "  --scheduler NAME   scheduler (sip, lor, rr, wlc, ...)\n"
    "  --pe NAME          persistence engine (reply, sip); --no-pe removes it\n"
    "  --one-packet, --no-one-packet   one-packet scheduling (-o)\n"
    "  --persistent SECONDS            persistence timeout (-p), 0 turns it off\n"
    "  --netmask MASK     persistence netmask (IPv4 as a number, IPv6 prefix length)\n"
    "  --flag-1|2|3, --no-flag-1|2|3   scheduler flags (-b flag-N); for sip: 1 moves\n"
    "                     calls off quiesced servers, 2 keys keepalives by address only,\n"
    "                     3 stateless\n";

const std::string kServiceArg =
    "SERVICE is PROTO ADDRESS:PORT (udp 10.0.100.1:5060, tcp [fd00::1]:80) or\n"
    "fwmark MARK / fwmark6 MARK; udp:10.0.100.1:5060 in one word works too.\n";

const std::vector<Command>& commands() {
    static const std::vector<Command> cmds = {
        {"service add", "service add KIND SERVICE [OPTIONS]",
         "Add a virtual service in one line. KIND picks our scheduler and engine:\n"
         "  sip      -s sip -o (Call-ID affinity, one-packet scheduling)\n"
         "  dns, radius, reply   -s rr -o --pe reply (with --scheduler lor: least\n"
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
        {"sip-callid",
         "sip-callid [FILE]",
         "Print the key the sip scheduler uses for one SIP datagram (FILE or standard\n"
         "input): its Call-ID, or \"none\" (exit 1) when it has none.\n",
         {},
         {},
         cmd_sip_callid},
    };
    return cmds;
}

void usage(std::ostream& os) {
    os << "usage: ipvs-udp [--json] COMMAND [ARGS...]\n\nCommands:\n";
    for (const auto& c : commands()) os << "  " << c.synopsis << "\n";
    os << "  help [COMMAND]\n  version\n\n"
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
            for (const auto& c : commands())
                if (c.name == want || c.name.starts_with(want + " ")) {
                    env.out << "usage: ipvs-udp " << c.synopsis << "\n\n" << c.help;
                }
            return kOk;
        }
        usage(env.out);
        return kOk;
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
