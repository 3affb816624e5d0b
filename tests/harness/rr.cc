// SPDX-License-Identifier: GPL-2.0
#include "rr.h"

namespace ipvsudp::harness {

std::string rr_reply(std::string_view server, std::string_view request) {
    std::string out(server);
    out += ' ';
    out += request;
    return out;
}

std::optional<std::string> rr_match(std::string_view reply, std::string_view id) {
    if (id.empty() || reply.size() < id.size() + 2 || !reply.ends_with(id)) return std::nullopt;
    std::string_view head = reply.substr(0, reply.size() - id.size());
    if (!head.ends_with(' ')) return std::nullopt;
    head.remove_suffix(1);
    if (head.empty() || head.find(' ') != std::string_view::npos) return std::nullopt;
    return std::string(head);
}

void RrSummary::reply(const std::string& server, const std::string& src_addr,
                      std::uint16_t src_port) {
    replies++;
    servers[server]++;
    sources[src_addr]++;
    source_ports[std::to_string(src_port)]++;
}

std::string RrSummary::json() const {
    Json j;
    j.begin_object()
        .field("sent", sent)
        .field("replies", replies)
        .field("refused", refused)
        .field("timeouts", timeouts)
        .field("stray", stray)
        .field("sockets", sockets)
        .counts("servers", servers)
        .counts("sources", sources)
        .counts("source_ports", source_ports)
        .end_object();
    return j.str();
}

}  // namespace ipvsudp::harness
