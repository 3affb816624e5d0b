// SPDX-License-Identifier: GPL-2.0
#include "icmp.h"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace ipvsudp::harness {

namespace {

std::uint16_t be16(std::span<const std::uint8_t> p, std::size_t off) {
    return static_cast<std::uint16_t>(p[off] << 8 | p[off + 1]);
}

std::string ntop(int family, const std::uint8_t* a) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, a, buf, sizeof(buf));
    return buf;
}

bool v4_error(int type) {
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}
bool v6_error(int type) {
    return type >= 1 && type <= 4;
}

// The quoted datagram: its IP header, ports and (UDP) payload.
void quoted(std::span<const std::uint8_t> q, int af, IcmpError& e) {
    std::span<const std::uint8_t> rest;
    int proto;
    if (af == 4 && q.size() >= 20 && q[0] >> 4 == 4) {
        std::size_t hl = static_cast<std::size_t>(q[0] & 15) * 4;
        if (hl < 20 || hl > q.size()) return;
        e.q_src = ntop(AF_INET, &q[12]);
        e.q_dst = ntop(AF_INET, &q[16]);
        proto = q[9];
        rest = q.subspan(hl);
    } else if (af == 6 && q.size() >= 40 && q[0] >> 4 == 6) {
        e.q_src = ntop(AF_INET6, &q[8]);
        e.q_dst = ntop(AF_INET6, &q[24]);
        proto = q[6];
        rest = q.subspan(40);
    } else {
        return;
    }
    e.q_proto = proto;
    if ((proto == IPPROTO_UDP || proto == IPPROTO_TCP) && rest.size() >= 4) {
        e.q_sport = be16(rest, 0);
        e.q_dport = be16(rest, 2);
    }
    if (proto == IPPROTO_UDP && rest.size() >= 8)
        e.q_payload = std::string(rest.begin() + 8, rest.end());
}

}  // namespace

std::uint16_t csum_fold(std::span<const std::uint8_t> data, std::uint32_t sum) {
    std::size_t i = 0;
    for (; i + 1 < data.size(); i += 2)
        sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
    if (i < data.size()) sum += static_cast<std::uint32_t>(data[i] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

std::optional<IcmpError> parse_icmp_error(std::span<const std::uint8_t> pkt) {
    if (pkt.empty()) return std::nullopt;
    IcmpError e;
    if (pkt[0] >> 4 == 4) {
        if (pkt.size() < 20) return std::nullopt;
        std::size_t hl = static_cast<std::size_t>(pkt[0] & 15) * 4;
        std::size_t tot = be16(pkt, 2);
        if (hl < 20 || pkt[9] != IPPROTO_ICMP || pkt.size() < tot || tot < hl + 8)
            return std::nullopt;
        auto icmp = pkt.subspan(hl, tot - hl);
        if (!v4_error(icmp[0])) return std::nullopt;
        e.af = 4;
        e.src = ntop(AF_INET, &pkt[12]);
        e.dst = ntop(AF_INET, &pkt[16]);
        e.type = icmp[0];
        e.code = icmp[1];
        e.ip_csum_ok = csum_fold(pkt.first(hl)) == 0xffff;
        e.icmp_csum_ok = csum_fold(icmp) == 0xffff;
        quoted(icmp.subspan(8), 4, e);
        return e;
    }
    if (pkt[0] >> 4 == 6) {
        if (pkt.size() < 48) return std::nullopt;
        std::size_t plen = be16(pkt, 4);
        if (pkt[6] != IPPROTO_ICMPV6 || pkt.size() < 40 + plen || plen < 8) return std::nullopt;
        auto icmp = pkt.subspan(40, plen);
        if (!v6_error(icmp[0])) return std::nullopt;
        e.af = 6;
        e.src = ntop(AF_INET6, &pkt[8]);
        e.dst = ntop(AF_INET6, &pkt[24]);
        e.type = icmp[0];
        e.code = icmp[1];
        e.ip_csum_ok = true;
        // Pseudo-header: source, destination, upper-layer length, next header.
        std::uint32_t sum = csum_fold(pkt.subspan(8, 32));
        sum += static_cast<std::uint32_t>(plen >> 16) + static_cast<std::uint32_t>(plen & 0xffff);
        sum += IPPROTO_ICMPV6;
        e.icmp_csum_ok = csum_fold(icmp, sum) == 0xffff;
        quoted(icmp.subspan(8), 6, e);
        return e;
    }
    return std::nullopt;
}

void to_json(Json& j, const IcmpError& e, std::string_view direction) {
    j.begin_object();
    if (!direction.empty()) j.field("direction", direction);
    j.field("af", e.af)
        .field("src", e.src)
        .field("dst", e.dst)
        .field("type", e.type)
        .field("code", e.code)
        .field("ip_csum_ok", e.ip_csum_ok)
        .field("icmp_csum_ok", e.icmp_csum_ok);
    if (!e.q_src.empty()) {
        j.field("q_src", e.q_src).field("q_dst", e.q_dst).field("q_proto", e.q_proto);
        if (e.q_sport >= 0) j.field("q_sport", e.q_sport).field("q_dport", e.q_dport);
        if (e.q_payload) j.field("q_payload", *e.q_payload);
    }
    j.end_object();
}

}  // namespace ipvsudp::harness
