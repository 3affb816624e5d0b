// SPDX-License-Identifier: LGPL-2.1-or-later
#include "ipvs-udp/service.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace ipvsudp {

namespace {

template <typename T>
std::optional<T> parse_number(std::string_view text, T max) {
    T value{};
    if (text.empty()) return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value > max) return std::nullopt;
    return value;
}

}  // namespace

std::optional<Address> Address::parse(std::string_view text) {
    Address a;
    std::string s(text);
    if (inet_pton(AF_INET, s.c_str(), &a.addr) == 1) {
        a.family = AF_INET;
        return a;
    }
    if (inet_pton(AF_INET6, s.c_str(), &a.addr) == 1) {
        a.family = AF_INET6;
        return a;
    }
    return std::nullopt;
}

std::string Address::str() const {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, &addr, buf, sizeof(buf));
    return buf;
}

bool operator==(const Address& a, const Address& b) {
    const std::size_t n = a.family == AF_INET ? 4 : sizeof(in6_addr);
    return a.family == b.family && std::memcmp(&a.addr, &b.addr, n) == 0;
}

std::optional<ServiceKey> ServiceKey::parse(std::string_view text) {
    ServiceKey k;
    for (auto [prefix, family] : {std::pair{"fwmark:", AF_INET}, {"fwmark6:", AF_INET6}}) {
        std::string_view p(prefix);
        if (text.starts_with(p)) {
            auto mark = parse_number<std::uint32_t>(text.substr(p.size()), UINT32_MAX);
            if (!mark || *mark == 0) return std::nullopt;
            k.fwmark = *mark;
            k.address.family = family;
            return k;
        }
    }
    if (text.starts_with("udp:")) {
        text.remove_prefix(4);
    } else if (text.starts_with("tcp:")) {
        k.protocol = IPPROTO_TCP;
        text.remove_prefix(4);
    }
    std::string_view host, port;
    if (text.starts_with("[")) {
        auto close = text.find("]:");
        if (close == std::string_view::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
        auto a = Address::parse(host);
        if (!a || a->family != AF_INET6) return std::nullopt;
        k.address = *a;
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        auto a = Address::parse(host);
        if (!a || a->family != AF_INET) return std::nullopt;
        k.address = *a;
    }
    auto p = parse_number<std::uint16_t>(port, UINT16_MAX);
    if (!p || *p == 0) return std::nullopt;
    k.port = *p;
    return k;
}

std::string Address::with_port(std::uint16_t port) const {
    if (family == AF_INET6) return "[" + str() + "]:" + std::to_string(port);
    return str() + ":" + std::to_string(port);
}

std::string ServiceKey::str() const {
    if (fwmark)
        return (address.family == AF_INET6 ? "fwmark6:" : "fwmark:") + std::to_string(fwmark);
    return (protocol == IPPROTO_TCP ? "tcp:" : "udp:") + address.with_port(port);
}

}  // namespace ipvsudp
