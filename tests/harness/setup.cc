// SPDX-License-Identifier: GPL-2.0
#include "setup.h"

#include <sstream>

#include "harness.h"

namespace ipvsudp::harness {

namespace {

ServiceKey parse_key(const std::string& proto, const std::string& addr) {
    if (proto != "udp" && proto != "tcp" && proto != "fwmark" && proto != "fwmark6")
        throw UsageError("protocol must be udp, tcp, fwmark or fwmark6, not '" + proto + "'");
    auto k = ServiceKey::parse(proto + ":" + addr);
    if (!k) throw UsageError("bad service address '" + proto + " " + addr + "'");
    return *k;
}

ipvs::Destination parse_dest(const std::string& text, const ServiceKey& svc) {
    ipvs::Destination d;
    if (auto a = Address::parse(text)) {
        d.address = *a;
        d.port = svc.port;
    } else if (auto k = ServiceKey::parse("udp:" + text)) {
        d.address = k->address;
        d.port = k->port;
    } else {
        throw UsageError("bad real server address '" + text + "' (ADDR, ADDR:PORT, [ADDR6]:PORT)");
    }
    if (!svc.fwmark && d.address.family != svc.address.family)
        throw UsageError("real server " + text + " is not in the service's address family");
    return d;
}

std::uint32_t number(const std::string& opt, const std::string& v, std::int64_t max) {
    auto n = parse_int(v, 0, max);
    if (!n) throw UsageError(opt + ": not a number: " + v);
    return static_cast<std::uint32_t>(*n);
}

}  // namespace

std::uint32_t parse_sched_flags(const std::string& list) {
    std::uint32_t flags = 0;
    std::stringstream ss(list);
    std::string f;
    while (std::getline(ss, f, ',')) {
        if (f == "flag-1" || f == "sip-move-quiesced")
            flags |= ipvs::kSchedFlag1;
        else if (f == "flag-2" || f == "sip-addr-only")
            flags |= ipvs::kSchedFlag2;
        else if (f == "flag-3" || f == "sip-stateless")
            flags |= ipvs::kSchedFlag3;
        else
            throw UsageError("unknown scheduler flag '" + f + "'");
    }
    return flags;
}

SetupCommand parse_setup(const std::vector<std::string>& words) {
    SetupCommand c;
    std::vector<std::string> pos;
    for (std::size_t i = 0; i < words.size(); i++) {
        const std::string& w = words[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= words.size()) throw UsageError(w + " needs a value");
            return words[++i];
        };
        if (w == "--ops") {
            c.ops = true;
        } else if (w == "--no-ops") {
            c.ops = false;
        } else if (w == "--pe") {
            c.pe = value();
        } else if (w == "--flags") {
            c.sched_flags = parse_sched_flags(value());
        } else if (w == "--persistent") {
            c.persistent = number(w, value(), UINT32_MAX);
        } else if (w == "--weight") {
            c.weight = number(w, value(), 65535);
        } else if (w == "--nat" || w == "--route" || w == "--tunnel") {
            c.forward = ipvs::parse_forward(w.substr(2));
        } else if (w == "--json") {
            c.json = true;
        } else if (w.starts_with("--")) {
            throw UsageError("unknown option " + w);
        } else {
            pos.push_back(w);
        }
    }
    auto need = [&](std::size_t n, const char* usage) {
        if (pos.size() != n) throw UsageError(std::string("usage: ipvs-setup ") + usage);
    };
    if (pos.empty()) throw UsageError("usage: ipvs-setup service|dest|list|flush ...");
    if (pos[0] == "list") {
        need(1, "list [--json]");
        c.op = SetupCommand::Op::list;
        return c;
    }
    if (pos[0] == "flush") {
        need(1, "flush");
        c.op = SetupCommand::Op::flush;
        return c;
    }
    if (pos.size() < 2 || (pos[0] != "service" && pos[0] != "dest"))
        throw UsageError("usage: ipvs-setup service|dest add|edit|del PROTO ADDR ...");
    const std::string& verb = pos[1];
    if (pos.size() < 4) throw UsageError("ipvs-setup " + pos[0] + " " + verb + ": PROTO ADDR?");
    c.service.key = parse_key(pos[2], pos[3]);
    if (pos[0] == "service") {
        if (verb == "add") {
            need(5, "service add PROTO ADDR SCHED [--ops] [--pe NAME] [--flags F,..]");
            c.op = SetupCommand::Op::service_add;
            c.scheduler = pos[4];
        } else if (verb == "edit") {
            if (pos.size() != 4 && pos.size() != 5)
                throw UsageError("usage: ipvs-setup service edit PROTO ADDR [SCHED] [options]");
            c.op = SetupCommand::Op::service_edit;
            if (pos.size() == 5) c.scheduler = pos[4];
        } else if (verb == "del") {
            need(4, "service del PROTO ADDR");
            c.op = SetupCommand::Op::service_del;
        } else {
            throw UsageError("service " + verb + ": add, edit or del");
        }
        ipvs::Service& s = c.service;
        if (c.scheduler) s.scheduler = *c.scheduler;
        if (c.pe) s.pe_name = *c.pe;
        if (c.ops && *c.ops) s.flags |= ipvs::kOnePacket;
        if (c.sched_flags) s.flags |= *c.sched_flags;
        if (c.persistent) {
            s.flags |= ipvs::kPersistent;
            s.timeout = *c.persistent;
        }
        if (c.weight || c.forward)
            throw UsageError("--weight/--nat/--route/--tunnel are dest options");
        return c;
    }
    if (verb == "add")
        c.op = SetupCommand::Op::dest_add;
    else if (verb == "edit")
        c.op = SetupCommand::Op::dest_edit;
    else if (verb == "del")
        c.op = SetupCommand::Op::dest_del;
    else
        throw UsageError("dest " + verb + ": add, edit or del");
    need(5, "dest add|edit|del PROTO ADDR RIP[:PORT] [--nat|--route|--tunnel] [--weight W]");
    c.dest = parse_dest(pos[4], c.service.key);
    c.dest.forward = c.forward.value_or(ipvs::Forward::direct);
    c.dest.weight = c.weight.value_or(1);
    if (c.ops || c.pe || c.sched_flags || c.persistent)
        throw UsageError("--ops/--pe/--flags/--persistent are service options");
    return c;
}

