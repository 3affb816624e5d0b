// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The ipvs_udp generic netlink family (netlink/ipvs_udp.yaml).
#include "ipvs-udp/udp.h"

#include <arpa/inet.h>
#include <linux/ipvs_udp.h>
#include <linux/netlink.h>
#include <netlink/attr.h>

#include <cerrno>
#include <cstring>

#include "codec.h"

namespace ipvsudp::udp {

std::string DestKey::str() const {
    return address.with_port(port);
}

std::string_view state_name(BindingState s) {
    switch (s) {
        case BindingState::transaction:
            return "transaction";
        case BindingState::early:
            return "early";
        case BindingState::dialog:
            return "dialog";
        case BindingState::linger:
            return "linger";
    }
    return "unknown";
}

std::string_view binding_state_name(const Binding& b) {
    if (b.scheduler == "radius") {
        switch (static_cast<RadiusBindingState>(b.state_value)) {
            case RadiusBindingState::conversation:
                return "conversation";
            case RadiusBindingState::state:
                return "state";
            case RadiusBindingState::acct:
                return "acct";
        }
        return "unknown";
    }
    return state_name(b.state);
}

std::span<const RadiusCounterField> radius_counter_fields() {
    using C = RadiusCounters;
    static constexpr RadiusCounterField f[] = {
        {"bindings", true, "Bindings of the radius service", &C::bindings,
         IPVS_UDP_A_RADIUS_COUNTERS_BINDINGS},
        {"messages", false, "Datagrams scheduled", &C::messages,
         IPVS_UDP_A_RADIUS_COUNTERS_MESSAGES},
        {"hits", false, "Datagrams whose key or State was bound", &C::hits,
         IPVS_UDP_A_RADIUS_COUNTERS_HITS},
        {"created", false, "Bindings created", &C::created, IPVS_UDP_A_RADIUS_COUNTERS_CREATED},
        {"expired", false, "Bindings expired", &C::expired, IPVS_UDP_A_RADIUS_COUNTERS_EXPIRED},
        {"moved", false, "Bindings moved to another server", &C::moved,
         IPVS_UDP_A_RADIUS_COUNTERS_MOVED},
        {"refused", false, "Keys not bound at the cap", &C::refused,
         IPVS_UDP_A_RADIUS_COUNTERS_REFUSED},
        {"nodest", false, "Datagrams without a usable server", &C::nodest,
         IPVS_UDP_A_RADIUS_COUNTERS_NODEST},
        {"unparsed", false, "Not a whole UDP datagram: placed by client address", &C::unparsed,
         IPVS_UDP_A_RADIUS_COUNTERS_UNPARSED},
        {"short", false, "Shorter than a RADIUS header: placed by client address", &C::too_short,
         IPVS_UDP_A_RADIUS_COUNTERS_SHORT},
        {"length", false, "Length field against the datagram: placed by client address",
         &C::bad_length, IPVS_UDP_A_RADIUS_COUNTERS_LENGTH},
        {"attr", false, "An attribute past Length: placed by client address", &C::bad_attr,
         IPVS_UDP_A_RADIUS_COUNTERS_ATTR},
        {"toomany", false, "Over 255 attributes: placed by client address", &C::too_many,
         IPVS_UDP_A_RADIUS_COUNTERS_TOOMANY},
        {"notreq", false, "A Code that is not a request: placed by client address", &C::not_request,
         IPVS_UDP_A_RADIUS_COUNTERS_NOTREQ},
        {"status", false, "Status-Server: placed by client address", &C::status_server,
         IPVS_UDP_A_RADIUS_COUNTERS_STATUS},
        {"nokey", false, "Requests without key attributes: placed by client address", &C::nokey,
         IPVS_UDP_A_RADIUS_COUNTERS_NOKEY},
        {"dupstate", false, "Requests with two States (both ignored)", &C::dup_state,
         IPVS_UDP_A_RADIUS_COUNTERS_DUPSTATE},
        {"oversized", false, "Keys over 255 bytes: hashed, never bound", &C::oversized,
         IPVS_UDP_A_RADIUS_COUNTERS_OVERSIZED},
        {"state_hits", false, "Requests whose bound State decided", &C::state_hits,
         IPVS_UDP_A_RADIUS_COUNTERS_STATE_HITS},
        {"state_misses", false, "Requests with a State not bound", &C::state_misses,
         IPVS_UDP_A_RADIUS_COUNTERS_STATE_MISSES},
        {"learned", false, "States bound from Access-Challenges", &C::learned,
         IPVS_UDP_A_RADIUS_COUNTERS_LEARNED},
    };
    return f;
}

// The layout of kernel/ip_vs_radius_parse.h (ip_vs_radius_key_of() and the
// scheduler's State keys): kind; then the State, or the NAS identity's
// attribute type (0: none), length and value, then the value.
RadiusKey decode_radius_key(std::string_view key) {
    RadiusKey k;
    k.kind = "unknown";
    if (key.empty()) return k;
    const auto kind = static_cast<unsigned char>(key[0]);
    if (kind == 4) {
        k.kind = "state";
        k.value = std::string(key.substr(1));
        return k;
    }
    static constexpr const char* kinds[] = {nullptr, "calling-station-id", "user-name",
                                            "acct-session-id"};
    if (kind < 1 || kind > 3 || key.size() < 2) return k;
    k.kind = kinds[kind];
    const auto type = static_cast<unsigned char>(key[1]);
    std::size_t off = 2;
    if (type) {
        if (key.size() < 3 || key.size() < 3u + static_cast<unsigned char>(key[2])) {
            k.kind = "unknown";
            return k;
        }
        const std::size_t n = static_cast<unsigned char>(key[2]);
        const std::string_view v = key.substr(3, n);
        char a[INET6_ADDRSTRLEN];
        if (type == 4 && n == 4) {
            k.nas_type = "nas-ip";
            k.nas = inet_ntop(AF_INET, v.data(), a, sizeof(a));
        } else if (type == 95 && n == 16) {
            k.nas_type = "nas-ipv6";
            k.nas = inet_ntop(AF_INET6, v.data(), a, sizeof(a));
        } else {
            k.nas_type = "nas-id";
            k.nas = std::string(v);
        }
        off = 3 + n;
    }
    k.value = std::string(key.substr(off));
    return k;
}

std::string radius_state_key(std::string_view state) {
    return std::string(1, '\x04') + std::string(state);
}

std::string_view reason_name(EventReason r) {
    switch (r) {
        case EventReason::dest_removed:
            return "dest-removed";
        case EventReason::dest_quiesced:
            return "dest-quiesced";
        case EventReason::flushed:
            return "flushed";
        case EventReason::reply_timeouts:
            return "reply-timeouts";
    }
    return "unknown";
}

// ---------------------------------------------------------------- encode

namespace {
std::span<const std::uint8_t> addr_bytes(const Address& a) {
    // 4 bytes for AF_INET, 16 for AF_INET6 (checked by the handlers).
    return {reinterpret_cast<const std::uint8_t*>(&a.addr),
            a.family == AF_INET6 ? sizeof(a.addr) : 4u};
}
}  // namespace

void put_service(MessageBuilder& b, int type, const ServiceKey& k) {
    int n = b.begin_nest(type);
    b.u16(IPVS_UDP_A_SERVICE_AF, static_cast<std::uint16_t>(k.address.family));
    if (k.fwmark) {
        b.u32(IPVS_UDP_A_SERVICE_FWMARK, k.fwmark);
    } else {
        b.u16(IPVS_UDP_A_SERVICE_PROTOCOL, k.protocol);
        b.bytes(IPVS_UDP_A_SERVICE_ADDR, addr_bytes(k.address));
        b.u16(IPVS_UDP_A_SERVICE_PORT, htons(k.port));
    }
    b.end_nest(n);
}

void put_dest(MessageBuilder& b, int type, const DestKey& d) {
    int n = b.begin_nest(type);
    b.u16(IPVS_UDP_A_DEST_AF, static_cast<std::uint16_t>(d.address.family));
    b.bytes(IPVS_UDP_A_DEST_ADDR, addr_bytes(d.address));
    b.u16(IPVS_UDP_A_DEST_PORT, htons(d.port));
    b.end_nest(n);
}

// ---------------------------------------------------------------- decode

namespace {
bool read_addr(std::span<const std::uint8_t> b, int af, Address& out) {
    const std::size_t need = af == AF_INET6 ? 16 : 4;
    if ((af != AF_INET && af != AF_INET6) || b.size() != need) return false;
    out.family = af;
    out.addr = in6_addr{};
    std::memcpy(&out.addr, b.data(), need);
    return true;
}
}  // namespace

std::optional<ServiceKey> decode_service(const nlattr* nest) {
    if (!nest) return std::nullopt;
    Attrs a = Attrs::nested(nest, IPVS_UDP_A_SERVICE_MAX);
    ServiceKey k;
    const int af = a.u16(IPVS_UDP_A_SERVICE_AF);
    if (af != AF_INET && af != AF_INET6) return std::nullopt;
    k.address.family = af;
    if (a.has(IPVS_UDP_A_SERVICE_FWMARK)) {
        k.fwmark = a.u32(IPVS_UDP_A_SERVICE_FWMARK);
        return k;
    }
    k.protocol = a.u16(IPVS_UDP_A_SERVICE_PROTOCOL);
    if (!read_addr(a.bytes(IPVS_UDP_A_SERVICE_ADDR), af, k.address)) return std::nullopt;
    k.port = ntohs(a.u16(IPVS_UDP_A_SERVICE_PORT));
    return k;
}

std::optional<DestKey> decode_dest(const nlattr* nest) {
    if (!nest) return std::nullopt;
    Attrs a = Attrs::nested(nest, IPVS_UDP_A_DEST_MAX);
    DestKey d;
    if (!read_addr(a.bytes(IPVS_UDP_A_DEST_ADDR), a.u16(IPVS_UDP_A_DEST_AF), d.address))
        return std::nullopt;
    d.port = ntohs(a.u16(IPVS_UDP_A_DEST_PORT));
    return d;
}

namespace {

SipSettings decode_sip_settings(const nlattr* nest) {
    SipSettings s;
    Attrs a = Attrs::nested(nest, IPVS_UDP_A_SIP_SETTINGS_MAX);
    auto opt32 = [&a](int t) -> std::optional<std::uint32_t> {
        if (!a.has(t)) return std::nullopt;
        return a.u32(t);
    };
    s.dialog_timeout = opt32(IPVS_UDP_A_SIP_SETTINGS_DIALOG_TIMEOUT);
    s.early_timeout = opt32(IPVS_UDP_A_SIP_SETTINGS_EARLY_TIMEOUT);
    s.transaction_timeout = opt32(IPVS_UDP_A_SIP_SETTINGS_TRANSACTION_TIMEOUT);
    s.linger_timeout = opt32(IPVS_UDP_A_SIP_SETTINGS_LINGER_TIMEOUT);
    s.max_bindings = opt32(IPVS_UDP_A_SIP_SETTINGS_MAX_BINDINGS);
    if (a.has(IPVS_UDP_A_SIP_SETTINGS_SEED)) s.seed = a.uint(IPVS_UDP_A_SIP_SETTINGS_SEED);
    s.drain_policy = opt32(IPVS_UDP_A_SIP_SETTINGS_DRAIN_POLICY);
    s.svc_flags = opt32(IPVS_UDP_A_SIP_SETTINGS_SVC_FLAGS);
    return s;
}

SipCounters decode_sip_counters(const nlattr* nest) {
    Attrs a = Attrs::nested(nest, IPVS_UDP_A_SIP_COUNTERS_MAX);
    SipCounters c;
    c.bindings = a.uint(IPVS_UDP_A_SIP_COUNTERS_BINDINGS);
    c.messages = a.uint(IPVS_UDP_A_SIP_COUNTERS_MESSAGES);
    c.parsed = a.uint(IPVS_UDP_A_SIP_COUNTERS_PARSED);
    c.nokey = a.uint(IPVS_UDP_A_SIP_COUNTERS_NOKEY);
    c.oversized = a.uint(IPVS_UDP_A_SIP_COUNTERS_OVERSIZED);
    c.hits = a.uint(IPVS_UDP_A_SIP_COUNTERS_HITS);
    c.created = a.uint(IPVS_UDP_A_SIP_COUNTERS_CREATED);
    c.expired = a.uint(IPVS_UDP_A_SIP_COUNTERS_EXPIRED);
    c.moved = a.uint(IPVS_UDP_A_SIP_COUNTERS_MOVED);
    c.refused = a.uint(IPVS_UDP_A_SIP_COUNTERS_REFUSED);
    c.ended = a.uint(IPVS_UDP_A_SIP_COUNTERS_ENDED);
    c.nodest = a.uint(IPVS_UDP_A_SIP_COUNTERS_NODEST);
    c.toolong = a.uint(IPVS_UDP_A_SIP_COUNTERS_TOOLONG);
    return c;
}

RadiusSettings decode_radius_settings(const nlattr* nest) {
    RadiusSettings s;
    Attrs a = Attrs::nested(nest, IPVS_UDP_A_RADIUS_SETTINGS_MAX);
    auto opt32 = [&a](int t) -> std::optional<std::uint32_t> {
        if (!a.has(t)) return std::nullopt;
        return a.u32(t);
    };
    s.conversation_timeout = opt32(IPVS_UDP_A_RADIUS_SETTINGS_CONVERSATION_TIMEOUT);
    s.acct_timeout = opt32(IPVS_UDP_A_RADIUS_SETTINGS_ACCT_TIMEOUT);
    s.max_bindings = opt32(IPVS_UDP_A_RADIUS_SETTINGS_MAX_BINDINGS);
    if (a.has(IPVS_UDP_A_RADIUS_SETTINGS_SEED)) s.seed = a.uint(IPVS_UDP_A_RADIUS_SETTINGS_SEED);
    s.drain_policy = opt32(IPVS_UDP_A_RADIUS_SETTINGS_DRAIN_POLICY);
    s.svc_flags = opt32(IPVS_UDP_A_RADIUS_SETTINGS_SVC_FLAGS);
    return s;
}

RadiusCounters decode_radius_counters(const nlattr* nest) {
    Attrs a = Attrs::nested(nest, IPVS_UDP_A_RADIUS_COUNTERS_MAX);
    RadiusCounters c;
    for (const auto& f : radius_counter_fields()) c.*f.member = a.uint(f.attr);
    return c;
}

std::string bytes_str(std::span<const std::uint8_t> b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::optional<Binding> decode_binding(const ServiceKey& svc, const nlattr* nest,
                                      std::string scheduler) {
    Attrs a = Attrs::nested(nest, IPVS_UDP_A_BINDING_MAX);
    Binding b;
    b.service = svc;
    // Modules before radius send call-id only, and only sip bindings.
    b.scheduler = scheduler.empty() ? "sip" : std::move(scheduler);
    if (a.has(IPVS_UDP_A_BINDING_CALL_ID))
        b.call_id = bytes_str(a.bytes(IPVS_UDP_A_BINDING_CALL_ID));
    b.key = a.has(IPVS_UDP_A_BINDING_KEY) ? bytes_str(a.bytes(IPVS_UDP_A_BINDING_KEY)) : b.call_id;
    if (b.key.empty()) return std::nullopt;
    b.dest = decode_dest(a.get(IPVS_UDP_A_BINDING_DEST));
    b.state_value = a.u32(IPVS_UDP_A_BINDING_STATE);
    b.state = static_cast<BindingState>(b.state_value);
    b.age_ms = a.uint(IPVS_UDP_A_BINDING_AGE_MS);
    b.idle_ms = a.uint(IPVS_UDP_A_BINDING_IDLE_MS);
    b.expires_ms = a.uint(IPVS_UDP_A_BINDING_EXPIRES_MS);
    return b;
}

ReplySettings decode_reply_settings(const nlattr* nest) {
    Attrs a = Attrs::nested(nest, IPVS_UDP_A_REPLY_SETTINGS_MAX);
    ReplySettings s;
    if (a.has(IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_MS))
        s.timeout_ms = a.u32(IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_MS);
    if (a.has(IPVS_UDP_A_REPLY_SETTINGS_MAX_REQUESTS))
        s.max_requests = a.u32(IPVS_UDP_A_REPLY_SETTINGS_MAX_REQUESTS);
    if (a.has(IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_THRESHOLD))
        s.timeout_threshold = a.u32(IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_THRESHOLD);
    if (a.has(IPVS_UDP_A_REPLY_SETTINGS_STRICT))
        s.strict = a.u32(IPVS_UDP_A_REPLY_SETTINGS_STRICT) != 0;
    if (a.has(IPVS_UDP_A_REPLY_SETTINGS_TXID_MATCH))
        s.txid_match = a.u32(IPVS_UDP_A_REPLY_SETTINGS_TXID_MATCH) != 0;
    if (a.has(IPVS_UDP_A_REPLY_SETTINGS_OWN)) s.own = a.u32(IPVS_UDP_A_REPLY_SETTINGS_OWN) != 0;
    return s;
}

std::optional<ReplyDest> decode_reply_dest(const nlattr* nest) {
    Attrs a = Attrs::nested(nest, IPVS_UDP_A_REPLY_DEST_MAX);
    auto d = decode_dest(a.get(IPVS_UDP_A_REPLY_DEST_DEST));
    if (!d) return std::nullopt;
    ReplyDest r;
    r.dest = *d;
    r.requests = a.uint(IPVS_UDP_A_REPLY_DEST_REQUESTS);
    r.replies = a.uint(IPVS_UDP_A_REPLY_DEST_REPLIES);
    r.timeouts = a.uint(IPVS_UDP_A_REPLY_DEST_TIMEOUTS);
    r.duplicates = a.uint(IPVS_UDP_A_REPLY_DEST_DUPLICATES);
    r.late = a.uint(IPVS_UDP_A_REPLY_DEST_LATE);
    r.outstanding = a.uint(IPVS_UDP_A_REPLY_DEST_OUTSTANDING);
    r.ewma_ns = a.uint(IPVS_UDP_A_REPLY_DEST_EWMA_NS);
    r.latency_sum_ns = a.uint(IPVS_UDP_A_REPLY_DEST_LATENCY_SUM_NS);
    for (const nlattr* h : a.all(IPVS_UDP_A_REPLY_DEST_HIST))
        r.hist.push_back(nla_len(h) == 4 ? nla_get_u32(const_cast<nlattr*>(h))
                                         : nla_get_u64(const_cast<nlattr*>(h)));
    return r;
}

}  // namespace

std::optional<Event> decode_event(const GenlMessage& m) {
    if (m.cmd != IPVS_UDP_CMD_DEST_EVENT) return std::nullopt;
    Attrs a = m.attrs(IPVS_UDP_A_EVENT_MAX);
    if (!a.has(IPVS_UDP_A_EVENT_REASON)) return std::nullopt;
    Event e;
    e.reason = static_cast<EventReason>(a.u32(IPVS_UDP_A_EVENT_REASON));
    e.service = decode_service(a.get(IPVS_UDP_A_EVENT_SERVICE));
    e.dest = decode_dest(a.get(IPVS_UDP_A_EVENT_DEST));
    e.bindings = a.u32(IPVS_UDP_A_EVENT_BINDINGS);
    e.timeouts = a.uint(IPVS_UDP_A_EVENT_TIMEOUTS);
    e.threshold = a.u32(IPVS_UDP_A_EVENT_THRESHOLD);
    return e;
}

// ---------------------------------------------------------------- client

namespace {
// ip_vs_udp_nl answers EOPNOTSUPP when the module serving a command is not
// loaded, and for read-only settings (svc-flags, own), which this library
// never sends: so here it always means the former.
void classify(Error& e) {
    e.module_missing = e.errnum() == EOPNOTSUPP;
}
}  // namespace

struct Client::State {
    FamilyChannel ch;
    explicit State(std::unique_ptr<Transport> t)
        : ch(std::move(t), std::string(kFamily), IPVS_UDP_FAMILY_VERSION) {
        ch.set_classifier(classify);
    }
};

Client::Client(std::unique_ptr<Transport> t) : st_(std::make_unique<State>(std::move(t))) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

Result<Client> Client::open() {
    auto t = open_kernel_transport();
    if (!t) return t.error();
    return Client(std::move(*t));
}

Result<SipService> Client::sip_get(const ServiceKey& service) {
    const std::string ctx = "sip settings of " + service.str();
    auto r = st_->ch.request(IPVS_UDP_CMD_SIP_GET, 0, ctx, [&](MessageBuilder& b) {
        put_service(b, IPVS_UDP_A_SIP_SERVICE, service);
    });
    if (!r) return r.error();
    for (const auto& m : *r) {
        Attrs a = m.attrs(IPVS_UDP_A_SIP_MAX);
        if (!a.has(IPVS_UDP_A_SIP_SETTINGS) && !a.has(IPVS_UDP_A_SIP_COUNTERS)) continue;
        SipService s;
        s.service = decode_service(a.get(IPVS_UDP_A_SIP_SERVICE)).value_or(service);
        s.settings = decode_sip_settings(a.get(IPVS_UDP_A_SIP_SETTINGS));
        s.counters = decode_sip_counters(a.get(IPVS_UDP_A_SIP_COUNTERS));
        return s;
    }
    return Error::from_errno(EBADMSG, ctx, "no settings in the reply");
}

Result<void> Client::sip_set(const ServiceKey& service, const SipSettings& s) {
    auto r = st_->ch.request(
        IPVS_UDP_CMD_SIP_SET, 0, "set sip settings of " + service.str(), [&](MessageBuilder& b) {
            put_service(b, IPVS_UDP_A_SIP_SERVICE, service);
            int n = b.begin_nest(IPVS_UDP_A_SIP_SETTINGS);
            auto put = [&b](int t, const std::optional<std::uint32_t>& v) {
                if (v) b.u32(t, *v);
            };
            put(IPVS_UDP_A_SIP_SETTINGS_DIALOG_TIMEOUT, s.dialog_timeout);
            put(IPVS_UDP_A_SIP_SETTINGS_EARLY_TIMEOUT, s.early_timeout);
            put(IPVS_UDP_A_SIP_SETTINGS_TRANSACTION_TIMEOUT, s.transaction_timeout);
            put(IPVS_UDP_A_SIP_SETTINGS_LINGER_TIMEOUT, s.linger_timeout);
            put(IPVS_UDP_A_SIP_SETTINGS_MAX_BINDINGS, s.max_bindings);
            put(IPVS_UDP_A_SIP_SETTINGS_DRAIN_POLICY, s.drain_policy);
            if (s.seed) b.u64(IPVS_UDP_A_SIP_SETTINGS_SEED, *s.seed);
            b.end_nest(n);
        });
    if (!r) return r.error();
    return {};
}

Result<RadiusService> Client::radius_get(const ServiceKey& service) {
    const std::string ctx = "radius settings of " + service.str();
    auto r = st_->ch.request(IPVS_UDP_CMD_RADIUS_GET, 0, ctx, [&](MessageBuilder& b) {
        put_service(b, IPVS_UDP_A_RADIUS_SERVICE, service);
    });
    if (!r) return r.error();
    for (const auto& m : *r) {
        Attrs a = m.attrs(IPVS_UDP_A_RADIUS_MAX);
        if (!a.has(IPVS_UDP_A_RADIUS_SETTINGS) && !a.has(IPVS_UDP_A_RADIUS_COUNTERS)) continue;
        RadiusService s;
        s.service = decode_service(a.get(IPVS_UDP_A_RADIUS_SERVICE)).value_or(service);
        s.settings = decode_radius_settings(a.get(IPVS_UDP_A_RADIUS_SETTINGS));
        s.counters = decode_radius_counters(a.get(IPVS_UDP_A_RADIUS_COUNTERS));
        return s;
    }
    return Error::from_errno(EBADMSG, ctx, "no settings in the reply");
}

Result<void> Client::radius_set(const ServiceKey& service, const RadiusSettings& s) {
    auto r = st_->ch.request(IPVS_UDP_CMD_RADIUS_SET, 0, "set radius settings of " + service.str(),
                             [&](MessageBuilder& b) {
                                 put_service(b, IPVS_UDP_A_RADIUS_SERVICE, service);
                                 int n = b.begin_nest(IPVS_UDP_A_RADIUS_SETTINGS);
                                 auto put = [&b](int t, const std::optional<std::uint32_t>& v) {
                                     if (v) b.u32(t, *v);
                                 };
                                 put(IPVS_UDP_A_RADIUS_SETTINGS_CONVERSATION_TIMEOUT,
                                     s.conversation_timeout);
                                 put(IPVS_UDP_A_RADIUS_SETTINGS_ACCT_TIMEOUT, s.acct_timeout);
                                 put(IPVS_UDP_A_RADIUS_SETTINGS_MAX_BINDINGS, s.max_bindings);
                                 put(IPVS_UDP_A_RADIUS_SETTINGS_DRAIN_POLICY, s.drain_policy);
                                 if (s.seed) b.u64(IPVS_UDP_A_RADIUS_SETTINGS_SEED, *s.seed);
                                 b.end_nest(n);
                             });
    if (!r) return r.error();
    return {};
}

// The key goes as call-id, which every module version takes as the key of
// any keyed-affinity service.
Result<Binding> Client::binding(const ServiceKey& service, std::string_view call_id) {
    const std::string ctx = "binding of a key in " + service.str();
    auto r = st_->ch.request(IPVS_UDP_CMD_BINDING_GET, 0, ctx, [&](MessageBuilder& b) {
        put_service(b, IPVS_UDP_A_SIP_SERVICE, service);
        b.bytes(IPVS_UDP_A_SIP_CALL_ID,
                {reinterpret_cast<const std::uint8_t*>(call_id.data()), call_id.size()});
    });
    if (!r) return r.error();
    for (const auto& m : *r) {
        Attrs a = m.attrs(IPVS_UDP_A_SIP_MAX);
        auto svc = decode_service(a.get(IPVS_UDP_A_SIP_SERVICE)).value_or(service);
        if (!a.has(IPVS_UDP_A_SIP_BINDING)) continue;
        if (auto b =
                decode_binding(svc, a.get(IPVS_UDP_A_SIP_BINDING), a.str(IPVS_UDP_A_SIP_SCHEDULER)))
            return std::move(*b);
    }
    return Error::from_errno(ENOENT, ctx);
}

Result<std::vector<Binding>> Client::bindings(const std::optional<ServiceKey>& service,
                                              const std::optional<DestKey>& dest) {
    std::string ctx = "list bindings";
    if (service) ctx += " of " + service->str();
    auto r = st_->ch.request(IPVS_UDP_CMD_BINDING_GET, NLM_F_DUMP, ctx, [&](MessageBuilder& b) {
        if (service) put_service(b, IPVS_UDP_A_SIP_SERVICE, *service);
        if (dest) put_dest(b, IPVS_UDP_A_SIP_DEST, *dest);
    });
    if (!r) return r.error();
    std::vector<Binding> v;
    for (const auto& m : *r) {
        Attrs a = m.attrs(IPVS_UDP_A_SIP_MAX);
        auto svc = decode_service(a.get(IPVS_UDP_A_SIP_SERVICE));
        if (!svc) continue;
        const std::string sched = a.str(IPVS_UDP_A_SIP_SCHEDULER);
        for (const nlattr* n : a.all(IPVS_UDP_A_SIP_BINDING))
            if (auto b = decode_binding(*svc, n, sched)) v.push_back(std::move(*b));
    }
    return v;
}

Result<std::uint32_t> Client::flush(const ServiceKey& service, const std::optional<DestKey>& dest,
                                    const std::optional<std::string>& call_id) {
    std::string ctx = "flush bindings of " + service.str();
    if (dest) ctx += " to " + dest->str();
    auto r = st_->ch.request(IPVS_UDP_CMD_BINDING_FLUSH, 0, ctx, [&](MessageBuilder& b) {
        put_service(b, IPVS_UDP_A_SIP_SERVICE, service);
        if (dest) put_dest(b, IPVS_UDP_A_SIP_DEST, *dest);
        if (call_id)
            b.bytes(IPVS_UDP_A_SIP_CALL_ID,
                    {reinterpret_cast<const std::uint8_t*>(call_id->data()), call_id->size()});
    });
    if (!r) return r.error();
    for (const auto& m : *r) {
        Attrs a = m.attrs(IPVS_UDP_A_SIP_MAX);
        if (a.has(IPVS_UDP_A_SIP_COUNT)) return a.u32(IPVS_UDP_A_SIP_COUNT);
    }
    return 0u;
}

namespace {
std::string reply_ctx(const char* what, const std::optional<ServiceKey>& service) {
    return std::string(what) + " reply engine settings" +
           (service ? " of " + service->str() : std::string());
}
}  // namespace

Result<ReplySettings> Client::reply_settings(const std::optional<ServiceKey>& service) {
    const std::string ctx = reply_ctx("get", service);
    auto r = st_->ch.request(IPVS_UDP_CMD_REPLY_GET, 0, ctx, [&](MessageBuilder& b) {
        // The operation wants an attribute set: an empty nest.
        b.end_nest(b.begin_nest(IPVS_UDP_A_REPLY_SETTINGS));
        if (service) put_service(b, IPVS_UDP_A_REPLY_SERVICE, *service);
    });
    if (!r) return r.error();
    for (const auto& m : *r) {
        Attrs a = m.attrs(IPVS_UDP_A_REPLY_MAX);
        if (a.has(IPVS_UDP_A_REPLY_SETTINGS))
            return decode_reply_settings(a.get(IPVS_UDP_A_REPLY_SETTINGS));
    }
    return Error::from_errno(EBADMSG, ctx, "no settings in the reply");
}

Result<void> Client::set_reply_settings(const ReplySettings& s,
                                        const std::optional<ServiceKey>& service) {
    auto r = st_->ch.request(
        IPVS_UDP_CMD_REPLY_SET, 0, reply_ctx("set", service), [&](MessageBuilder& b) {
            int n = b.begin_nest(IPVS_UDP_A_REPLY_SETTINGS);
            if (s.timeout_ms) b.u32(IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_MS, *s.timeout_ms);
            if (s.max_requests) b.u32(IPVS_UDP_A_REPLY_SETTINGS_MAX_REQUESTS, *s.max_requests);
            if (s.timeout_threshold)
                b.u32(IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_THRESHOLD, *s.timeout_threshold);
            if (s.strict) b.u32(IPVS_UDP_A_REPLY_SETTINGS_STRICT, *s.strict ? 1 : 0);
            if (s.txid_match) b.u32(IPVS_UDP_A_REPLY_SETTINGS_TXID_MATCH, *s.txid_match ? 1 : 0);
            b.end_nest(n);
            if (service) put_service(b, IPVS_UDP_A_REPLY_SERVICE, *service);
        });
    if (!r) return r.error();
    return {};
}

Result<void> Client::reset_reply_settings(const ServiceKey& service) {
    auto r = st_->ch.request(IPVS_UDP_CMD_REPLY_SET, 0, reply_ctx("reset", service),
                             [&](MessageBuilder& b) {
                                 put_service(b, IPVS_UDP_A_REPLY_SERVICE, service);
                                 b.flag(IPVS_UDP_A_REPLY_RESET);
                             });
    if (!r) return r.error();
    return {};
}

Result<std::vector<ReplyDest>> Client::reply_dests() {
    auto r =
        st_->ch.request(IPVS_UDP_CMD_REPLY_DEST_GET, NLM_F_DUMP, "list reply accounting", nullptr);
    if (!r) return r.error();
    std::vector<ReplyDest> v;
    for (const auto& m : *r) {
        Attrs a = m.attrs(IPVS_UDP_A_REPLY_MAX);
        for (const nlattr* n : a.all(IPVS_UDP_A_REPLY_DEST))
            if (auto d = decode_reply_dest(n)) v.push_back(std::move(*d));
    }
    return v;
}

Result<ReplyDest> Client::reply_dest(const DestKey& d) {
    const std::string ctx = "reply accounting of " + d.str();
    auto r = st_->ch.request(IPVS_UDP_CMD_REPLY_DEST_GET, 0, ctx, [&](MessageBuilder& b) {
        int n = b.begin_nest(IPVS_UDP_A_REPLY_DEST);
        put_dest(b, IPVS_UDP_A_REPLY_DEST_DEST, d);
        b.end_nest(n);
    });
    if (!r) return r.error();
    for (const auto& m : *r) {
        Attrs a = m.attrs(IPVS_UDP_A_REPLY_MAX);
        if (auto x = decode_reply_dest(a.get(IPVS_UDP_A_REPLY_DEST))) return std::move(*x);
    }
    return Error::from_errno(ENOENT, ctx);
}

Result<Counters> Client::counters(const std::optional<ServiceKey>& service) {
    auto r = st_->ch.request(IPVS_UDP_CMD_COUNTERS_GET, 0, "get counters", [&](MessageBuilder& b) {
        if (service) put_service(b, IPVS_UDP_A_COUNTERS_SERVICE, *service);
    });
    if (!r) return r.error();
    Counters c;
    for (const auto& m : *r) {
        Attrs a = m.attrs(IPVS_UDP_A_COUNTERS_MAX);
        for (const nlattr* n : a.all(IPVS_UDP_A_COUNTERS_SIP)) {
            Attrs s = Attrs::nested(n, IPVS_UDP_A_SIP_SERVICE_MAX);
            auto k = decode_service(s.get(IPVS_UDP_A_SIP_SERVICE_SERVICE));
            if (k)
                c.sip.emplace_back(*k, decode_sip_counters(s.get(IPVS_UDP_A_SIP_SERVICE_COUNTERS)));
        }
        for (const nlattr* n : a.all(IPVS_UDP_A_COUNTERS_RADIUS)) {
            Attrs s = Attrs::nested(n, IPVS_UDP_A_RADIUS_SERVICE_MAX);
            auto k = decode_service(s.get(IPVS_UDP_A_RADIUS_SERVICE_SERVICE));
            if (k)
                c.radius.emplace_back(
                    *k, decode_radius_counters(s.get(IPVS_UDP_A_RADIUS_SERVICE_COUNTERS)));
        }
        if (const nlattr* n = a.get(IPVS_UDP_A_COUNTERS_REPLY)) {
            Attrs x = Attrs::nested(n, IPVS_UDP_A_REPLY_COUNTERS_MAX);
            ReplyCounters rc;
            rc.requests = x.uint(IPVS_UDP_A_REPLY_COUNTERS_REQUESTS);
            rc.refused = x.uint(IPVS_UDP_A_REPLY_COUNTERS_REFUSED);
            rc.replies = x.uint(IPVS_UDP_A_REPLY_COUNTERS_REPLIES);
            rc.duplicates = x.uint(IPVS_UDP_A_REPLY_COUNTERS_DUPLICATES);
            rc.late = x.uint(IPVS_UDP_A_REPLY_COUNTERS_LATE);
            rc.unsolicited = x.uint(IPVS_UDP_A_REPLY_COUNTERS_UNSOLICITED);
            rc.timeouts = x.uint(IPVS_UDP_A_REPLY_COUNTERS_TIMEOUTS);
            rc.records = x.uint(IPVS_UDP_A_REPLY_COUNTERS_RECORDS);
            rc.dests = x.uint(IPVS_UDP_A_REPLY_COUNTERS_DESTS);
            rc.permissive = x.uint(IPVS_UDP_A_REPLY_COUNTERS_PERMISSIVE);
            rc.no_conn = x.uint(IPVS_UDP_A_REPLY_COUNTERS_NO_CONN);
            rc.services = x.uint(IPVS_UDP_A_REPLY_COUNTERS_SERVICES);
            c.reply = rc;
        }
        if (const nlattr* n = a.get(IPVS_UDP_A_COUNTERS_ICMP_VIP)) {
            Attrs x = Attrs::nested(n, IPVS_UDP_A_ICMP_VIP_COUNTERS_MAX);
            IcmpVipCounters ic;
            ic.enabled = x.uint(IPVS_UDP_A_ICMP_VIP_COUNTERS_ENABLED);
            ic.rewritten_v4 = x.uint(IPVS_UDP_A_ICMP_VIP_COUNTERS_REWRITTEN_V4);
            ic.rewritten_v6 = x.uint(IPVS_UDP_A_ICMP_VIP_COUNTERS_REWRITTEN_V6);
            ic.generated_v4 = x.uint(IPVS_UDP_A_ICMP_VIP_COUNTERS_GENERATED_V4);
            ic.already_vip = x.uint(IPVS_UDP_A_ICMP_VIP_COUNTERS_ALREADY_VIP);
            ic.duplicates = x.uint(IPVS_UDP_A_ICMP_VIP_COUNTERS_DUPLICATES);
            ic.ratelimited = x.uint(IPVS_UDP_A_ICMP_VIP_COUNTERS_RATELIMITED);
            ic.failed = x.uint(IPVS_UDP_A_ICMP_VIP_COUNTERS_FAILED);
            c.icmp_vip = ic;
        }
    }
    return c;
}

// ---------------------------------------------------------------- watcher

struct Watcher::State {
    Channel ch;
    std::uint16_t family = 0;
    explicit State(std::unique_ptr<Transport> t) : ch(std::move(t)) {}
};

Watcher::Watcher(std::unique_ptr<Transport> t) : st_(std::make_unique<State>(std::move(t))) {}
Watcher::Watcher(Watcher&&) noexcept = default;
Watcher& Watcher::operator=(Watcher&&) noexcept = default;
Watcher::~Watcher() = default;

Result<Watcher> Watcher::open() {
    auto t = open_kernel_transport();
    if (!t) return t.error();
    return Watcher(std::move(*t));
}

Result<void> Watcher::subscribe() {
    auto f = st_->ch.resolve(kFamily);
    if (!f) return f.error();
    st_->family = f->id;
    for (const auto& [name, id] : f->mcast_groups)
        if (name == IPVS_UDP_MCGRP_EVENTS) return st_->ch.transport().join_group(id);
    return Error::from_errno(ENOENT, "subscribe to ipvs_udp events",
                             "the family has no \"events\" multicast group");
}

Result<std::vector<Event>> Watcher::next(int timeout_ms) {
    auto d = st_->ch.transport().receive(timeout_ms);
    if (!d) return d.error();
    ParsedReply out;
    if (!parse_datagram(*d, 0, out, "events"))
        return Error::from_errno(EBADMSG, "events", "malformed notification");
    std::vector<Event> v;
    for (const auto& m : out.messages) {
        std::uint16_t type;
        std::memcpy(&type, m.raw.data() + 4, sizeof(type));
        if (type != st_->family) continue;
        if (auto e = decode_event(m)) v.push_back(std::move(*e));
    }
    return v;
}

}  // namespace ipvsudp::udp
