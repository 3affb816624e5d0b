// SPDX-License-Identifier: GPL-2.0
//
// IPVS virtual services: service add|edit|del|show.
#include <arpa/inet.h>

#include <charconv>

#include "internal.h"

namespace ipvsudp::cli {

namespace {

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

}  // namespace

namespace {

// A real server as status --json shows it (docs/json.md).

}  // namespace

namespace {

// A virtual service with its real servers as status --json shows it.

}  // namespace

namespace {

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

}  // namespace

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

namespace {

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
    const ServiceKey key = one_service(a);
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
    const ServiceKey key = one_service(a);
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

int cmd_service_show(const Args& a, Env& env) {
    const std::optional<ServiceKey> only = optional_service(a);
    TRY_CLIENT(c);
    auto found = services_of(c, only);
    if (!found) return report(found.error(), env);
    std::vector<ipvs::Service> svcs = std::move(*found);
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

std::vector<Option> service_options() {
    return {
        {"--scheduler", "NAME", "scheduler (sip, radius, lor, rr, wlc, ...)",
         "sip radius lor rr wrr lc wlc sh mh"},
        {"--pe", "NAME", "persistence engine (reply, sip)", "reply sip"},
        {"--no-pe", "", "removes the persistence engine", ""},
        {"--one-packet", "", "one-packet scheduling (ipvsadm -o)", ""},
        {"--no-one-packet", "", "connection entries that live as IPVS's UDP timeout says", ""},
        {"--persistent", "SECONDS", "persistence timeout (ipvsadm -p); 0 turns it off", ""},
        {"--netmask", "MASK", "persistence netmask: 255.255.255.0 or /24 (IPv4), /64 (IPv6)", ""},
        {"--sched-flags", "LIST",
         "scheduler flags, replacing the service's (ipvsadm -b LIST), by name:\n"
         "sip-move-quiesced, sip-addr-only, sip-stateless; radius-...;\n"
         "sh-fallback, sh-port; mh-fallback, mh-port; or flag-1|2|3",
         sched_flag_words()},
        {"--flag-1", "", "sets scheduler flag 1 (sip, radius: move bindings off\nquiesced servers)",
         ""},
        {"--no-flag-1", "", "clears scheduler flag 1", ""},
        {"--flag-2", "",
         "sets scheduler flag 2 (sip, radius: key keyless datagrams by\naddress only)", ""},
        {"--no-flag-2", "", "clears scheduler flag 2", ""},
        {"--flag-3", "", "sets scheduler flag 3 (sip, radius: stateless)", ""},
        {"--no-flag-3", "", "clears scheduler flag 3", ""},
    };
}

}  // namespace

std::vector<Command> service_commands() {
    return {
        {"service",
         "show",
         "[SERVICE]",
         "Virtual services with their flags, schedulers, engines and destinations:\n"
         "all of them, or one. The default verb: 'ipvs-udp service' shows them.\n" +
             kServiceArg,
         {},
         cmd_service_show},
        {"service", "add", "KIND SERVICE",
         "Add a virtual service in one line. KIND picks our scheduler and engine:\n"
         "  sip      -s sip -o (Call-ID affinity, one-packet scheduling)\n"
         "  radius   -s radius -o --pe reply (EAP conversations and accounting\n"
         "           sessions kept together, States learned from challenges)\n"
         "  dns, reply   -s rr -o --pe reply (with --scheduler lor: least\n"
         "           outstanding requests)\n"
         "  plain    -s wlc, no flags (stock IPVS)\n"
         "Options change what KIND sets. With --json: the service as the kernel\n"
         "has it afterwards.\n" +
             kServiceArg,
         service_options(), cmd_service_add},
        {"service", "edit", "SERVICE",
         "Change settings of a service; what is not given stays. With --json: the\n"
         "service as the kernel has it afterwards.\n" +
             kServiceArg,
         service_options(), cmd_service_edit},
        {"service",
         "del",
         "SERVICE",
         "Delete a virtual service and its destinations.\n" + kServiceArg,
         {},
         cmd_service_del},
        {"status", "", "[SERVICE]", "", {}, cmd_service_show, "service show"},
    };
}

}  // namespace ipvsudp::cli
