// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Typed access to IPVS's own generic netlink family "IPVS" (uapi
// <linux/ip_vs.h>): virtual services, destinations, timeouts, and the
// connection table (from /proc/net/ip_vs_conn, as `ipvsadm -Lnc` reads it:
// IPVS has no netlink dump of connections).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ipvs-udp/export.h"
#include "ipvs-udp/result.h"
#include "ipvs-udp/service.h"
#include "ipvs-udp/transport.h"

namespace ipvsudp::ipvs {

// Service flags (IP_VS_SVC_F_*).
inline constexpr std::uint32_t kPersistent = 0x0001;
inline constexpr std::uint32_t kHashed = 0x0002;
inline constexpr std::uint32_t kOnePacket = 0x0004;
inline constexpr std::uint32_t kSchedFlag1 = 0x0008;
inline constexpr std::uint32_t kSchedFlag2 = 0x0010;
inline constexpr std::uint32_t kSchedFlag3 = 0x0020;

// Forwarding methods (IP_VS_CONN_F_*).
enum class Forward : std::uint32_t { nat = 0, local = 1, tunnel = 2, direct = 3, bypass = 4 };
IPVS_UDP_API std::string_view forward_name(Forward f);  // "nat", "tunnel", "route", ...
IPVS_UDP_API std::optional<Forward> parse_forward(std::string_view s);

// Counters and rates of a service or destination (64-bit stats when the
// kernel sends IPVS_*_ATTR_STATS64, else the 32-bit ones widened).
struct Stats {
    std::uint64_t conns = 0, inpkts = 0, outpkts = 0, inbytes = 0, outbytes = 0;
    std::uint64_t cps = 0, inpps = 0, outpps = 0, inbps = 0, outbps = 0;
};

struct Service {
    ServiceKey key;
    std::string scheduler = "wlc";
    std::string pe_name;        // persistence engine ("" for none)
    std::uint32_t flags = 0;    // IP_VS_SVC_F_*
    std::uint32_t timeout = 0;  // persistence timeout (s)
    std::uint32_t netmask = 0;  // 0: all-ones (IPv4) / 128 (IPv6)
    Stats stats;

    bool one_packet() const { return flags & kOnePacket; }
};

struct IPVS_UDP_API Destination {
    Address address;
    std::uint16_t port = 0;  // host byte order
    Forward forward = Forward::direct;
    std::uint32_t weight = 1;
    std::uint32_t upper_threshold = 0, lower_threshold = 0;
    std::uint32_t active_conns = 0, inactive_conns = 0, persist_conns = 0;
    std::uint8_t tun_type = 0;
    std::uint16_t tun_port = 0, tun_flags = 0;
    Stats stats;

    std::string str() const;  // "10.0.2.11:5060", "[fd00::1]:53"
};

struct Timeouts {
    std::uint32_t tcp = 0, tcp_fin = 0, udp = 0;  // 0: leave unchanged on set
};

struct IPVS_UDP_API Info {
    std::uint32_t version = 0;  // 0x010201 is "1.2.1"
    std::uint32_t conn_tab_size = 0;
    std::string version_str() const;
};

// One line of /proc/net/ip_vs_conn.
struct Connection {
    std::string protocol;  // "UDP", "TCP", "SCTP", "IP"
    Address client, virt, dest;
    std::uint16_t client_port = 0, virt_port = 0, dest_port = 0;
    std::string state;
    std::uint32_t expires = 0;  // seconds
    std::string pe_name, pe_data;
};
// Parse the text of /proc/net/ip_vs_conn (header line included).
IPVS_UDP_API Result<std::vector<Connection>> parse_connections(std::string_view text);

class IPVS_UDP_API Client {
  public:
    // Connect to the kernel (resolves the family lazily: IPVS not loaded is
    // reported by the first request, with Error::family_missing set).
    static Result<Client> open();
    explicit Client(std::unique_ptr<Transport> t, std::string proc_conn = "/proc/net/ip_vs_conn");
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;
    ~Client();

    Result<Info> info();
    Result<std::vector<Service>> services();
    Result<Service> service(const ServiceKey& key);
    Result<void> add_service(const Service& s);
    // Replace the settings of an existing service (IPVS_CMD_SET_SERVICE
    // sends every field: use service() first to keep the others).
    Result<void> edit_service(const Service& s);
    Result<void> del_service(const ServiceKey& key);
    Result<std::vector<Destination>> destinations(const ServiceKey& key);
    Result<void> add_destination(const ServiceKey& key, const Destination& d);
    Result<void> edit_destination(const ServiceKey& key, const Destination& d);
    Result<void> del_destination(const ServiceKey& key, const Destination& d);
    Result<Timeouts> timeouts();
    Result<void> set_timeouts(const Timeouts& t);
    Result<void> zero(const std::optional<ServiceKey>& key = std::nullopt);
    Result<void> flush();
    Result<std::vector<Connection>> connections();

  private:
    struct State;
    std::unique_ptr<State> st_;
};

}  // namespace ipvsudp::ipvs
