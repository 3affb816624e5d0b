// SPDX-License-Identifier: GPL-2.0
//
// Real servers of IPVS services: dest add|edit|del|show.

#include "internal.h"

namespace ipvsudp::cli {

namespace {

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

// Real servers of every service, or of one.
int cmd_dest_show(const Args& a, Env& env) {
    const std::optional<ServiceKey> only = optional_service(a);
    TRY_CLIENT(c);
    auto svcs = services_of(c, only);
    if (!svcs) return report(svcs.error(), env);
    std::vector<ServiceKey> keys;
    for (const auto& x : *svcs) keys.push_back(x.key);
    Json j;
    j.begin_object().key("destinations").begin_array();
    Table t({"service", "destination", "forward", "weight", "upper", "lower", "active", "inactive",
             "conns", "inpkts", "outpkts"});
    for (const auto& key : keys) {
        auto ds = c.destinations(key);
        if (!ds) return report(ds.error(), env);
        for (const auto& d : *ds) {
            j.begin_object().field("service", key.str()).key("destination");
            json_destination(j, d);
            j.end_object();
            t.row({key.str(), d.str(), std::string(forward_name(d.forward)),
                   std::to_string(d.weight), std::to_string(d.upper_threshold),
                   std::to_string(d.lower_threshold), std::to_string(d.active_conns),
                   std::to_string(d.inactive_conns), std::to_string(d.stats.conns),
                   std::to_string(d.stats.inpkts), std::to_string(d.stats.outpkts)});
        }
    }
    if (a.json)
        env.out << j.end_array().end_object().str() << "\n";
    else
        t.print(env.out);
    return kOk;
}

std::vector<Option> dest_options() {
    return {
        {"--method", "route|nat|tunnel", "forwarding method (default route, ipvsadm -g)",
         "route nat tunnel"},
        {"--weight", "N", "weight (default 1; 0 quiesces the server)", ""},
        {"--upper", "N", "upper connection threshold (0: none)", ""},
        {"--lower", "N", "lower connection threshold (0: none)", ""},
    };
}

}  // namespace

std::vector<Command> dest_commands() {
    return {
        {"dest",
         "show",
         "[SERVICE]",
         "Real servers (destinations) of every service, or of one: forwarding\n"
         "method, weight, thresholds, connections and traffic. The default verb.\n",
         {},
         cmd_dest_show},
        {"dest", "add", "SERVICE RIP[:PORT]",
         "Add a real server (destination) to a service; PORT defaults to the\n"
         "service's. With --json: the destination as the kernel has it.\n" +
             kServiceArg,
         dest_options(), cmd_dest_add},
        {"dest", "edit", "SERVICE RIP[:PORT]",
         "Change a destination's weight, method or thresholds; what is not given\n"
         "stays.\n",
         dest_options(), cmd_dest_edit},
        {"dest",
         "del",
         "SERVICE RIP[:PORT]",
         "Remove a destination. With the sip or radius scheduler its bindings move\n"
         "to the other servers at their next datagram.\n",
         {},
         cmd_dest_del},
    };
}

}  // namespace ipvsudp::cli
