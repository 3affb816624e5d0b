// SPDX-License-Identifier: LGPL-2.1-or-later
//
// IPVS's generic netlink family "IPVS": the attribute layout of
// <linux/ip_vs.h> as the kernel (net/netfilter/ipvs/ip_vs_ctl.c) and
// ipvsadm use it.
#include "ipvs-udp/ipvs.h"

#include <arpa/inet.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "codec.h"

namespace ipvsudp::ipvs {

std::string_view forward_name(Forward f) {
    switch (f) {
        case Forward::nat:
            return "nat";
        case Forward::local:
            return "local";
        case Forward::tunnel:
            return "tunnel";
        case Forward::direct:
            return "route";
        case Forward::bypass:
            return "bypass";
    }
    return "?";
}

std::optional<Forward> parse_forward(std::string_view s) {
    if (s == "nat" || s == "masq" || s == "m") return Forward::nat;
    if (s == "route" || s == "dr" || s == "direct" || s == "g") return Forward::direct;
    if (s == "tunnel" || s == "tun" || s == "ipip" || s == "i") return Forward::tunnel;
    return std::nullopt;
}

std::string Destination::str() const {
    return address.with_port(port);
}

std::string Info::version_str() const {
    return std::to_string((version >> 16) & 0xff) + "." + std::to_string((version >> 8) & 0xff) +
           "." + std::to_string(version & 0xff);
}

// ---------------------------------------------------------------- encode

namespace {

std::span<const std::uint8_t> addr_bytes(const Address& a) {
    // union nf_inet_addr: 16 bytes, IPv4 in the first 4.
    return {reinterpret_cast<const std::uint8_t*>(&a.addr), sizeof(a.addr)};
}

std::uint32_t default_netmask(int family) {
    return family == AF_INET6 ? 128 : 0xffffffffu;
}

}  // namespace

void put_service_key(MessageBuilder& b, const ServiceKey& k) {
    b.u16(IPVS_SVC_ATTR_AF, static_cast<std::uint16_t>(k.address.family));
    if (k.fwmark) {
        b.u32(IPVS_SVC_ATTR_FWMARK, k.fwmark);
    } else {
        b.u16(IPVS_SVC_ATTR_PROTOCOL, k.protocol);
        b.bytes(IPVS_SVC_ATTR_ADDR, addr_bytes(k.address));
        b.u16(IPVS_SVC_ATTR_PORT, htons(k.port));
    }
}

void put_service(MessageBuilder& b, const Service& s) {
    put_service_key(b, s.key);
    b.str(IPVS_SVC_ATTR_SCHED_NAME, s.scheduler);
    if (!s.pe_name.empty()) b.str(IPVS_SVC_ATTR_PE_NAME, s.pe_name);
    ip_vs_flags f{s.flags & ~kHashed, ~0u};
    b.bytes(IPVS_SVC_ATTR_FLAGS, {reinterpret_cast<const std::uint8_t*>(&f), sizeof(f)});
    b.u32(IPVS_SVC_ATTR_TIMEOUT, s.timeout);
    b.u32(IPVS_SVC_ATTR_NETMASK, s.netmask ? s.netmask : default_netmask(s.key.address.family));
}

void put_destination(MessageBuilder& b, const Destination& d, bool full) {
    b.bytes(IPVS_DEST_ATTR_ADDR, addr_bytes(d.address));
    b.u16(IPVS_DEST_ATTR_PORT, htons(d.port));
    b.u16(IPVS_DEST_ATTR_ADDR_FAMILY, static_cast<std::uint16_t>(d.address.family));
    if (!full) return;
    b.u32(IPVS_DEST_ATTR_FWD_METHOD, static_cast<std::uint32_t>(d.forward));
    b.u32(IPVS_DEST_ATTR_WEIGHT, d.weight);
    b.u32(IPVS_DEST_ATTR_U_THRESH, d.upper_threshold);
    b.u32(IPVS_DEST_ATTR_L_THRESH, d.lower_threshold);
    if (d.forward == Forward::tunnel && d.tun_type) {
        b.u8(IPVS_DEST_ATTR_TUN_TYPE, d.tun_type);
        b.u16(IPVS_DEST_ATTR_TUN_PORT, htons(d.tun_port));
        b.u16(IPVS_DEST_ATTR_TUN_FLAGS, d.tun_flags);
    }
}

// ---------------------------------------------------------------- decode

namespace {

Stats decode_stats(const Attrs& parent, int a64, int a32) {
    Stats s;
    const bool wide = parent.has(a64);
    Attrs a = Attrs::nested(parent.get(wide ? a64 : a32), IPVS_STATS_ATTR_MAX);
    s.conns = a.uint(IPVS_STATS_ATTR_CONNS);
    s.inpkts = a.uint(IPVS_STATS_ATTR_INPKTS);
    s.outpkts = a.uint(IPVS_STATS_ATTR_OUTPKTS);
    s.inbytes = a.uint(IPVS_STATS_ATTR_INBYTES);
    s.outbytes = a.uint(IPVS_STATS_ATTR_OUTBYTES);
    s.cps = a.uint(IPVS_STATS_ATTR_CPS);
    s.inpps = a.uint(IPVS_STATS_ATTR_INPPS);
    s.outpps = a.uint(IPVS_STATS_ATTR_OUTPPS);
    s.inbps = a.uint(IPVS_STATS_ATTR_INBPS);
    s.outbps = a.uint(IPVS_STATS_ATTR_OUTBPS);
    return s;
}

bool read_addr(const Attrs& a, int type, int family, Address& out) {
    auto b = a.bytes(type);
    const std::size_t need = family == AF_INET6 ? 16 : 4;
    if (b.size() < need) return false;
    out.family = family;
    out.addr = in6_addr{};
    std::memcpy(&out.addr, b.data(), need);
    return true;
}

}  // namespace

std::optional<Service> decode_service(const GenlMessage& m) {
    Attrs top = m.attrs(IPVS_CMD_ATTR_MAX);
    if (!top.has(IPVS_CMD_ATTR_SERVICE)) return std::nullopt;
    Attrs a = Attrs::nested(top.get(IPVS_CMD_ATTR_SERVICE), IPVS_SVC_ATTR_MAX);
    if (!a.has(IPVS_SVC_ATTR_AF)) return std::nullopt;
    Service s;
    const int af = a.u16(IPVS_SVC_ATTR_AF);
    if (af != AF_INET && af != AF_INET6) return std::nullopt;
    s.key.address.family = af;
    s.key.fwmark = a.u32(IPVS_SVC_ATTR_FWMARK);
    if (!s.key.fwmark) {
        s.key.protocol = a.u16(IPVS_SVC_ATTR_PROTOCOL);
        if (!read_addr(a, IPVS_SVC_ATTR_ADDR, af, s.key.address)) return std::nullopt;
        s.key.port = ntohs(a.u16(IPVS_SVC_ATTR_PORT));
    }
    s.scheduler = a.str(IPVS_SVC_ATTR_SCHED_NAME);
    s.pe_name = a.str(IPVS_SVC_ATTR_PE_NAME);
    auto f = a.bytes(IPVS_SVC_ATTR_FLAGS);
    if (f.size() >= sizeof(std::uint32_t)) std::memcpy(&s.flags, f.data(), sizeof(s.flags));
    s.timeout = a.u32(IPVS_SVC_ATTR_TIMEOUT);
    s.netmask = a.u32(IPVS_SVC_ATTR_NETMASK);
    s.stats = decode_stats(a, IPVS_SVC_ATTR_STATS64, IPVS_SVC_ATTR_STATS);
    return s;
}

std::optional<Destination> decode_destination(const GenlMessage& m) {
    Attrs top = m.attrs(IPVS_CMD_ATTR_MAX);
    if (!top.has(IPVS_CMD_ATTR_DEST)) return std::nullopt;
    Attrs a = Attrs::nested(top.get(IPVS_CMD_ATTR_DEST), IPVS_DEST_ATTR_MAX);
    Destination d;
    int af = a.u16(IPVS_DEST_ATTR_ADDR_FAMILY, AF_INET);
    if (af != AF_INET && af != AF_INET6) return std::nullopt;
    if (!read_addr(a, IPVS_DEST_ATTR_ADDR, af, d.address)) return std::nullopt;
    d.port = ntohs(a.u16(IPVS_DEST_ATTR_PORT));
    d.forward = static_cast<Forward>(a.u32(IPVS_DEST_ATTR_FWD_METHOD) & IP_VS_CONN_F_FWD_MASK);
    d.weight = a.u32(IPVS_DEST_ATTR_WEIGHT);
    d.upper_threshold = a.u32(IPVS_DEST_ATTR_U_THRESH);
    d.lower_threshold = a.u32(IPVS_DEST_ATTR_L_THRESH);
    d.active_conns = a.u32(IPVS_DEST_ATTR_ACTIVE_CONNS);
    d.inactive_conns = a.u32(IPVS_DEST_ATTR_INACT_CONNS);
    d.persist_conns = a.u32(IPVS_DEST_ATTR_PERSIST_CONNS);
    d.tun_type = a.u8(IPVS_DEST_ATTR_TUN_TYPE);
    d.tun_port = ntohs(a.u16(IPVS_DEST_ATTR_TUN_PORT));
    d.tun_flags = a.u16(IPVS_DEST_ATTR_TUN_FLAGS);
    d.stats = decode_stats(a, IPVS_DEST_ATTR_STATS64, IPVS_DEST_ATTR_STATS);
    return d;
}

// ---------------------------------------------------------------- /proc

namespace {

bool parse_proc_addr(std::string_view t, Address& a) {
    if (t.size() == 8 && t.find(':') == std::string_view::npos) {
        std::uint32_t v;
        auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v, 16);
        if (ec != std::errc{} || p != t.data() + t.size()) return false;
        a.family = AF_INET;
        a.addr = in6_addr{};
        const std::uint32_t be = htonl(v);
        std::memcpy(&a.addr, &be, 4);
        return true;
    }
    auto parsed = Address::parse(t);
    if (!parsed) return false;
    a = *parsed;
    return true;
}

bool parse_hex16(std::string_view t, std::uint16_t& v) {
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v, 16);
    return ec == std::errc{} && p == t.data() + t.size();
}

}  // namespace

