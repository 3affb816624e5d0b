// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Typed access to the project's own generic netlink family "ipvs_udp"
// (netlink/ipvs_udp.yaml, uapi <linux/ipvs_udp.h>): settings and counters
// of the sip and radius schedulers and the bindings of both (Call-IDs;
// RADIUS conversations, States, accounting sessions), settings and per-real-server
// accounting of the reply engine, counters of ip_vs_icmp_vip, and the
// "events" multicast group.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipvs-udp/export.h"
#include "ipvs-udp/result.h"
#include "ipvs-udp/service.h"
#include "ipvs-udp/transport.h"

namespace ipvsudp::udp {

inline constexpr std::string_view kFamily = "ipvs_udp";

// A real server of a service.
struct IPVS_UDP_API DestKey {
    Address address;
    std::uint16_t port = 0;  // host byte order
    std::string str() const;
    friend bool operator==(const DestKey&, const DestKey&) = default;
};

// Absent fields are left unchanged by sip_set().
struct SipSettings {
    std::optional<std::uint32_t> dialog_timeout, early_timeout, transaction_timeout, linger_timeout,
        max_bindings;
    std::optional<std::uint64_t> seed;          // consistent-hash seed; a change keeps bindings
    std::optional<std::uint32_t> drain_policy;  // 0 drain, 1 move
    std::optional<std::uint32_t> svc_flags;     // read only
};

struct SipCounters {
    std::uint64_t bindings = 0, messages = 0, parsed = 0, nokey = 0, oversized = 0, hits = 0,
                  created = 0, expired = 0, moved = 0, refused = 0, ended = 0, nodest = 0,
                  toolong = 0;
};

struct SipService {
    ServiceKey service;
    SipSettings settings;
    SipCounters counters;
};

enum class BindingState : std::uint32_t { transaction = 0, early = 1, dialog = 2, linger = 3 };
IPVS_UDP_API std::string_view state_name(BindingState s);

// Absent fields are left unchanged by radius_set().
struct RadiusSettings {
    // A login's conversation key and its States live alike.
    std::optional<std::uint32_t> conversation_timeout;
    std::optional<std::uint32_t> acct_timeout;  // 0: accounting hashed, never bound
    std::optional<std::uint32_t> max_bindings;
    std::optional<std::uint64_t> seed;
    std::optional<std::uint32_t> drain_policy;  // 0 drain, 1 move
    std::optional<std::uint32_t> svc_flags;     // read only
};

struct RadiusCounters {
    std::uint64_t bindings = 0, messages = 0, hits = 0, created = 0, expired = 0, moved = 0,
                  refused = 0, nodest = 0;
    // Placed by the client's address, by why:
    std::uint64_t unparsed = 0, too_short = 0, bad_length = 0, bad_attr = 0, too_many = 0,
                  not_request = 0, status_server = 0, nokey = 0;
    // Placed by their attributes:
    std::uint64_t dup_state = 0, oversized = 0, state_hits = 0, state_misses = 0, learned = 0;
};

// Every radius counter by name (the netlink attribute's, with '_' for '-'),
// for tools that print them all: JSON, Prometheus.
struct RadiusCounterField {
    std::string_view name;
    bool gauge;  // else a counter
    std::string_view help;
    std::uint64_t RadiusCounters::*member;
    int attr;  // IPVS_UDP_A_RADIUS_COUNTERS_*
};
IPVS_UDP_API std::span<const RadiusCounterField> radius_counter_fields();

struct RadiusService {
    ServiceKey service;
    RadiusSettings settings;
    RadiusCounters counters;
};

enum class RadiusBindingState : std::uint32_t { conversation = 0, state = 1, acct = 2 };

struct Binding {
    ServiceKey service;
    std::string scheduler;        // "sip", "radius" ("sip" from modules before radius)
    std::string key;              // raw bytes: the Call-ID, or a radius key (RadiusKey)
    std::string call_id;          // raw bytes (sip only)
    std::optional<DestKey> dest;  // absent while the server is being replaced
    BindingState state = BindingState::transaction;  // sip
    std::uint32_t state_value = 0;                   // as the kernel sent it
    std::uint64_t age_ms = 0, idle_ms = 0, expires_ms = 0;
};
// The state's name by the binding's scheduler.
IPVS_UDP_API std::string_view binding_state_name(const Binding& b);

// What a radius binding's key holds (docs/radius.md, "Binding keys"): its
// kind byte, the NAS identity and the value, or a State.
struct RadiusKey {
    std::string kind;      // calling-station-id, user-name, acct-session-id, state, unknown
    std::string nas_type;  // nas-ip, nas-ipv6, nas-id, or empty (none)
    std::string nas;       // the address or identifier
    std::string value;     // raw bytes (the State for kind "state")
};
IPVS_UDP_API RadiusKey decode_radius_key(std::string_view key);
// The binding key of a State learned from an Access-Challenge.
IPVS_UDP_API std::string radius_state_key(std::string_view state);

struct ReplySettings {
    // Per namespace, or (timeout_ms, strict, txid_match) per service.
    std::optional<std::uint32_t> timeout_ms, max_requests, timeout_threshold;
    std::optional<bool> strict;      // only replies get the VIP (default true)
    std::optional<bool> txid_match;  // DNS/RADIUS IDs in the match (default true)
    std::optional<bool> own;         // read: the service has settings of its own
};

struct ReplyDest {
    DestKey dest;
    std::uint64_t requests = 0, replies = 0, timeouts = 0, duplicates = 0, late = 0;
    std::uint64_t outstanding = 0, ewma_ns = 0;
    std::vector<std::uint64_t> hist;   // <1 ms, <10 ms, <100 ms, <1 s, rest
    std::uint64_t latency_sum_ns = 0;  // of the replies hist counts
};

struct ReplyCounters {
    std::uint64_t requests = 0, refused = 0, replies = 0, duplicates = 0, late = 0, unsolicited = 0,
                  timeouts = 0, records = 0, dests = 0, permissive = 0, services = 0, no_conn = 0;
};

struct IcmpVipCounters {
    std::uint64_t enabled = 0, rewritten_v4 = 0, rewritten_v6 = 0, generated_v4 = 0,
                  already_vip = 0, duplicates = 0, ratelimited = 0, failed = 0;
};

struct Counters {
    std::vector<std::pair<ServiceKey, SipCounters>> sip;
    std::vector<std::pair<ServiceKey, RadiusCounters>> radius;
    std::optional<ReplyCounters> reply;
    std::optional<IcmpVipCounters> icmp_vip;
};

enum class EventReason : std::uint32_t {
    dest_removed = 0,
    dest_quiesced = 1,
    flushed = 2,
    reply_timeouts = 3
};
IPVS_UDP_API std::string_view reason_name(EventReason r);

struct Event {
    EventReason reason = EventReason::dest_removed;
    std::optional<ServiceKey> service;
    std::optional<DestKey> dest;
    std::uint32_t bindings = 0;
    std::uint64_t timeouts = 0;
    std::uint32_t threshold = 0;
};

class IPVS_UDP_API Client {
  public:
    static Result<Client> open();
    explicit Client(std::unique_ptr<Transport> t);
    Client(Client&&) noexcept;
    Client& operator=(Client&&) noexcept;
    ~Client();

