// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Generic netlink plumbing of the ipvs-udp library: request building on
// libnl-3's nl_msg, reply parsing (multi-part dumps, ACKs, NLMSG_ERROR with
// its extended ACK TLVs), family resolution, and the libnl socket behind
// the Transport interface.
#include "netlink.h"

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ipvsudp {

Transport::~Transport() = default;

std::string Error::message() const {
    std::string m = context.empty() ? "" : context + ": ";
    m += code.message();
    if (!extack.empty()) m += " (" + extack + ")";
    return m;
}

// ---------------------------------------------------------------- Attrs

Attrs::Attrs(const void* data, std::size_t len, int max)
    : by_type_(static_cast<std::size_t>(max) + 1) {
    const nlattr* pos;
    int rem;
    nla_for_each_attr(pos, static_cast<nlattr*>(const_cast<void*>(data)), static_cast<int>(len),
                      rem) {
        seq_.push_back(pos);
        const int type = nla_type(pos);
        if (type <= max && !by_type_[static_cast<std::size_t>(type)])
            by_type_[static_cast<std::size_t>(type)] = pos;
    }
}

Attrs Attrs::nested(const nlattr* nest, int max) {
    if (!nest) return Attrs(nullptr, 0, max);
    return Attrs(nla_data(nest), static_cast<std::size_t>(nla_len(nest)), max);
}

const nlattr* Attrs::get(int type) const {
    if (type < 0 || static_cast<std::size_t>(type) >= by_type_.size()) return nullptr;
    return by_type_[static_cast<std::size_t>(type)];
}

namespace {
template <typename T>
T read_attr(const nlattr* a, T def) {
    if (!a || nla_len(a) < static_cast<int>(sizeof(T))) return def;
    T v;
    std::memcpy(&v, nla_data(a), sizeof(T));
    return v;
}
}  // namespace

std::uint8_t Attrs::u8(int type, std::uint8_t def) const {
    return read_attr(get(type), def);
}
std::uint16_t Attrs::u16(int type, std::uint16_t def) const {
    return read_attr(get(type), def);
}
std::uint32_t Attrs::u32(int type, std::uint32_t def) const {
    return read_attr(get(type), def);
}
std::uint64_t Attrs::u64(int type, std::uint64_t def) const {
    return read_attr(get(type), def);
}
std::int64_t Attrs::s64(int type, std::int64_t def) const {
    return read_attr(get(type), def);
}
std::uint64_t Attrs::uint(int type, std::uint64_t def) const {
    const nlattr* a = get(type);
    if (a && nla_len(a) == 4) return read_attr<std::uint32_t>(a, 0);
    return read_attr(a, def);
}

std::string Attrs::str(int type) const {
    const nlattr* a = get(type);
    if (!a) return {};
    const char* p = static_cast<const char*>(nla_data(a));
    return std::string(p, strnlen(p, static_cast<std::size_t>(nla_len(a))));
}

std::span<const std::uint8_t> Attrs::bytes(int type) const {
    const nlattr* a = get(type);
    if (!a) return {};
    return {static_cast<const std::uint8_t*>(nla_data(a)), static_cast<std::size_t>(nla_len(a))};
}

std::vector<const nlattr*> Attrs::all(int type) const {
    std::vector<const nlattr*> v;
    for (const nlattr* a : seq_)
        if (nla_type(a) == type) v.push_back(a);
    return v;
}

Attrs GenlMessage::attrs(int max) const {
    const std::size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;
    if (raw.size() < hdr) return Attrs(nullptr, 0, max);
    return Attrs(raw.data() + hdr, raw.size() - hdr, max);
}

// ---------------------------------------------------------------- builder

struct NlMsgDeleter {
    void operator()(nl_msg* m) const { nlmsg_free(m); }
};
using NlMsgPtr = std::unique_ptr<nl_msg, NlMsgDeleter>;

struct MessageBuilder::Impl {
    NlMsgPtr msg;
};

MessageBuilder::MessageBuilder(std::uint16_t family, std::uint8_t cmd, std::uint8_t version,
                               std::uint16_t flags)
    : impl_(std::make_unique<Impl>()) {
    impl_->msg.reset(nlmsg_alloc_size(65536));
    if (!impl_->msg) {
        overflow_ = true;
        return;
    }
    if (!(flags & NLM_F_DUMP)) flags |= NLM_F_ACK;
    if (!genlmsg_put(impl_->msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
                     static_cast<int>(flags), cmd, version))
        overflow_ = true;
}

MessageBuilder::~MessageBuilder() = default;
MessageBuilder::MessageBuilder(MessageBuilder&&) noexcept = default;
MessageBuilder& MessageBuilder::operator=(MessageBuilder&&) noexcept = default;

MessageBuilder& MessageBuilder::u8(int type, std::uint8_t v) {
    if (overflow_ || nla_put_u8(impl_->msg.get(), type, v) < 0) overflow_ = true;
    return *this;
}
MessageBuilder& MessageBuilder::u16(int type, std::uint16_t v) {
    if (overflow_ || nla_put_u16(impl_->msg.get(), type, v) < 0) overflow_ = true;
    return *this;
}
MessageBuilder& MessageBuilder::u32(int type, std::uint32_t v) {
    if (overflow_ || nla_put_u32(impl_->msg.get(), type, v) < 0) overflow_ = true;
    return *this;
}
MessageBuilder& MessageBuilder::u64(int type, std::uint64_t v) {
    if (overflow_ || nla_put_u64(impl_->msg.get(), type, v) < 0) overflow_ = true;
    return *this;
}
MessageBuilder& MessageBuilder::str(int type, std::string_view s) {
    std::string z(s);
    if (overflow_ || nla_put_string(impl_->msg.get(), type, z.c_str()) < 0) overflow_ = true;
    return *this;
}
MessageBuilder& MessageBuilder::bytes(int type, std::span<const std::uint8_t> b) {
    if (overflow_ || nla_put(impl_->msg.get(), type, static_cast<int>(b.size()), b.data()) < 0)
        overflow_ = true;
    return *this;
}
MessageBuilder& MessageBuilder::flag(int type) {
    if (overflow_ || nla_put_flag(impl_->msg.get(), type) < 0) overflow_ = true;
    return *this;
}

int MessageBuilder::begin_nest(int type) {
    if (overflow_) return -1;
    nlattr* n = nla_nest_start(impl_->msg.get(), type);
    if (!n) {
        overflow_ = true;
        return -1;
    }
    return static_cast<int>(reinterpret_cast<char*>(n) -
                            reinterpret_cast<char*>(nlmsg_hdr(impl_->msg.get())));
}

void MessageBuilder::end_nest(int handle) {
    if (overflow_ || handle < 0) return;
    auto* n =
        reinterpret_cast<nlattr*>(reinterpret_cast<char*>(nlmsg_hdr(impl_->msg.get())) + handle);
    nla_nest_end(impl_->msg.get(), n);
}

Bytes MessageBuilder::finish(std::uint32_t seq) const {
    if (overflow_) return {};
    nlmsghdr* h = nlmsg_hdr(impl_->msg.get());
    h->nlmsg_seq = seq;
    h->nlmsg_flags |= NLM_F_REQUEST;
    const auto* p = reinterpret_cast<const std::uint8_t*>(h);
    return Bytes(p, p + h->nlmsg_len);
}

// ---------------------------------------------------------------- replies

namespace {

// The extended ACK TLVs after an nlmsgerr (or after DONE's error code).
std::string extack_of(const nlmsghdr* h, std::size_t tlv_offset) {
    if (!(h->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
    const std::size_t payload = h->nlmsg_len - NLMSG_HDRLEN;
    if (tlv_offset >= payload) return {};
    Attrs a(static_cast<const std::uint8_t*>(NLMSG_DATA(h)) + tlv_offset, payload - tlv_offset,
            NLMSGERR_ATTR_MAX);
    std::string msg = a.str(NLMSGERR_ATTR_MSG);
    if (msg.empty() && a.has(NLMSGERR_ATTR_MISS_TYPE))
        msg = "missing attribute " + std::to_string(a.u32(NLMSGERR_ATTR_MISS_TYPE));
    return msg;
}

}  // namespace

bool parse_datagram(std::span<const std::uint8_t> data, std::uint32_t seq, ParsedReply& out,
                    std::string_view context) {
    std::size_t off = 0;
    while (off + NLMSG_HDRLEN <= data.size()) {
        nlmsghdr h;
        std::memcpy(&h, data.data() + off, sizeof(h));
        if (h.nlmsg_len < NLMSG_HDRLEN || off + h.nlmsg_len > data.size()) return false;
        // Aligned copy of this message (the datagram buffer may not be).
        Bytes raw(data.begin() + static_cast<std::ptrdiff_t>(off),
                  data.begin() + static_cast<std::ptrdiff_t>(off + h.nlmsg_len));
        off += NLMSG_ALIGN(h.nlmsg_len);
        if (h.nlmsg_seq != seq) continue;  // a stale reply of an earlier request
        const auto* hp = reinterpret_cast<const nlmsghdr*>(raw.data());
        if (h.nlmsg_type == NLMSG_ERROR) {
            if (h.nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) return false;
            nlmsgerr e;
            std::memcpy(&e, NLMSG_DATA(hp), sizeof(e));
            out.done = true;
            if (e.error != 0) {
                std::size_t tlv = sizeof(nlmsgerr);
                if (!(h.nlmsg_flags & NLM_F_CAPPED))
                    tlv += NLMSG_ALIGN(e.msg.nlmsg_len) - NLMSG_HDRLEN;
                out.error = Error::from_errno(-e.error, std::string(context), extack_of(hp, tlv));
            }
            return true;
        }
        if (h.nlmsg_type == NLMSG_DONE) {
            out.done = true;
            if (h.nlmsg_len >= NLMSG_LENGTH(sizeof(int))) {
                int err;
                std::memcpy(&err, NLMSG_DATA(hp), sizeof(err));
                if (err < 0)
                    out.error =
                        Error::from_errno(-err, std::string(context), extack_of(hp, sizeof(int)));
            }
            return true;
        }
        if (h.nlmsg_type == NLMSG_NOOP || h.nlmsg_type == NLMSG_OVERRUN) continue;
        if (h.nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) return false;
        if (h.nlmsg_flags & NLM_F_DUMP_INTR) {
            out.done = true;
            out.error = Error::from_errno(EINTR, std::string(context),
                                          "dump interrupted by a concurrent change; retry");
            return true;
        }
        GenlMessage m;
        m.cmd = static_cast<const genlmsghdr*>(NLMSG_DATA(hp))->cmd;
        m.flags = h.nlmsg_flags;
        m.raw = std::move(raw);
        out.messages.push_back(std::move(m));
    }
    return off >= data.size() || data.size() - off < NLMSG_HDRLEN;
}

Result<std::vector<GenlMessage>> Channel::transact(const MessageBuilder& msg,
                                                   std::string_view context) {
    std::lock_guard lock(mu_);
    if (msg.overflow())
        return Error::from_errno(EMSGSIZE, std::string(context), "request too large");
    const std::uint32_t seq = ++seq_;
    Bytes req = msg.finish(seq);
    if (auto r = t_->send(req); !r) {
        Error e = r.error();
        e.context = std::string(context);
        return e;
    }
    ParsedReply out;
    while (!out.done) {
        auto d = t_->receive(30000);
        if (!d) {
            Error e = d.error();
            e.context = std::string(context);
            return e;
        }
        if (!parse_datagram(*d, seq, out, context))
            return Error::from_errno(EBADMSG, std::string(context), "malformed netlink reply");
    }
    if (out.error) return *out.error;
    return std::move(out.messages);
}

Result<FamilyInfo> Channel::resolve(std::string_view family) {
    MessageBuilder b(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 2, 0);
    b.str(CTRL_ATTR_FAMILY_NAME, family);
    const std::string ctx = "generic netlink family " + std::string(family);
    auto r = transact(b, ctx);
    if (!r) {
        Error e = r.error();
        if (e.errnum() == ENOENT) e.family_missing = true;
        e.family = family;
        return e;
    }
    for (const auto& m : *r) {
        Attrs a = m.attrs(CTRL_ATTR_MAX);
        if (!a.has(CTRL_ATTR_FAMILY_ID)) continue;
        FamilyInfo f;
        f.id = a.u16(CTRL_ATTR_FAMILY_ID);
        f.version = a.u32(CTRL_ATTR_VERSION);
        if (const nlattr* groups = a.get(CTRL_ATTR_MCAST_GROUPS)) {
            const nlattr* pos;
            int rem;
            nla_for_each_nested(pos, const_cast<nlattr*>(groups), rem) {
                Attrs ga = Attrs::nested(pos, CTRL_ATTR_MCAST_GRP_MAX);
                f.mcast_groups.emplace_back(ga.str(CTRL_ATTR_MCAST_GRP_NAME),
                                            ga.u32(CTRL_ATTR_MCAST_GRP_ID));
            }
        }
        return f;
    }
    Error e = Error::from_errno(ENOENT, ctx, "no family id in the reply");
    e.family_missing = true;
    e.family = family;
    return e;
}

Result<FamilyInfo> FamilyChannel::resolve() {
    auto f = ch_.resolve(name_);
    if (!f) return f.error();
    std::lock_guard lock(mu_);
    id_ = f->id;
    return f;
}

Result<std::uint16_t> FamilyChannel::id() {
    if (auto known = known_id()) return *known;
    auto f = resolve();
    if (!f) return f.error();
    return f->id;
}

std::optional<std::uint16_t> FamilyChannel::known_id() {
    std::lock_guard lock(mu_);
    return id_;
}

Result<std::vector<GenlMessage>> FamilyChannel::request(
    std::uint8_t cmd, std::uint16_t flags, std::string_view context,
    const std::function<void(MessageBuilder&)>& fill) {
    auto fam = id();
    if (!fam) return fam.error();
    MessageBuilder b(*fam, cmd, version_, flags);
    if (fill) fill(b);
    auto r = ch_.transact(b, context);
    if (!r) {
        Error e = r.error();
        e.family = name_;
        e.command = cmd;
        if (classify_) classify_(e);
        return e;
    }
    return r;
}

// ---------------------------------------------------------------- kernel

namespace {

struct NlSockDeleter {
    void operator()(nl_sock* s) const { nl_socket_free(s); }
};
using NlSockPtr = std::unique_ptr<nl_sock, NlSockDeleter>;

struct FreeDeleter {
    void operator()(unsigned char* p) const { std::free(p); }
};

class KernelTransport final : public Transport {
  public:
    explicit KernelTransport(NlSockPtr s) : sk_(std::move(s)) {}

    Result<void> send(std::span<const std::uint8_t> message) override {
        int n = nl_sendto(sk_.get(), const_cast<std::uint8_t*>(message.data()), message.size());
        if (n < 0) return Error::from_errno(errno ? errno : EIO, {}, nl_geterror(n));
        return {};
    }

    Result<Bytes> receive(int timeout_ms) override {
        pollfd p{nl_socket_get_fd(sk_.get()), POLLIN, 0};
        int r = poll(&p, 1, timeout_ms);
        if (r == 0) return Error::from_errno(ETIMEDOUT);
        if (r < 0) return Error::from_errno(errno);
        sockaddr_nl peer{};
        unsigned char* buf = nullptr;
        int n = nl_recv(sk_.get(), &peer, &buf, nullptr);
        std::unique_ptr<unsigned char, FreeDeleter> owned(buf);
        if (n < 0) {
            if (n == -NLE_NOMEM) return Error::from_errno(ENOBUFS, {}, "receive buffer overrun");
            return Error::from_errno(EIO, {}, nl_geterror(n));
        }
        return Bytes(buf, buf + n);
    }

    Result<void> join_group(std::uint32_t group) override {
        int n = nl_socket_add_membership(sk_.get(), static_cast<int>(group));
        if (n < 0) return Error::from_errno(EINVAL, "join multicast group", nl_geterror(n));
        return {};
    }

  private:
    NlSockPtr sk_;
};

}  // namespace

Result<std::unique_ptr<Transport>> open_kernel_transport() {
    NlSockPtr sk(nl_socket_alloc());
    if (!sk) return Error::from_errno(ENOMEM, "netlink socket");
    nl_socket_disable_seq_check(sk.get());
    nl_socket_disable_auto_ack(sk.get());
    nl_socket_enable_msg_peek(sk.get());
    int n = nl_connect(sk.get(), NETLINK_GENERIC);
    if (n < 0) return Error::from_errno(EPROTONOSUPPORT, "netlink socket", nl_geterror(n));
    nl_socket_set_buffer_size(sk.get(), 1 << 20, 1 << 20);
    const int one = 1;
    const int fd = nl_socket_get_fd(sk.get());
    // Extended ACK messages; errors without a copy of our request.
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
    return std::unique_ptr<Transport>(std::make_unique<KernelTransport>(std::move(sk)));
}

}  // namespace ipvsudp