Result<std::vector<Connection>> parse_connections(std::string_view text) {
    std::vector<Connection> out;
    std::istringstream in{std::string(text)};
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (header) {
            header = false;
            if (line.starts_with("Pro ")) continue;
        }
        if (line.empty()) continue;
        std::istringstream ls(line);
        std::vector<std::string> f;
        for (std::string w; ls >> w;) f.push_back(w);
        Connection c;
        if (f.size() < 9 || !parse_proc_addr(f[1], c.client) || !parse_hex16(f[2], c.client_port) ||
            !parse_proc_addr(f[3], c.virt) || !parse_hex16(f[4], c.virt_port) ||
            !parse_proc_addr(f[5], c.dest) || !parse_hex16(f[6], c.dest_port))
            return Error::from_errno(EBADMSG, "parse /proc/net/ip_vs_conn", "bad line: " + line);
        c.protocol = f[0];
        c.state = f[7];
        auto [p, ec] = std::from_chars(f[8].data(), f[8].data() + f[8].size(), c.expires);
        if (ec != std::errc{})
            return Error::from_errno(EBADMSG, "parse /proc/net/ip_vs_conn", "bad line: " + line);
        if (f.size() > 9) c.pe_name = f[9];
        if (f.size() > 10) c.pe_data = f[10];
        out.push_back(std::move(c));
    }
    return out;
}

