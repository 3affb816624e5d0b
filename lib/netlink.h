// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Netlink plumbing of the ipvs-udp library: attribute parsing, message
// building, request/reply exchanges, family resolution. Private: not
// installed, not exported from libipvs-udp.so (the library's own code, its
// unit tests and the test harness use it through the static
// ipvsudp-internal library).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ipvs-udp/result.h"
#include "ipvs-udp/transport.h"

struct nlattr;

namespace ipvsudp {

// Attributes of one message or nest, indexed by type (nullptr: absent).
class Attrs {
  public:
    Attrs() = default;
    // Parse the attribute stream [data, data + len); unknown types above
    // max are ignored.
    Attrs(const void* data, std::size_t len, int max);
    static Attrs nested(const nlattr* nest, int max);

    const nlattr* get(int type) const;
    bool has(int type) const { return get(type) != nullptr; }
    std::uint8_t u8(int type, std::uint8_t def = 0) const;
    std::uint16_t u16(int type, std::uint16_t def = 0) const;
    std::uint32_t u32(int type, std::uint32_t def = 0) const;
    std::uint64_t u64(int type, std::uint64_t def = 0) const;
    // A u64 attribute, or a u32 one (kernels that send the shorter form).
    std::uint64_t uint(int type, std::uint64_t def = 0) const;
    std::int64_t s64(int type, std::int64_t def = 0) const;
    std::string str(int type) const;
    std::span<const std::uint8_t> bytes(int type) const;
    // Every attribute of this type, in order (multi-attr).
    std::vector<const nlattr*> all(int type) const;

  private:
    std::vector<const nlattr*> by_type_;
    std::vector<const nlattr*> seq_;
};

// One received generic netlink message: its command and top attributes.
struct GenlMessage {
    std::uint8_t cmd = 0;
    std::uint16_t flags = 0;
    Bytes raw;  // the whole netlink message
    Attrs attrs(int max) const;
};

// Builds one generic netlink request (an owned libnl nl_msg).
class MessageBuilder {
  public:
    MessageBuilder(std::uint16_t family, std::uint8_t cmd, std::uint8_t version,
                   std::uint16_t flags);
    ~MessageBuilder();
    MessageBuilder(MessageBuilder&&) noexcept;
    MessageBuilder& operator=(MessageBuilder&&) noexcept;

    MessageBuilder& u8(int type, std::uint8_t v);
    MessageBuilder& u16(int type, std::uint16_t v);
    MessageBuilder& u32(int type, std::uint32_t v);
    MessageBuilder& u64(int type, std::uint64_t v);
    MessageBuilder& str(int type, std::string_view s);
    MessageBuilder& bytes(int type, std::span<const std::uint8_t> b);
    MessageBuilder& flag(int type);
    // begin_nest returns a handle to pass to end_nest.
    int begin_nest(int type);
    void end_nest(int handle);
    // The message bytes with this sequence number.
    Bytes finish(std::uint32_t seq) const;
    // Set when an attribute did not fit (the message is then unusable).
    bool overflow() const { return overflow_; }

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    bool overflow_ = false;
};

struct FamilyInfo {
    std::uint16_t id = 0;
    std::uint32_t version = 0;
    std::vector<std::pair<std::string, std::uint32_t>> mcast_groups;
};

// One netlink conversation partner: a Transport, its sequence numbers and a
// mutex so that a handle can be shared by threads (one request at a time).
class Channel {
  public:
    explicit Channel(std::unique_ptr<Transport> t) : t_(std::move(t)) {}

    // Send a request (NLM_F_ACK is added unless it is a dump) and collect
    // the replies until the ACK, NLMSG_DONE or an NLMSG_ERROR.
    Result<std::vector<GenlMessage>> transact(const MessageBuilder& msg, std::string_view context);
    // CTRL_CMD_GETFAMILY: id, version, multicast groups. ENOENT with
    // family_missing set when the family is not registered.
    Result<FamilyInfo> resolve(std::string_view family);
    Transport& transport() { return *t_; }

  private:
    std::mutex mu_;
    std::unique_ptr<Transport> t_;
    std::uint32_t seq_ = 0;
};

// A Channel to one generic netlink family, which it resolves by name on
// the first request and then remembers (thread-safe).
class FamilyChannel {
  public:
    FamilyChannel(std::unique_ptr<Transport> t, std::string name, std::uint8_t version)
        : ch_(std::move(t)), name_(std::move(name)), version_(version) {}

    // CTRL_CMD_GETFAMILY now (see Channel::resolve); remembers the id.
    Result<FamilyInfo> resolve();
    // The remembered id, or resolve()'s.
    Result<std::uint16_t> id();
    // The id remembered so far, if any (no request).
    std::optional<std::uint16_t> known_id();
    // Build the request cmd (fill adds its attributes) and transact it.
    Result<std::vector<GenlMessage>> request(std::uint8_t cmd, std::uint16_t flags,
                                             std::string_view context,
                                             const std::function<void(MessageBuilder&)>& fill);
    Channel& channel() { return ch_; }
    // Called on every failed request's Error (after family and command are
    // set): what the family's errors mean beyond their errno.
    void set_classifier(void (*f)(Error&)) { classify_ = f; }

  private:
    Channel ch_;
    void (*classify_)(Error&) = nullptr;
    std::string name_;
    std::uint8_t version_;
    std::mutex mu_;  // guards id_
    std::optional<std::uint16_t> id_;
};

// Split a datagram into netlink messages and decode NLMSG_ERROR/DONE
// (exposed for the unit tests). Returns false on a malformed datagram.
struct ParsedReply {
    std::vector<GenlMessage> messages;
    bool done = false;  // an ACK, NLMSG_DONE or error ended the exchange
    std::optional<Error> error;
};
bool parse_datagram(std::span<const std::uint8_t> data, std::uint32_t seq, ParsedReply& out,
                    std::string_view context);

}  // namespace ipvsudp