    Result<SipService> sip_get(const ServiceKey& service);
    Result<void> sip_set(const ServiceKey& service, const SipSettings& s);
    Result<RadiusService> radius_get(const ServiceKey& service);
    Result<void> radius_set(const ServiceKey& service, const RadiusSettings& s);
    // The binding of one key, a Call-ID or a radius key, of a sip or
    // radius service (ENOENT when it has none).
    Result<Binding> binding(const ServiceKey& service, std::string_view call_id);
    // Dump bindings: of every sip and radius service, or of one,
    // optionally of one real server only.
    Result<std::vector<Binding>> bindings(const std::optional<ServiceKey>& service = std::nullopt,
                                          const std::optional<DestKey>& dest = std::nullopt);
    // Remove bindings of a sip or radius service: all, those of one
    // server, or one key (a Call-ID, a radius key). Returns how many were
    // removed.
    Result<std::uint32_t> flush(const ServiceKey& service,
                                const std::optional<DestKey>& dest = std::nullopt,
                                const std::optional<std::string>& call_id = std::nullopt);
    // The namespace's settings, or those in effect for one service.
    Result<ReplySettings> reply_settings(const std::optional<ServiceKey>& service = std::nullopt);
    // Change the namespace's settings, or a service's own (timeout_ms,
    // strict, txid_match; the engine keeps them until reset_reply_settings,
    // also after the service is deleted).
    Result<void> set_reply_settings(const ReplySettings& s,
                                    const std::optional<ServiceKey>& service = std::nullopt);
    // Drop a service's own settings (ENOENT when it has none).
    Result<void> reset_reply_settings(const ServiceKey& service);
    Result<std::vector<ReplyDest>> reply_dests();
    Result<ReplyDest> reply_dest(const DestKey& d);
    Result<Counters> counters(const std::optional<ServiceKey>& service = std::nullopt);

  private:
    struct State;
    std::unique_ptr<State> st_;
};

// Notifications of the "events" multicast group, on their own socket.
class IPVS_UDP_API Watcher {
  public:
    static Result<Watcher> open();
    explicit Watcher(std::unique_ptr<Transport> t);
    Watcher(Watcher&&) noexcept;
    Watcher& operator=(Watcher&&) noexcept;
    ~Watcher();

    // Resolve the family and join its "events" group.
    Result<void> subscribe();
    // The next events (ETIMEDOUT after timeout_ms; < 0 waits forever).
    Result<std::vector<Event>> next(int timeout_ms = -1);

  private:
    struct State;
    std::unique_ptr<State> st_;
};

}  // namespace ipvsudp::udp