// ---------------------------------------------------------------- client

struct Client::State {
    FamilyChannel ch;
    std::string proc_conn;
    State(std::unique_ptr<Transport> t, std::string p)
        : ch(std::move(t), IPVS_GENL_NAME, IPVS_GENL_VERSION), proc_conn(std::move(p)) {}
};

Client::Client(std::unique_ptr<Transport> t, std::string proc_conn)
    : st_(std::make_unique<State>(std::move(t), std::move(proc_conn))) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

Result<Client> Client::open() {
    auto t = open_kernel_transport();
    if (!t) return t.error();
    return Client(std::move(*t));
}

Result<Info> Client::info() {
    auto r = st_->ch.request(IPVS_CMD_GET_INFO, 0, "get IPVS info", nullptr);
    if (!r) return r.error();
    for (const auto& m : *r) {
        Attrs a = m.attrs(IPVS_INFO_ATTR_MAX);
        if (a.has(IPVS_INFO_ATTR_VERSION))
            return Info{a.u32(IPVS_INFO_ATTR_VERSION), a.u32(IPVS_INFO_ATTR_CONN_TAB_SIZE)};
    }
    return Error::from_errno(EBADMSG, "get IPVS info", "no version in the reply");
}

Result<std::vector<Service>> Client::services() {
    auto r = st_->ch.request(IPVS_CMD_GET_SERVICE, NLM_F_DUMP, "list services", nullptr);
    if (!r) return r.error();
    std::vector<Service> v;
    for (const auto& m : *r)
        if (auto s = decode_service(m)) v.push_back(std::move(*s));
    return v;
}

