// SPDX-License-Identifier: GPL-2.0
//
// The JSON of IPVS services and real servers (docs/json.md): one writer for
// `ipvs-udp service show`, the mutating commands, `dest show` and the test
// harness's `ipvs-setup list --json`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ipvs-udp/ipvs.h"
#include "output.h"

namespace ipvsudp::cli {

// A JSON field, or null when absent.
template <typename T>
void json_opt(Json& j, const char* k, const std::optional<T>& v) {
    j.key(k);
    if (v)
        j.value(*v);
    else
        j.null();
}

// "stats": {...} of a service or real server.
void json_stats(Json& j, const ipvs::Stats& s);
// The fields naming a service: "service", "family", then "fwmark" or
// "protocol", "address", "port".
void json_service_key(Json& j, const ServiceKey& k);
// IPv4: the mask in dotted form; IPv6: "/LEN".
std::string netmask_str(std::uint32_t netmask, int family);
// A real server: DEST_OBJECT.
void json_destination(Json& j, const ipvs::Destination& d);
// A virtual service with its real servers: SERVICE_OBJECT.
void json_service(Json& j, const ipvs::Service& s, const std::vector<ipvs::Destination>& dests);

}  // namespace ipvsudp::cli
