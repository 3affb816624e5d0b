// SPDX-License-Identifier: GPL-2.0
#include "setup.h"

#include <sstream>

#include "args.h"
#include "harness.h"
#include "schema.h"

namespace ipvsudp::harness {

namespace {

std::uint32_t number(const std::string& opt, const std::string& v, std::int64_t max) {
    auto n = parse_int(v, 0, max);
    if (!n) throw UsageError(opt + ": not a number: " + v);
    return static_cast<std::uint32_t>(*n);
}

}  // namespace

// The words as the ipvs-udp CLI reads them (cli/args.h): its option
// parser, its SERVICE and RIP[:PORT] and its scheduler flag names; only
// the verbs and option names are ipvs-setup's own.
SetupCommand parse_setup(const std::vector<std::string>& words) {
    SetupCommand c;
    const std::vector<std::string_view> w(words.begin(), words.end());
    const cli::Args a = cli::parse_args(w, {"--pe", "--flags", "--persistent", "--weight"},
                                        {"--ops", "--no-ops", "--nat", "--route", "--tunnel"});
    if (a.help) throw UsageError("usage: ipvs-setup service|dest|list|flush ... (see setup.h)");
    c.json = a.json;
    if (a.flags.count("--ops")) c.ops = true;
    if (a.flags.count("--no-ops")) c.ops = false;
    if (a.opt.count("--pe")) c.pe = a.opt.at("--pe");
    if (a.opt.count("--persistent"))
        c.persistent = number("--persistent", a.opt.at("--persistent"), UINT32_MAX);
    if (a.opt.count("--weight")) c.weight = number("--weight", a.opt.at("--weight"), 65535);
    for (const char* f : {"nat", "route", "tunnel"})
        if (a.flags.count(std::string("--") + f)) c.forward = ipvs::parse_forward(f);
    const std::vector<std::string>& pos = a.pos;
    auto need = [&](std::size_t n, std::size_t have, const char* usage) {
        if (have != n) throw UsageError(std::string("usage: ipvs-setup ") + usage);
    };
    if (pos.empty()) throw UsageError("usage: ipvs-setup service|dest|list|flush ...");
    if (pos[0] == "list" || pos[0] == "flush") {
        need(1, pos.size(), pos[0] == "list" ? "list [--json]" : "flush");
        c.op = pos[0] == "list" ? SetupCommand::Op::list : SetupCommand::Op::flush;
        return c;
    }
    if (pos.size() < 2 || (pos[0] != "service" && pos[0] != "dest"))
        throw UsageError("usage: ipvs-setup service|dest add|edit|del PROTO ADDR ...");
    const std::string& verb = pos[1];
    std::size_t i = 2;
    c.service.key = cli::take_service(pos, i);
    const std::size_t rest = pos.size() - i;
    if (pos[0] == "service") {
        if (verb == "add") {
            need(1, rest, "service add PROTO ADDR SCHED [--ops] [--pe NAME] [--flags F,..]");
            c.op = SetupCommand::Op::service_add;
            c.scheduler = pos[i];
        } else if (verb == "edit") {
            if (rest > 1)
                throw UsageError("usage: ipvs-setup service edit PROTO ADDR [SCHED] [options]");
            c.op = SetupCommand::Op::service_edit;
            if (rest == 1) c.scheduler = pos[i];
        } else if (verb == "del") {
            need(0, rest, "service del PROTO ADDR");
            c.op = SetupCommand::Op::service_del;
        } else {
            throw UsageError("service " + verb + ": add, edit or del");
        }
        // Flag names as the scheduler's (any scheduler's for an edit that
        // keeps it).
        if (a.opt.count("--flags"))
            c.sched_flags = cli::parse_sched_flags(c.scheduler.value_or(""), a.opt.at("--flags"));
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
    need(1, rest, "dest add|edit|del PROTO ADDR RIP[:PORT] [--nat|--route|--tunnel] [--weight W]");
    const cli::HostPort hp = cli::parse_hostport(pos[i]);
    if (!c.service.key.fwmark && hp.address.family != c.service.key.address.family)
        throw UsageError("real server " + pos[i] + " is not in the service's address family");
    c.dest.address = hp.address;
    c.dest.port = hp.port ? hp.port : c.service.key.port;
    c.dest.forward = c.forward.value_or(ipvs::Forward::direct);
    c.dest.weight = c.weight.value_or(1);
    if (c.ops || c.pe || a.opt.count("--flags") || c.persistent)
        throw UsageError("--ops/--pe/--flags/--persistent are service options");
    return c;
}

// The CLI's schema: what `ipvs-udp --json service show` prints.
std::string services_json(
    const std::vector<std::pair<ipvs::Service, std::vector<ipvs::Destination>>>& all) {
    cli::Json j;
    j.begin_object().key("services").begin_array();
    for (const auto& [s, dests] : all) cli::json_service(j, s, dests);
    j.end_array().end_object();
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