Result<Service> Client::service(const ServiceKey& key) {
    const std::string ctx = "get service " + key.str();
    auto r = st_->ch.request(IPVS_CMD_GET_SERVICE, 0, ctx, [&](MessageBuilder& b) {
        int n = b.begin_nest(IPVS_CMD_ATTR_SERVICE);
        put_service_key(b, key);
        b.end_nest(n);
    });
    if (!r) return r.error();
    for (const auto& m : *r)
        if (auto s = decode_service(m)) return std::move(*s);
    return Error::from_errno(ESRCH, ctx);
}

Result<void> Client::add_service(const Service& s) {
    auto r = st_->ch.request(IPVS_CMD_NEW_SERVICE, 0, "add service " + s.key.str(),
                             [&](MessageBuilder& b) {
                                 int n = b.begin_nest(IPVS_CMD_ATTR_SERVICE);
                                 put_service(b, s);
                                 b.end_nest(n);
                             });
    if (!r) return r.error();
    return {};
}

Result<void> Client::edit_service(const Service& s) {
    auto r = st_->ch.request(IPVS_CMD_SET_SERVICE, 0, "edit service " + s.key.str(),
                             [&](MessageBuilder& b) {
                                 int n = b.begin_nest(IPVS_CMD_ATTR_SERVICE);
                                 put_service(b, s);
                                 b.end_nest(n);
                             });
    if (!r) return r.error();
    return {};
}

Result<void> Client::del_service(const ServiceKey& key) {
    auto r = st_->ch.request(IPVS_CMD_DEL_SERVICE, 0, "delete service " + key.str(),
                             [&](MessageBuilder& b) {
                                 int n = b.begin_nest(IPVS_CMD_ATTR_SERVICE);
                                 put_service_key(b, key);
                                 b.end_nest(n);
                             });
    if (!r) return r.error();
    return {};
}

Result<std::vector<Destination>> Client::destinations(const ServiceKey& key) {
    auto r = st_->ch.request(IPVS_CMD_GET_DEST, NLM_F_DUMP, "list destinations of " + key.str(),
                             [&](MessageBuilder& b) {
                                 int n = b.begin_nest(IPVS_CMD_ATTR_SERVICE);
                                 put_service_key(b, key);
                                 b.end_nest(n);
                             });
    if (!r) return r.error();
    std::vector<Destination> v;
    for (const auto& m : *r)
        if (auto d = decode_destination(m)) v.push_back(std::move(*d));
    return v;
}

