// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Test doubles for the netlink tests: an independent netlink encoder (so
// expected bytes are not produced by the code under test) and a Transport
// that records requests and answers with canned kernel replies.
#pragma once

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "codec.h"
#include "netlink.h"

namespace nltest {

using ipvsudp::Bytes;

// Builds netlink messages byte by byte.
class Enc {
  public:
    Enc(std::uint16_t type, std::uint16_t flags, std::uint32_t seq) {
        put32(0);
        put16(type);
        put16(flags);
        put32(seq);
        put32(0);
    }
    Enc& genl(std::uint8_t cmd, std::uint8_t version) {
        b_.push_back(cmd);
        b_.push_back(version);
        put16(0);
        return *this;
    }
    Enc& raw(const void* p, std::size_t n) {
        const auto* c = static_cast<const std::uint8_t*>(p);
        b_.insert(b_.end(), c, c + n);
        return *this;
    }
    Enc& attr(std::uint16_t type, const void* p, std::size_t n) {
        put16(static_cast<std::uint16_t>(4 + n));
        put16(type);
        raw(p, n);
        pad();
        return *this;
    }
    Enc& u8(std::uint16_t t, std::uint8_t v) { return attr(t, &v, 1); }
    Enc& u16(std::uint16_t t, std::uint16_t v) { return attr(t, &v, 2); }
    Enc& u32(std::uint16_t t, std::uint32_t v) { return attr(t, &v, 4); }
    Enc& u64(std::uint16_t t, std::uint64_t v) { return attr(t, &v, 8); }
    Enc& str(std::uint16_t t, const std::string& s) { return attr(t, s.c_str(), s.size() + 1); }
    Enc& begin(std::uint16_t type) {
        nests_.push_back(b_.size());
        put16(0);
        put16(static_cast<std::uint16_t>(type | NLA_F_NESTED));
        return *this;
    }
    Enc& end() {
        std::size_t at = nests_.back();
        nests_.pop_back();
        auto len = static_cast<std::uint16_t>(b_.size() - at);
        std::memcpy(&b_[at], &len, 2);
        return *this;
    }
    Bytes bytes() const {
        Bytes out = b_;
        auto len = static_cast<std::uint32_t>(out.size());
        std::memcpy(out.data(), &len, 4);
        return out;
    }

  private:
    void put16(std::uint16_t v) { raw(&v, 2); }
    void put32(std::uint32_t v) { raw(&v, 4); }
    void pad() {
        while (b_.size() % 4) b_.push_back(0);
    }
    Bytes b_;
    std::vector<std::size_t> nests_;
};

inline Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

inline std::uint32_t seq_of(const Bytes& msg) {
    std::uint32_t s;
    std::memcpy(&s, msg.data() + 8, 4);
    return s;
}

// NLMSG_ERROR for request `req`: error 0 is an ACK; with a message the
// reply carries NLMSGERR_ATTR_MSG (capped: no copy of the request).
inline Bytes error_reply(const Bytes& req, int err, const std::string& msg = {},
                         bool capped = true) {
    std::uint16_t flags = 0;
    if (capped) flags |= NLM_F_CAPPED;
    if (!msg.empty()) flags |= NLM_F_ACK_TLVS;
    Enc e(NLMSG_ERROR, flags, seq_of(req));
    std::int32_t e32 = -err;
    e.raw(&e32, 4);
    if (capped)
        e.raw(req.data(), NLMSG_HDRLEN);
    else
        e.raw(req.data(), req.size());
    if (!msg.empty()) e.str(NLMSGERR_ATTR_MSG, msg);
    return e.bytes();
}

inline Bytes done_reply(std::uint32_t seq, int err = 0) {
    Enc e(NLMSG_DONE, NLM_F_MULTI, seq);
    std::int32_t v = -err;
    e.raw(&v, 4);
    return e.bytes();
}

// CTRL_CMD_NEWFAMILY reply for a family lookup.
inline Bytes family_reply(std::uint32_t seq, const std::string& name, std::uint16_t id,
                          std::vector<std::pair<std::string, std::uint32_t>> groups = {}) {
    Enc e(GENL_ID_CTRL, 0, seq);
    e.genl(CTRL_CMD_NEWFAMILY, 2)
        .str(CTRL_ATTR_FAMILY_NAME, name)
        .u16(CTRL_ATTR_FAMILY_ID, id)
        .u32(CTRL_ATTR_VERSION, 1);
    if (!groups.empty()) {
        e.begin(CTRL_ATTR_MCAST_GROUPS);
        std::uint16_t i = 1;
        for (auto& [n, gid] : groups) {
            e.begin(i++).str(CTRL_ATTR_MCAST_GRP_NAME, n).u32(CTRL_ATTR_MCAST_GRP_ID, gid).end();
        }
        e.end();
    }
    return e.bytes();
}

// A Transport whose kernel is a function from request to reply datagrams.
class FakeTransport : public ipvsudp::Transport {
  public:
    using Kernel = std::function<std::vector<Bytes>(const Bytes& request)>;
    explicit FakeTransport(std::vector<Bytes>* sent, Kernel k)
        : sent_(sent), kernel_(std::move(k)) {}

    ipvsudp::Result<void> send(std::span<const std::uint8_t> m) override {
        Bytes b(m.begin(), m.end());
        sent_->push_back(b);
        for (auto& d : kernel_(b)) pending_.push_back(std::move(d));
        return {};
    }
    // An empty datagram stands for a receive error: the next of errors.
    ipvsudp::Result<Bytes> receive(int) override {
        if (pending_.empty()) return ipvsudp::Error::from_errno(ETIMEDOUT);
        Bytes d = std::move(pending_.front());
        pending_.pop_front();
        if (d.empty() && !errors.empty()) {
            const int e = errors.front();
            errors.pop_front();
            return ipvsudp::Error::from_errno(e);
        }
        return d;
    }
    ipvsudp::Result<void> join_group(std::uint32_t g) override {
        groups.push_back(g);
        return {};
    }
    void push(Bytes datagram) { pending_.push_back(std::move(datagram)); }
    std::vector<std::uint32_t> groups;
    std::deque<int> errors;  // for the empty datagrams, in turn

  private:
    std::vector<Bytes>* sent_;
    Kernel kernel_;
    std::deque<Bytes> pending_;
};

inline std::uint8_t cmd_of(const Bytes& msg) {
    return msg[NLMSG_HDRLEN];
}
inline std::uint16_t type_of(const Bytes& msg) {
    std::uint16_t t;
    std::memcpy(&t, msg.data() + 4, 2);
    return t;
}

}  // namespace nltest
