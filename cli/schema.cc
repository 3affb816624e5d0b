// SPDX-License-Identifier: GPL-2.0
//
// The JSON of IPVS services and real servers (docs/json.md), written by
// `ipvs-udp service show`, the mutating commands, `dest show` and the test
// harness's ipvs-setup alike.
#include "schema.h"

#include <arpa/inet.h>

#include "args.h"

namespace ipvsudp::cli {

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

std::string netmask_str(std::uint32_t netmask, int family) {
    if (family == AF_INET6) return "/" + std::to_string(netmask);
    in_addr m{};
    m.s_addr = netmask;
    char b[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &m, b, sizeof(b));
}

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

}  // namespace ipvsudp::cli
