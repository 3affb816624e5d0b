// SPDX-License-Identifier: LGPL-2.1-or-later
//
// How ipvs-udp names an IPVS virtual service: protocol + address + port, or
// a firewall mark (with its address family), exactly as IPVS addresses them.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "ipvs-udp/export.h"

namespace ipvsudp {

struct IPVS_UDP_API Address {
    int family = AF_INET;  // AF_INET or AF_INET6
    in6_addr addr{};       // IPv4 addresses use the first 4 bytes

    static std::optional<Address> parse(std::string_view text);
    std::string str() const;
    // "10.0.2.11:5060", "[fd00::11]:5060": how every name of the library
    // joins an address and a port.
    std::string with_port(std::uint16_t port) const;
    friend IPVS_UDP_API bool operator==(const Address&, const Address&);
};

struct IPVS_UDP_API ServiceKey {
    std::uint16_t protocol = IPPROTO_UDP;  // IPPROTO_UDP or IPPROTO_TCP
    Address address;                       // unused for fwmark services
    std::uint16_t port = 0;                // host byte order
    std::uint32_t fwmark = 0;              // non-zero: a fwmark service

    // "udp:10.0.0.1:5060", "10.0.0.1:5060" (UDP), "[fd00::1]:53",
    // "tcp:[::1]:80", "fwmark:7", "fwmark6:7".
    static std::optional<ServiceKey> parse(std::string_view text);
    std::string str() const;
    friend bool operator==(const ServiceKey&, const ServiceKey&) = default;
};

}  // namespace ipvsudp