namespace {
std::function<void(MessageBuilder&)> dest_filler(const ServiceKey& key, const Destination& d,
                                                 bool full) {
    return [&key, &d, full](MessageBuilder& b) {
        int n = b.begin_nest(IPVS_CMD_ATTR_SERVICE);
        put_service_key(b, key);
        b.end_nest(n);
        n = b.begin_nest(IPVS_CMD_ATTR_DEST);
        put_destination(b, d, full);
        b.end_nest(n);
    };
}
}  // namespace

Result<void> Client::add_destination(const ServiceKey& key, const Destination& d) {
    auto r =
        st_->ch.request(IPVS_CMD_NEW_DEST, 0, "add destination " + d.str() + " to " + key.str(),
                        dest_filler(key, d, true));
    if (!r) return r.error();
    return {};
}

Result<void> Client::edit_destination(const ServiceKey& key, const Destination& d) {
    auto r =
        st_->ch.request(IPVS_CMD_SET_DEST, 0, "edit destination " + d.str() + " of " + key.str(),
                        dest_filler(key, d, true));
    if (!r) return r.error();
    return {};
}

Result<void> Client::del_destination(const ServiceKey& key, const Destination& d) {
    auto r =
        st_->ch.request(IPVS_CMD_DEL_DEST, 0, "delete destination " + d.str() + " of " + key.str(),
                        dest_filler(key, d, false));
    if (!r) return r.error();
    return {};
}

Result<Timeouts> Client::timeouts() {
    auto r = st_->ch.request(IPVS_CMD_GET_CONFIG, 0, "get timeouts", nullptr);
    if (!r) return r.error();
    for (const auto& m : *r) {
        Attrs a = m.attrs(IPVS_CMD_ATTR_MAX);
        if (a.has(IPVS_CMD_ATTR_TIMEOUT_UDP) || a.has(IPVS_CMD_ATTR_TIMEOUT_TCP))
            return Timeouts{a.u32(IPVS_CMD_ATTR_TIMEOUT_TCP), a.u32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN),
                            a.u32(IPVS_CMD_ATTR_TIMEOUT_UDP)};
    }
    return Error::from_errno(EBADMSG, "get timeouts", "no timeouts in the reply");
}

Result<void> Client::set_timeouts(const Timeouts& t) {
    auto r = st_->ch.request(IPVS_CMD_SET_CONFIG, 0, "set timeouts", [&](MessageBuilder& b) {
        if (t.tcp) b.u32(IPVS_CMD_ATTR_TIMEOUT_TCP, t.tcp);
        if (t.tcp_fin) b.u32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t.tcp_fin);
        if (t.udp) b.u32(IPVS_CMD_ATTR_TIMEOUT_UDP, t.udp);
    });
    if (!r) return r.error();
    return {};
}

Result<void> Client::zero(const std::optional<ServiceKey>& key) {
    auto r = st_->ch.request(IPVS_CMD_ZERO, 0, "zero counters", [&](MessageBuilder& b) {
        if (!key) return;
        int n = b.begin_nest(IPVS_CMD_ATTR_SERVICE);
        put_service_key(b, *key);
        b.end_nest(n);
    });
    if (!r) return r.error();
    return {};
}

Result<void> Client::flush() {
    auto r = st_->ch.request(IPVS_CMD_FLUSH, 0, "flush IPVS", nullptr);
    if (!r) return r.error();
    return {};
}

Result<std::vector<Connection>> Client::connections() {
    std::ifstream in(st_->proc_conn);
    if (!in) {
        Error e = Error::from_errno(errno ? errno : ENOENT, "read " + st_->proc_conn);
        if (e.errnum() == ENOENT) e.family_missing = true;
        e.family = IPVS_GENL_NAME;
        return e;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_connections(ss.str());
}

}  // namespace ipvsudp::ipvs