std::string services_json(
    const std::vector<std::pair<ipvs::Service, std::vector<ipvs::Destination>>>& all) {
    Json j;
    j.begin_array();
    for (const auto& [s, dests] : all) {
        j.begin_object()
            .field("service", s.key.str())
            .field("scheduler", s.scheduler)
            .field("pe", s.pe_name)
            .field("ops", s.one_packet())
            .field("flags", s.flags & ~ipvs::kHashed)
            .field("persistent", (s.flags & ipvs::kPersistent) ? s.timeout : 0u)
            .key("dests")
            .begin_array();
        for (const auto& d : dests)
            j.begin_object()
                .field("address", d.str())
                .field("forward", std::string(ipvs::forward_name(d.forward)))
                .field("weight", d.weight)
                .end_object();
        j.end_array().end_object();
    }
    j.end_array();
    return j.str();
}

Result<void> run_setup(const SetupCommand& c, ipvs::Client& client, std::ostream& out) {
    using Op = SetupCommand::Op;
    switch (c.op) {
        case Op::service_add:
            return client.add_service(c.service);
        case Op::service_del:
            return client.del_service(c.service.key);
        case Op::service_edit: {
            auto cur = client.service(c.service.key);
            if (!cur) return cur.error();
            ipvs::Service s = *cur;
            if (c.scheduler) s.scheduler = *c.scheduler;
            if (c.pe) s.pe_name = *c.pe;
            if (c.ops) s.flags = *c.ops ? s.flags | ipvs::kOnePacket : s.flags & ~ipvs::kOnePacket;
            if (c.sched_flags)
                s.flags = (s.flags & ~(ipvs::kSchedFlag1 | ipvs::kSchedFlag2 | ipvs::kSchedFlag3)) |
                          *c.sched_flags;
            if (c.persistent) {
                s.flags |= ipvs::kPersistent;
                s.timeout = *c.persistent;
            }
            return client.edit_service(s);
        }
        case Op::dest_add:
            return client.add_destination(c.service.key, c.dest);
        case Op::dest_del:
            return client.del_destination(c.service.key, c.dest);
        case Op::dest_edit: {
            auto dests = client.destinations(c.service.key);
            if (!dests) return dests.error();
            for (auto d : *dests) {
                if (!(d.address == c.dest.address) || d.port != c.dest.port) continue;
                if (c.forward) d.forward = *c.forward;
                if (c.weight) d.weight = *c.weight;
                return client.edit_destination(c.service.key, d);
            }
            return Error::from_errno(
                ENOENT, "edit destination " + c.dest.str() + " of " + c.service.key.str());
        }
        case Op::flush:
            return client.flush();
        case Op::list: {
            auto svcs = client.services();
            if (!svcs) return svcs.error();
            std::vector<std::pair<ipvs::Service, std::vector<ipvs::Destination>>> all;
            for (const auto& s : *svcs) {
                auto d = client.destinations(s.key);
                if (!d) return d.error();
                all.emplace_back(s, *d);
            }
            if (c.json) {
                out << services_json(all) << "\n";
                return {};
            }
            for (const auto& [s, dests] : all) {
                out << s.key.str() << " " << s.scheduler << (s.one_packet() ? " ops" : "")
                    << (s.pe_name.empty() ? "" : " pe " + s.pe_name) << "\n";
                for (const auto& d : dests)
                    out << "  -> " << d.str() << " " << ipvs::forward_name(d.forward) << " "
                        << d.weight << "\n";
            }
            return {};
        }
    }
    return {};
}

}  // namespace ipvsudp::harness
