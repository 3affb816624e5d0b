// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The ipvs_udp family (netlink/ipvs_udp.yaml) byte for byte: requests the
// library builds, canned kernel replies it parses, notifications, and the
// CLI commands on top (calls, flush, servers, watch).
#include "ipvs-udp/udp.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/ipvs_udp.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

#include "cli.h"
#include "nlfake.h"

using namespace ipvsudp;
using nltest::Bytes;
using nltest::Enc;

namespace {

constexpr std::uint16_t kId = 0x22;

struct Kernel {
    std::vector<Bytes> sent;
    std::function<std::vector<Bytes>(const Bytes&)> fn;
    nltest::FakeTransport* t = nullptr;
    std::vector<Bytes> after_lookup;  // notifications that follow the lookup

    std::unique_ptr<nltest::FakeTransport> transport() {
        auto tr = std::make_unique<nltest::FakeTransport>(&sent, [this](const Bytes& req) {
            if (nltest::type_of(req) == GENL_ID_CTRL) {
                std::vector<Bytes> r{nltest::family_reply(nltest::seq_of(req), "ipvs_udp", kId,
                                                          {{"other", 3}, {"events", 9}}),
                                     nltest::error_reply(req, 0)};
                r.insert(r.end(), after_lookup.begin(), after_lookup.end());
                return r;
            }
            return fn(req);
        });
        t = tr.get();
        return tr;
    }
    udp::Client client() { return udp::Client(transport()); }
};

void svc4(Enc& e, std::uint16_t type, const char* addr, std::uint16_t port) {
    in_addr a{};
    inet_pton(AF_INET, addr, &a);
    e.begin(type)
        .u16(IPVS_UDP_A_SERVICE_AF, AF_INET)
        .u16(IPVS_UDP_A_SERVICE_PROTOCOL, IPPROTO_UDP)
        .attr(IPVS_UDP_A_SERVICE_ADDR, &a, 4)
        .u16(IPVS_UDP_A_SERVICE_PORT, htons(port))
        .end();
}

void dest4(Enc& e, std::uint16_t type, const char* addr, std::uint16_t port) {
    in_addr a{};
    inet_pton(AF_INET, addr, &a);
    e.begin(type)
        .u16(IPVS_UDP_A_DEST_AF, AF_INET)
        .attr(IPVS_UDP_A_DEST_ADDR, &a, 4)
        .u16(IPVS_UDP_A_DEST_PORT, htons(port))
        .end();
}

Bytes binding_msg(std::uint32_t seq, const std::string& id, const char* rs, std::uint32_t state) {
    Enc e(kId, NLM_F_MULTI, seq);
    e.genl(IPVS_UDP_CMD_BINDING_GET, 1);
    svc4(e, IPVS_UDP_A_SIP_SERVICE, "10.0.100.1", 5060);
    e.begin(IPVS_UDP_A_SIP_BINDING).attr(IPVS_UDP_A_BINDING_CALL_ID, id.data(), id.size());
    if (rs) dest4(e, IPVS_UDP_A_BINDING_DEST, rs, 5060);
    e.u32(IPVS_UDP_A_BINDING_STATE, state);
    e.u64(IPVS_UDP_A_BINDING_AGE_MS, 1500).u64(IPVS_UDP_A_BINDING_IDLE_MS, 20);
    e.u64(IPVS_UDP_A_BINDING_EXPIRES_MS, 1799980).end();
    return e.bytes();
}

// Three bindings over two datagrams, the second ending with DONE.
std::vector<Bytes> three_bindings(const Bytes& req) {
    const auto s = nltest::seq_of(req);
    return {nltest::cat({binding_msg(s, "a@x", "10.0.2.11", IPVS_UDP_BINDING_STATE_DIALOG),
                         binding_msg(s, std::string("b\0\"@x", 5), "10.0.2.12",
                                     IPVS_UDP_BINDING_STATE_LINGER)}),
            nltest::cat({binding_msg(s, "c@x", nullptr, IPVS_UDP_BINDING_STATE_TRANSACTION),
                         nltest::done_reply(s)})};
}

}  // namespace

TEST(Udp, BindingDumpWithFiltersEncoding) {
    Kernel k;
    k.fn = three_bindings;
    auto c = k.client();
    udp::DestKey d{*Address::parse("10.0.2.11"), 5060};
    auto r = c.bindings(*ServiceKey::parse("10.0.100.1:5060"), d);
    ASSERT_TRUE(r) << r.error().message();
    Enc e(kId, NLM_F_REQUEST | NLM_F_DUMP, nltest::seq_of(k.sent[1]));
    e.genl(IPVS_UDP_CMD_BINDING_GET, IPVS_UDP_FAMILY_VERSION);
    svc4(e, IPVS_UDP_A_SIP_SERVICE, "10.0.100.1", 5060);
    dest4(e, IPVS_UDP_A_SIP_DEST, "10.0.2.11", 5060);
    EXPECT_EQ(k.sent[1], e.bytes());
    // The family was looked up by its name.
    Enc q(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(k.sent[0]));
    q.genl(CTRL_CMD_GETFAMILY, 2).str(CTRL_ATTR_FAMILY_NAME, "ipvs_udp");
    EXPECT_EQ(k.sent[0], q.bytes());
}

TEST(Udp, BindingDumpAcrossDatagrams) {
    Kernel k;
    k.fn = three_bindings;
    auto c = k.client();
    auto r = c.bindings();
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[0].call_id, "a@x");
    EXPECT_EQ((*r)[0].dest->str(), "10.0.2.11:5060");
    EXPECT_EQ((*r)[0].state, udp::BindingState::dialog);
    EXPECT_EQ((*r)[0].age_ms, 1500u);
    EXPECT_EQ((*r)[0].expires_ms, 1799980u);
    EXPECT_EQ((*r)[1].call_id, std::string("b\0\"@x", 5));  // bytes, not C strings
    EXPECT_EQ((*r)[1].state, udp::BindingState::linger);
    EXPECT_FALSE((*r)[2].dest);
    EXPECT_EQ((*r)[2].service.str(), "udp:10.0.100.1:5060");
    // An unfiltered dump sends no attributes.
    EXPECT_EQ(k.sent[1].size(), NLMSG_HDRLEN + GENL_HDRLEN);
}

TEST(Udp, FlushByDestReturnsCountAndExtackOnError) {
    Kernel k;
    k.fn = [](const Bytes& req) {
        Enc e(kId, 0, nltest::seq_of(req));
        e.genl(IPVS_UDP_CMD_BINDING_FLUSH, 1).u32(IPVS_UDP_A_SIP_COUNT, 42);
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    auto c = k.client();
    auto key = *ServiceKey::parse("10.0.100.1:5060");
    udp::DestKey d{*Address::parse("10.0.2.12"), 5060};
    auto n = c.flush(key, d);
    ASSERT_TRUE(n) << n.error().message();
    EXPECT_EQ(*n, 42u);
    Enc e(kId, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(k.sent[1]));
    e.genl(IPVS_UDP_CMD_BINDING_FLUSH, 1);
    svc4(e, IPVS_UDP_A_SIP_SERVICE, "10.0.100.1", 5060);
    dest4(e, IPVS_UDP_A_SIP_DEST, "10.0.2.12", 5060);
    EXPECT_EQ(k.sent[1], e.bytes());

    k.fn = [](const Bytes& req) {
        return std::vector<Bytes>{nltest::error_reply(req, EPERM, "needs CAP_NET_ADMIN", false)};
    };
    auto bad = c.flush(key, std::nullopt, std::string("abc"));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().errnum(), EPERM);
    EXPECT_EQ(bad.error().extack, "needs CAP_NET_ADMIN");
}

TEST(Udp, SipSettingsSetSendsOnlyWhatIsGiven) {
    Kernel k;
    k.fn = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, 0)}; };
    auto c = k.client();
    udp::SipSettings s;
    s.dialog_timeout = 600;
    s.drain_policy = IPVS_UDP_DRAIN_POLICY_MOVE;
    ASSERT_TRUE(c.sip_set(*ServiceKey::parse("fwmark:3"), s));
    Enc e(kId, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(k.sent[1]));
    e.genl(IPVS_UDP_CMD_SIP_SET, 1)
        .begin(IPVS_UDP_A_SIP_SERVICE)
        .u16(IPVS_UDP_A_SERVICE_AF, AF_INET)
        .u32(IPVS_UDP_A_SERVICE_FWMARK, 3)
        .end()
        .begin(IPVS_UDP_A_SIP_SETTINGS)
        .u32(IPVS_UDP_A_SIP_SETTINGS_DIALOG_TIMEOUT, 600)
        .u32(IPVS_UDP_A_SIP_SETTINGS_DRAIN_POLICY, IPVS_UDP_DRAIN_POLICY_MOVE)
        .end();
    EXPECT_EQ(k.sent[1], e.bytes());
}

TEST(Udp, SipSettingsSetSendsTheSeedAsU64) {
    Kernel k;
    k.fn = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, 0)}; };
    auto c = k.client();
    udp::SipSettings s;
    s.seed = 0x0123456789abcdefULL;
    ASSERT_TRUE(c.sip_set(*ServiceKey::parse("fwmark:3"), s));
    Enc e(kId, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(k.sent[1]));
    e.genl(IPVS_UDP_CMD_SIP_SET, 1)
        .begin(IPVS_UDP_A_SIP_SERVICE)
        .u16(IPVS_UDP_A_SERVICE_AF, AF_INET)
        .u32(IPVS_UDP_A_SERVICE_FWMARK, 3)
        .end()
        .begin(IPVS_UDP_A_SIP_SETTINGS)
        .u64(IPVS_UDP_A_SIP_SETTINGS_SEED, 0x0123456789abcdefULL)
        .end();
    EXPECT_EQ(k.sent[1], e.bytes());
}

TEST(Udp, SipGetAndCounters) {
    Kernel k;
    k.fn = [](const Bytes& req) {
        const auto s = nltest::seq_of(req);
        Enc e(kId, 0, s);
        if (nltest::cmd_of(req) == IPVS_UDP_CMD_SIP_GET) {
            e.genl(IPVS_UDP_CMD_SIP_GET, 1);
            svc4(e, IPVS_UDP_A_SIP_SERVICE, "10.0.100.1", 5060);
            e.begin(IPVS_UDP_A_SIP_SETTINGS)
                .u32(IPVS_UDP_A_SIP_SETTINGS_DIALOG_TIMEOUT, 1800)
                .u64(IPVS_UDP_A_SIP_SETTINGS_SEED, 77)
                .end();
            e.begin(IPVS_UDP_A_SIP_COUNTERS)
                .u32(IPVS_UDP_A_SIP_COUNTERS_BINDINGS, 3)
                .u64(IPVS_UDP_A_SIP_COUNTERS_MOVED, 5)
                .end();
        } else {
            e.genl(IPVS_UDP_CMD_COUNTERS_GET, 1);
            e.begin(IPVS_UDP_A_COUNTERS_SIP);
            svc4(e, IPVS_UDP_A_SIP_SERVICE_SERVICE, "10.0.100.1", 5060);
            e.begin(IPVS_UDP_A_SIP_SERVICE_COUNTERS).u64(IPVS_UDP_A_SIP_COUNTERS_HITS, 9).end();
            e.end();
            e.begin(IPVS_UDP_A_COUNTERS_SIP);
            svc4(e, IPVS_UDP_A_SIP_SERVICE_SERVICE, "10.0.100.1", 5061);
            e.end();
            e.begin(IPVS_UDP_A_COUNTERS_REPLY)
                .u64(IPVS_UDP_A_REPLY_COUNTERS_TIMEOUTS, 4)
                .u32(IPVS_UDP_A_REPLY_COUNTERS_RECORDS, 2)
                .u64(IPVS_UDP_A_REPLY_COUNTERS_NO_CONN, 6)
                .end();
        }
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    auto c = k.client();
    auto s = c.sip_get(*ServiceKey::parse("10.0.100.1:5060"));
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(s->settings.dialog_timeout, 1800u);
    EXPECT_FALSE(s->settings.linger_timeout);
    EXPECT_EQ(s->settings.seed, 77u);
    EXPECT_EQ(s->counters.bindings, 3u);
    EXPECT_EQ(s->counters.moved, 5u);
    auto n = c.counters();
    ASSERT_TRUE(n);
    ASSERT_EQ(n->sip.size(), 2u);
    EXPECT_EQ(n->sip[0].second.hits, 9u);
    EXPECT_EQ(n->sip[1].first.port, 5061);
    ASSERT_TRUE(n->reply);
    EXPECT_EQ(n->reply->timeouts, 4u);
    EXPECT_EQ(n->reply->records, 2u);
    EXPECT_EQ(n->reply->no_conn, 6u);
    EXPECT_FALSE(n->icmp_vip);
}

TEST(Udp, ReplySettingsOfAServiceSendStrictTxidMatchAndTheService) {
    Kernel k;
    k.fn = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, 0)}; };
    auto c = k.client();
    udp::ReplySettings s;
    s.timeout_ms = 200;
    s.strict = false;
    s.txid_match = true;
    ASSERT_TRUE(c.set_reply_settings(s, *ServiceKey::parse("10.0.100.1:53")));
    Enc e(kId, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(k.sent[1]));
    e.genl(IPVS_UDP_CMD_REPLY_SET, 1)
        .begin(IPVS_UDP_A_REPLY_SETTINGS)
        .u32(IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_MS, 200)
        .u32(IPVS_UDP_A_REPLY_SETTINGS_STRICT, 0)
        .u32(IPVS_UDP_A_REPLY_SETTINGS_TXID_MATCH, 1)
        .end();
    svc4(e, IPVS_UDP_A_REPLY_SERVICE, "10.0.100.1", 53);
    EXPECT_EQ(k.sent[1], e.bytes());

    ASSERT_TRUE(c.reset_reply_settings(*ServiceKey::parse("10.0.100.1:53")));
    Enc r(kId, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(k.sent[2]));
    r.genl(IPVS_UDP_CMD_REPLY_SET, 1);
    svc4(r, IPVS_UDP_A_REPLY_SERVICE, "10.0.100.1", 53);
    r.attr(IPVS_UDP_A_REPLY_RESET, nullptr, 0);
    EXPECT_EQ(k.sent[2], r.bytes());
}

namespace {
// A reply-get answer: udp:10.0.100.1:53's own settings.
std::vector<Bytes> own_reply_settings(const Bytes& req) {
    Enc e(kId, 0, nltest::seq_of(req));
    e.genl(IPVS_UDP_CMD_REPLY_GET, 1);
    svc4(e, IPVS_UDP_A_REPLY_SERVICE, "10.0.100.1", 53);
    e.begin(IPVS_UDP_A_REPLY_SETTINGS)
        .u32(IPVS_UDP_A_REPLY_SETTINGS_TIMEOUT_MS, 200)
        .u32(IPVS_UDP_A_REPLY_SETTINGS_STRICT, 0)
        .u32(IPVS_UDP_A_REPLY_SETTINGS_TXID_MATCH, 1)
        .u32(IPVS_UDP_A_REPLY_SETTINGS_OWN, 1)
        .end();
    return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
}
}  // namespace

TEST(Udp, ReplySettingsOfAServiceDecodeStrictTxidMatchOwn) {
    Kernel k;
    k.fn = own_reply_settings;
    auto c = k.client();
    auto s = c.reply_settings(*ServiceKey::parse("10.0.100.1:53"));
    ASSERT_TRUE(s) << s.error().message();
    EXPECT_EQ(s->timeout_ms, 200u);
    EXPECT_EQ(s->strict, false);
    EXPECT_EQ(s->txid_match, true);
    EXPECT_EQ(s->own, true);
    EXPECT_FALSE(s->max_requests);
}

namespace {
// A reply-dest-get dump of one real server.
std::vector<Bytes> one_reply_dest(const Bytes& req) {
    const auto s = nltest::seq_of(req);
    Enc e(kId, NLM_F_MULTI, s);
    e.genl(IPVS_UDP_CMD_REPLY_DEST_GET, 1).begin(IPVS_UDP_A_REPLY_DEST);
    dest4(e, IPVS_UDP_A_REPLY_DEST_DEST, "10.0.2.11", 53);
    e.u64(IPVS_UDP_A_REPLY_DEST_REQUESTS, 100).u64(IPVS_UDP_A_REPLY_DEST_REPLIES, 90);
    e.u64(IPVS_UDP_A_REPLY_DEST_TIMEOUTS, 10).u32(IPVS_UDP_A_REPLY_DEST_OUTSTANDING, 1);
    for (std::uint64_t h : {50, 30, 10, 0, 0}) e.u64(IPVS_UDP_A_REPLY_DEST_HIST, h);
    e.end();
    return std::vector<Bytes>{e.bytes(), nltest::done_reply(s)};
}
}  // namespace

TEST(Udp, ReplyAccountingDump) {
    Kernel k;
    k.fn = one_reply_dest;
    auto c = k.client();
    auto r = c.reply_dests();
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].dest.str(), "10.0.2.11:53");
    EXPECT_EQ((*r)[0].timeouts, 10u);
    EXPECT_EQ((*r)[0].outstanding, 1u);
    EXPECT_EQ((*r)[0].hist, (std::vector<std::uint64_t>{50, 30, 10, 0, 0}));
}

TEST(Udp, WatcherJoinsEventsGroupAndDecodes) {
    Kernel k;
    k.fn = [](const Bytes&) { return std::vector<Bytes>{}; };
    udp::Watcher w(k.transport());
    ASSERT_TRUE(w.subscribe());
    EXPECT_EQ(k.t->groups, (std::vector<std::uint32_t>{9}));
    Enc e(kId, 0, 0);
    e.genl(IPVS_UDP_CMD_DEST_EVENT, 1)
        .u32(IPVS_UDP_A_EVENT_REASON, IPVS_UDP_EVENT_REASON_DEST_REMOVED);
    svc4(e, IPVS_UDP_A_EVENT_SERVICE, "10.0.100.1", 5060);
    dest4(e, IPVS_UDP_A_EVENT_DEST, "10.0.2.13", 5060);
    e.u32(IPVS_UDP_A_EVENT_BINDINGS, 17);
    Enc other(0x30, 0, 0);  // another family's notification
    other.genl(IPVS_UDP_CMD_DEST_EVENT, 1).u32(IPVS_UDP_A_EVENT_REASON, 2);
    k.t->push(nltest::cat({other.bytes(), e.bytes()}));
    auto ev = w.next(0);
    ASSERT_TRUE(ev) << ev.error().message();
    ASSERT_EQ(ev->size(), 1u);
    EXPECT_EQ((*ev)[0].reason, udp::EventReason::dest_removed);
    EXPECT_EQ((*ev)[0].dest->str(), "10.0.2.13:5060");
    EXPECT_EQ((*ev)[0].service->str(), "udp:10.0.100.1:5060");
    EXPECT_EQ((*ev)[0].bindings, 17u);
    auto none = w.next(0);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().errnum(), ETIMEDOUT);
}

TEST(Udp, Ipv6ServiceAndDestUseSixteenBytes) {
    Kernel k;
    k.fn = [](const Bytes& req) {
        return std::vector<Bytes>{nltest::done_reply(nltest::seq_of(req))};
    };
    auto c = k.client();
    udp::DestKey d{*Address::parse("fd00:2::11"), 5060};
    ASSERT_TRUE(c.bindings(*ServiceKey::parse("[fd00:100::1]:5060"), d));
    in6_addr v{}, r{};
    inet_pton(AF_INET6, "fd00:100::1", &v);
    inet_pton(AF_INET6, "fd00:2::11", &r);
    Enc e(kId, NLM_F_REQUEST | NLM_F_DUMP, nltest::seq_of(k.sent[1]));
    e.genl(IPVS_UDP_CMD_BINDING_GET, 1)
        .begin(IPVS_UDP_A_SIP_SERVICE)
        .u16(IPVS_UDP_A_SERVICE_AF, AF_INET6)
        .u16(IPVS_UDP_A_SERVICE_PROTOCOL, IPPROTO_UDP)
        .attr(IPVS_UDP_A_SERVICE_ADDR, &v, 16)
        .u16(IPVS_UDP_A_SERVICE_PORT, htons(5060))
        .end()
        .begin(IPVS_UDP_A_SIP_DEST)
        .u16(IPVS_UDP_A_DEST_AF, AF_INET6)
        .attr(IPVS_UDP_A_DEST_ADDR, &r, 16)
        .u16(IPVS_UDP_A_DEST_PORT, htons(5060))
        .end();
    EXPECT_EQ(k.sent[1], e.bytes());
}

namespace {

// The CLI with this family behind canned replies (IPVS is not needed).
struct CliRun {
    Kernel k;
    std::vector<Bytes> events;
    std::deque<int> errors;  // receive errors, for the empty events in turn
    std::ostringstream out, err;
    int run(std::vector<std::string_view> args) {
        cli::Env env{[]() -> Result<ipvs::Client> {
                         return Error::from_errno(ENOENT, "generic netlink family IPVS");
                     },
                     [this]() -> Result<udp::Client> { return k.client(); },
                     [this]() -> Result<udp::Watcher> {
                         k.after_lookup = events;
                         auto t = k.transport();
                         t->errors = errors;
                         return udp::Watcher(std::move(t));
                     },
                     out, err};
        return cli::run(args, env);
    }
};

}  // namespace

TEST(UdpCli, CallsJsonListsBindingsWithDestinations) {
    CliRun c;
    c.k.fn = three_bindings;
    ASSERT_EQ(c.run({"call", "show", "--json"}), cli::kOk) << c.err.str();
    EXPECT_EQ(c.out.str(),
              R"({"calls":[{"service":"udp:10.0.100.1:5060","call_id":"a@x",)"
              R"("destination":"10.0.2.11:5060","state":"dialog","age_ms":1500,"idle_ms":20,)"
              R"("expires_ms":1799980},{"service":"udp:10.0.100.1:5060",)"
              R"("call_id":"b\u0000\"@x","destination":"10.0.2.12:5060","state":"linger",)"
              R"("age_ms":1500,"idle_ms":20,"expires_ms":1799980},{"service":)"
              R"("udp:10.0.100.1:5060","call_id":"c@x","destination":null,"state":)"
              R"("transaction","age_ms":1500,"idle_ms":20,"expires_ms":1799980}]})"
              "\n");
}

TEST(UdpCli, CallsTableAndDestFilterDefaultsToServicePort) {
    CliRun c;
    c.k.fn = three_bindings;
    ASSERT_EQ(c.run({"call", "show", "udp", "10.0.100.1:5060", "--dest", "10.0.2.11"}), cli::kOk);
    // The filter went to the kernel with the service's port.
    Enc e(kId, NLM_F_REQUEST | NLM_F_DUMP, nltest::seq_of(c.k.sent[1]));
    e.genl(IPVS_UDP_CMD_BINDING_GET, 1);
    svc4(e, IPVS_UDP_A_SIP_SERVICE, "10.0.100.1", 5060);
    dest4(e, IPVS_UDP_A_SIP_DEST, "10.0.2.11", 5060);
    EXPECT_EQ(c.k.sent[1], e.bytes());
    EXPECT_NE(c.out.str().find("b\\x00\"@x"), std::string::npos) << c.out.str();
    EXPECT_NE(c.out.str().find("(moving)"), std::string::npos);
    EXPECT_NE(c.out.str().find("3 calls"), std::string::npos);
}

TEST(UdpCli, FlushAndPermissionMessage) {
    CliRun c;
    c.k.fn = [](const Bytes& req) {
        Enc e(kId, 0, nltest::seq_of(req));
        e.genl(IPVS_UDP_CMD_BINDING_FLUSH, 1).u32(IPVS_UDP_A_SIP_COUNT, 2);
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    ASSERT_EQ(c.run({"binding", "flush", "udp", "10.0.100.1:5060", "--dest", "10.0.2.12:5060"}),
              cli::kOk);
    EXPECT_NE(c.out.str().find("flushed 2 bindings of udp:10.0.100.1:5060 to 10.0.2.12:5060"),
              std::string::npos);
    CliRun d;
    d.k.fn = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, EPERM)}; };
    EXPECT_EQ(d.run({"binding", "flush", "udp:10.0.100.1:5060"}), cli::kDenied);
    EXPECT_NE(d.err.str().find("needs CAP_NET_ADMIN"), std::string::npos);
}

TEST(UdpCli, ModuleNotLoaded) {
    std::vector<Bytes> sent;
    std::ostringstream out, err;
    cli::Env env{
        nullptr,
        [&sent]() -> Result<udp::Client> {
            return udp::Client(std::make_unique<nltest::FakeTransport>(&sent, [](const Bytes& req) {
                return std::vector<Bytes>{nltest::error_reply(req, ENOENT)};
            }));
        },
        nullptr, out, err};
    EXPECT_EQ(cli::run({"call", "show"}, env), cli::kNotLoaded);
    EXPECT_NE(err.str().find("modprobe ip_vs_udp_nl"), std::string::npos) << err.str();
}

TEST(UdpCli, WatchPrintsEventsAsJsonLines) {
    CliRun c;
    c.k.fn = [](const Bytes&) { return std::vector<Bytes>{}; };
    for (std::uint32_t reason :
         {IPVS_UDP_EVENT_REASON_DEST_REMOVED, IPVS_UDP_EVENT_REASON_REPLY_TIMEOUTS}) {
        Enc e(kId, 0, 0);
        e.genl(IPVS_UDP_CMD_DEST_EVENT, 1).u32(IPVS_UDP_A_EVENT_REASON, reason);
        dest4(e, IPVS_UDP_A_EVENT_DEST, "10.0.2.13", 53);
        e.u32(IPVS_UDP_A_EVENT_BINDINGS, 4).u64(IPVS_UDP_A_EVENT_TIMEOUTS, 50);
        e.u32(IPVS_UDP_A_EVENT_THRESHOLD, 25);
        c.events.push_back(e.bytes());
    }
    ASSERT_EQ(c.run({"monitor", "--json", "--count", "2", "--timeout", "5"}), cli::kOk)
        << c.err.str();
    EXPECT_EQ(c.out.str(),
              R"({"event":"dest-removed","service":null,"destination":"10.0.2.13:53",)"
              R"("bindings":4,"timeouts":50,"threshold":25})"
              "\n"
              R"({"event":"reply-timeouts","service":null,"destination":"10.0.2.13:53",)"
              R"("bindings":4,"timeouts":50,"threshold":25})"
              "\n");
    CliRun none;
    none.k.fn = [](const Bytes&) { return std::vector<Bytes>{}; };
    EXPECT_EQ(none.run({"monitor", "--count", "1", "--timeout", "1"}), cli::kNegative);
}

TEST(UdpCli, FeatureModuleNotLoadedUsesTheKernelsHint) {
    CliRun c;
    c.k.fn = [](const Bytes& req) {
        return std::vector<Bytes>{
            nltest::error_reply(req, EOPNOTSUPP, "ip_vs_sip not loaded (modprobe ip_vs_sip)")};
    };
    EXPECT_EQ(c.run({"call", "show"}), cli::kNotLoaded);
    EXPECT_NE(c.err.str().find("ip_vs_sip not loaded (modprobe ip_vs_sip)"), std::string::npos);
    // The exit code comes from the error's family and errno, not its text:
    // another wording (or none) is still "not loaded".
    CliRun other;
    other.k.fn = [](const Bytes& req) {
        return std::vector<Bytes>{nltest::error_reply(req, EOPNOTSUPP, "kein Modul")};
    };
    EXPECT_EQ(other.run({"sip", "show", "udp:10.0.100.1:5060"}), cli::kNotLoaded);
}

TEST(UdpClient, ErrorsNameFamilyAndCommand) {
    Kernel k;
    k.fn = [](const Bytes& req) {
        return std::vector<Bytes>{nltest::error_reply(req, EOPNOTSUPP)};
    };
    auto c = k.client();
    auto r = c.radius_get(*ServiceKey::parse("udp:10.0.100.1:1812"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().family, "ipvs_udp");
    EXPECT_EQ(r.error().command, IPVS_UDP_CMD_RADIUS_GET);
    EXPECT_TRUE(r.error().module_missing);
    Kernel k2;
    k2.fn = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, ESRCH)}; };
    auto c2 = k2.client();
    auto r2 = c2.radius_get(*ServiceKey::parse("udp:10.0.100.1:1812"));
    ASSERT_FALSE(r2);
    EXPECT_FALSE(r2.error().module_missing);
    EXPECT_EQ(r2.error().command, IPVS_UDP_CMD_RADIUS_GET);
}

TEST(UdpCli, CountersInPrometheusFormat) {
    CliRun c;
    c.k.fn = [](const Bytes& req) {
        Enc e(kId, 0, nltest::seq_of(req));
        e.genl(IPVS_UDP_CMD_COUNTERS_GET, 1).begin(IPVS_UDP_A_COUNTERS_SIP);
        svc4(e, IPVS_UDP_A_SIP_SERVICE_SERVICE, "10.0.100.1", 5060);
        e.begin(IPVS_UDP_A_SIP_SERVICE_COUNTERS)
            .u32(IPVS_UDP_A_SIP_COUNTERS_BINDINGS, 4)
            .u64(IPVS_UDP_A_SIP_COUNTERS_HITS, 9)
            .end()
            .end();
        e.begin(IPVS_UDP_A_COUNTERS_REPLY)
            .u64(IPVS_UDP_A_REPLY_COUNTERS_TIMEOUTS, 3)
            .u64(IPVS_UDP_A_REPLY_COUNTERS_NO_CONN, 2)
            .end();
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    ASSERT_EQ(c.run({"metrics"}), cli::kOk) << c.err.str();
    const std::string o = c.out.str();
    EXPECT_NE(o.find("# TYPE ipvs_udp_sip_bindings gauge\n"
                     "ipvs_udp_sip_bindings{service=\"udp:10.0.100.1:5060\"} 4\n"),
              std::string::npos)
        << o;
    EXPECT_NE(o.find("ipvs_udp_sip_hits_total{service=\"udp:10.0.100.1:5060\"} 9\n"),
              std::string::npos);
    EXPECT_NE(o.find("ipvs_udp_reply_timeouts_total 3\n"), std::string::npos);
    EXPECT_NE(o.find("ipvs_udp_reply_no_conn_total 2\n"), std::string::npos);
    EXPECT_EQ(o.find("icmp_vip"), std::string::npos);  // module not loaded: no metrics
}

namespace {

// A radius key as kernel/ip_vs_radius_parse.c makes it: kind, NAS identity
// (type, length, value), value.
std::string radius_calling_key(const char* nas_ip, const std::string& calling) {
    in_addr a{};
    inet_pton(AF_INET, nas_ip, &a);
    std::string k{'\x01', '\x04', '\x04'};
    k.append(reinterpret_cast<const char*>(&a), 4);
    return k + calling;
}

// Bindings of a radius service (key and scheduler), then a sip one.
std::vector<Bytes> radius_bindings(const Bytes& req) {
    const auto s = nltest::seq_of(req);
    auto one = [s](const std::string& key, std::uint32_t state, const char* sched, bool callid) {
        Enc e(kId, NLM_F_MULTI, s);
        e.genl(IPVS_UDP_CMD_BINDING_GET, 1);
        svc4(e, IPVS_UDP_A_SIP_SERVICE, "10.0.100.1", callid ? 5060 : 1812);
        e.begin(IPVS_UDP_A_SIP_BINDING);
        if (callid) e.attr(IPVS_UDP_A_BINDING_CALL_ID, key.data(), key.size());
        e.attr(IPVS_UDP_A_BINDING_KEY, key.data(), key.size());
        dest4(e, IPVS_UDP_A_BINDING_DEST, "10.0.2.12", callid ? 5060 : 1812);
        e.u32(IPVS_UDP_A_BINDING_STATE, state).u64(IPVS_UDP_A_BINDING_AGE_MS, 700).end();
        e.str(IPVS_UDP_A_SIP_SCHEDULER, sched);
        return e.bytes();
    };
    return {nltest::cat({one(radius_calling_key("192.0.2.7", "02-00-00-00-00-01"),
                             IPVS_UDP_RADIUS_BINDING_STATE_CONVERSATION, "radius", false),
                         one(std::string("\x04\xab\x00\x01", 4),
                             IPVS_UDP_RADIUS_BINDING_STATE_STATE, "radius", false),
                         one("a@x", IPVS_UDP_BINDING_STATE_DIALOG, "sip", true),
                         nltest::done_reply(s)})};
}

}  // namespace

TEST(Udp, RadiusKeysDecode) {
    auto k = udp::decode_radius_key(radius_calling_key("192.0.2.7", "02-00"));
    EXPECT_EQ(k.kind, "calling-station-id");
    EXPECT_EQ(k.nas_type, "nas-ip");
    EXPECT_EQ(k.nas, "192.0.2.7");
    EXPECT_EQ(k.value, "02-00");
    // No NAS identity: one zero byte.
    k = udp::decode_radius_key(std::string("\x03\x00sess-1", 8));
    EXPECT_EQ(k.kind, "acct-session-id");
    EXPECT_EQ(k.nas_type, "");
    EXPECT_EQ(k.value, "sess-1");
    k = udp::decode_radius_key(std::string("\x02\x20\x03nasbob", 9));
    EXPECT_EQ(k.kind, "user-name");
    EXPECT_EQ(k.nas_type, "nas-id");
    EXPECT_EQ(k.nas, "nas");
    EXPECT_EQ(k.value, "bob");
    k = udp::decode_radius_key(udp::radius_state_key(std::string("\x00\xff", 2)));
    EXPECT_EQ(k.kind, "state");
    EXPECT_EQ(k.value, std::string("\x00\xff", 2));
    // Hostile or foreign bytes: unknown, never past the end.
    for (const std::string& bad : {std::string(), std::string("\x09xx"), std::string("\x01"),
                                   std::string("\x01\x04\x10\x01", 4)})
        EXPECT_EQ(udp::decode_radius_key(bad).kind, "unknown") << bad.size();
}

TEST(Udp, BindingDumpOfRadiusAndSipServices) {
    Kernel k;
    k.fn = radius_bindings;
    auto c = k.client();
    auto r = c.bindings();
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[0].scheduler, "radius");
    EXPECT_EQ((*r)[0].call_id, "");
    EXPECT_EQ(udp::binding_state_name((*r)[0]), "conversation");
    EXPECT_EQ(udp::binding_state_name((*r)[1]), "state");
    EXPECT_EQ((*r)[2].scheduler, "sip");
    EXPECT_EQ((*r)[2].key, "a@x");
    EXPECT_EQ(udp::binding_state_name((*r)[2]), "dialog");
}

TEST(UdpCli, BindingsShowRadiusKeysAndCallsOnlySip) {
    CliRun c;
    c.k.fn = radius_bindings;
    ASSERT_EQ(c.run({"binding", "show"}), cli::kOk) << c.err.str();
    const std::string o = c.out.str();
    EXPECT_NE(o.find("calling-station-id 02-00-00-00-00-01 nas-ip 192.0.2.7"), std::string::npos)
        << o;
    EXPECT_NE(o.find("state ab0001"), std::string::npos) << o;
    EXPECT_NE(o.find("conversation"), std::string::npos);
    EXPECT_NE(o.find("3 bindings"), std::string::npos);
    CliRun j;
    j.k.fn = radius_bindings;
    ASSERT_EQ(j.run({"binding", "show", "--json"}), cli::kOk) << j.err.str();
    EXPECT_NE(j.out.str().find(R"("scheduler":"radius","key":"010404c00002073032)"),
              std::string::npos)
        << j.out.str();
    EXPECT_NE(j.out.str().find(R"("kind":"state","value":"ab0001","nas_type":null,"nas":null)"),
              std::string::npos)
        << j.out.str();
    // 'calls' stays the sip view.
    CliRun s;
    s.k.fn = radius_bindings;
    ASSERT_EQ(s.run({"call", "show"}), cli::kOk);
    EXPECT_NE(s.out.str().find("1 call\n"), std::string::npos) << s.out.str();
}

TEST(UdpCli, FlushAStateSendsItsKey) {
    CliRun c;
    c.k.fn = [](const Bytes& req) {
        Enc e(kId, 0, nltest::seq_of(req));
        e.genl(IPVS_UDP_CMD_BINDING_FLUSH, 1).u32(IPVS_UDP_A_SIP_COUNT, 1);
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    ASSERT_EQ(c.run({"binding", "flush", "udp:10.0.100.1:1812", "--state", "AB01"}), cli::kOk)
        << c.err.str();
    Enc e(kId, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(c.k.sent[1]));
    e.genl(IPVS_UDP_CMD_BINDING_FLUSH, 1);
    svc4(e, IPVS_UDP_A_SIP_SERVICE, "10.0.100.1", 1812);
    e.attr(IPVS_UDP_A_SIP_CALL_ID, "\x04\xab\x01", 3);
    EXPECT_EQ(c.k.sent[1], e.bytes());
    CliRun j;
    j.k.fn = c.k.fn;
    ASSERT_EQ(j.run({"--json", "binding", "flush", "udp:10.0.100.1:1812", "--dest", "10.0.2.12"}),
              cli::kOk);
    EXPECT_EQ(j.out.str(), R"({"service":"udp:10.0.100.1:1812","flushed":1,)"
                           R"("destination":"10.0.2.12:1812"})"
                           "\n");
    CliRun bad;
    EXPECT_EQ(bad.run({"binding", "flush", "udp:10.0.100.1:1812", "--state", "abc"}), cli::kUsage);
    EXPECT_EQ(bad.run({"binding", "flush", "udp:10.0.100.1:1812", "--state", "zz"}), cli::kUsage);
    EXPECT_EQ(
        bad.run({"binding", "flush", "udp:10.0.100.1:1812", "--state", "ab", "--call-id", "x"}),
        cli::kUsage);
}

TEST(UdpCli, RadiusSettingsSetThenShow) {
    CliRun c;
    c.k.fn = [](const Bytes& req) {
        if (nltest::cmd_of(req) != IPVS_UDP_CMD_RADIUS_GET)
            return std::vector<Bytes>{nltest::error_reply(req, 0)};
        Enc e(kId, 0, nltest::seq_of(req));
        e.genl(IPVS_UDP_CMD_RADIUS_GET, 1);
        svc4(e, IPVS_UDP_A_RADIUS_SERVICE, "10.0.100.1", 1812);
        e.begin(IPVS_UDP_A_RADIUS_SETTINGS)
            .u32(IPVS_UDP_A_RADIUS_SETTINGS_CONVERSATION_TIMEOUT, 45)
            .u32(IPVS_UDP_A_RADIUS_SETTINGS_ACCT_TIMEOUT, 0)
            .u32(IPVS_UDP_A_RADIUS_SETTINGS_MAX_BINDINGS, 1000)
            .u64(IPVS_UDP_A_RADIUS_SETTINGS_SEED, 18446744073709551615ull)
            .u32(IPVS_UDP_A_RADIUS_SETTINGS_DRAIN_POLICY, 1)
            .end();
        e.begin(IPVS_UDP_A_RADIUS_COUNTERS)
            .u32(IPVS_UDP_A_RADIUS_COUNTERS_BINDINGS, 7)
            .u64(IPVS_UDP_A_RADIUS_COUNTERS_LEARNED, 5)
            .u64(IPVS_UDP_A_RADIUS_COUNTERS_SHORT, 2)
            .end();
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    ASSERT_EQ(
        c.run({"radius", "set", "udp:10.0.100.1:1812", "--conversation-timeout", "45", "--json"}),
        cli::kOk)
        << c.err.str();
    Enc e(kId, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(c.k.sent[1]));
    e.genl(IPVS_UDP_CMD_RADIUS_SET, 1);
    svc4(e, IPVS_UDP_A_RADIUS_SERVICE, "10.0.100.1", 1812);
    e.begin(IPVS_UDP_A_RADIUS_SETTINGS)
        .u32(IPVS_UDP_A_RADIUS_SETTINGS_CONVERSATION_TIMEOUT, 45)
        .end();
    EXPECT_EQ(c.k.sent[1], e.bytes());
    const std::string o = c.out.str();
    EXPECT_NE(
        o.find(R"("conversation_timeout":45,"acct_timeout":0,"max_bindings":1000,)"
               R"("seed":"18446744073709551615","drain_policy":"move","drain_policy_flag":false,)"
               R"("svc_flags":null)"),
        std::string::npos)
        << o;
    EXPECT_NE(o.find(R"("bindings":7,)"), std::string::npos);
    EXPECT_NE(o.find(R"("short":2,)"), std::string::npos);
    EXPECT_NE(o.find(R"("learned":5})"), std::string::npos);
}

TEST(UdpCli, RadiusCountersInPrometheusFormat) {
    CliRun c;
    c.k.fn = [](const Bytes& req) {
        Enc e(kId, 0, nltest::seq_of(req));
        e.genl(IPVS_UDP_CMD_COUNTERS_GET, 1).begin(IPVS_UDP_A_COUNTERS_RADIUS);
        svc4(e, IPVS_UDP_A_RADIUS_SERVICE_SERVICE, "10.0.100.1", 1812);
        e.begin(IPVS_UDP_A_RADIUS_SERVICE_COUNTERS)
            .u32(IPVS_UDP_A_RADIUS_COUNTERS_BINDINGS, 3)
            .u64(IPVS_UDP_A_RADIUS_COUNTERS_STATE_HITS, 11)
            .end()
            .end();
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    // the old spelling: the same Prometheus text, and a note on stderr
    ASSERT_EQ(c.run({"counters"}), cli::kOk) << c.err.str();
    EXPECT_NE(c.err.str().find("'counters' is deprecated"), std::string::npos) << c.err.str();
    const std::string o = c.out.str();
    EXPECT_NE(o.find("# TYPE ipvs_udp_radius_bindings gauge\n"
                     "ipvs_udp_radius_bindings{service=\"udp:10.0.100.1:1812\"} 3\n"),
              std::string::npos)
        << o;
    EXPECT_NE(o.find("ipvs_udp_radius_state_hits_total{service=\"udp:10.0.100.1:1812\"} 11\n"),
              std::string::npos)
        << o;
}

TEST(UdpCli, DrainPolicyExplainsTheServiceFlag) {
    CliRun c;
    c.k.fn = [](const Bytes& req) {
        if (nltest::cmd_of(req) != IPVS_UDP_CMD_SIP_GET)
            return std::vector<Bytes>{nltest::error_reply(req, 0)};
        Enc e(kId, 0, nltest::seq_of(req));
        e.genl(IPVS_UDP_CMD_SIP_GET, 1);
        svc4(e, IPVS_UDP_A_SIP_SERVICE, "10.0.100.1", 5060);
        e.begin(IPVS_UDP_A_SIP_SETTINGS)
            .u64(IPVS_UDP_A_SIP_SETTINGS_SEED, 9007199254740993ull)  // 2^53 + 1
            .u32(IPVS_UDP_A_SIP_SETTINGS_DRAIN_POLICY, 1)
            .u32(IPVS_UDP_A_SIP_SETTINGS_SVC_FLAGS, ipvs::kOnePacket | ipvs::kSchedFlag1)
            .end();
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    ASSERT_EQ(c.run({"sip", "set", "udp:10.0.100.1:5060", "--drain-policy", "drain"}), cli::kOk)
        << c.err.str();
    EXPECT_NE(c.out.str().find("drain-policy move (service flag sip-move-quiesced)"),
              std::string::npos)
        << c.out.str();
    EXPECT_NE(c.err.str().find("has the scheduler flag sip-move-quiesced"), std::string::npos)
        << c.err.str();
    EXPECT_NE(c.err.str().find("--no-flag-1"), std::string::npos);
    CliRun j;
    j.k.fn = c.k.fn;
    ASSERT_EQ(j.run({"--json", "sip", "show", "udp:10.0.100.1:5060"}), cli::kOk);
    EXPECT_NE(j.out.str().find(R"("seed":"9007199254740993","drain_policy":"move",)"
                               R"("drain_policy_flag":true)"),
              std::string::npos)
        << j.out.str();
    EXPECT_EQ(j.err.str(), "");  // nothing asked: no note
}

TEST(UdpCli, MetricsForTheTextfileCollector) {
    CliRun c;
    c.k.fn = [](const Bytes& req) {
        const auto s = nltest::seq_of(req);
        if (nltest::cmd_of(req) == IPVS_UDP_CMD_REPLY_DEST_GET) {
            Enc e(kId, NLM_F_MULTI, s);
            e.genl(IPVS_UDP_CMD_REPLY_DEST_GET, 1).begin(IPVS_UDP_A_REPLY_DEST);
            dest4(e, IPVS_UDP_A_REPLY_DEST_DEST, "10.0.2.11", 53);
            e.u64(IPVS_UDP_A_REPLY_DEST_REPLIES, 90).u64(IPVS_UDP_A_REPLY_DEST_EWMA_NS, 2500000);
            for (std::uint64_t h : {50, 30, 10, 0, 0}) e.u64(IPVS_UDP_A_REPLY_DEST_HIST, h);
            e.u64(IPVS_UDP_A_REPLY_DEST_LATENCY_SUM_NS, 123456789).end();
            return std::vector<Bytes>{e.bytes(), nltest::done_reply(s)};
        }
        // Every module's counters: every metric family is there.
        Enc e(kId, 0, s);
        e.genl(IPVS_UDP_CMD_COUNTERS_GET, 1).begin(IPVS_UDP_A_COUNTERS_SIP);
        svc4(e, IPVS_UDP_A_SIP_SERVICE_SERVICE, "10.0.100.1", 5060);
        e.begin(IPVS_UDP_A_SIP_SERVICE_COUNTERS).u32(IPVS_UDP_A_SIP_COUNTERS_BINDINGS, 4).end();
        e.end().begin(IPVS_UDP_A_COUNTERS_RADIUS);
        svc4(e, IPVS_UDP_A_RADIUS_SERVICE_SERVICE, "10.0.100.1", 1812);
        e.begin(IPVS_UDP_A_RADIUS_SERVICE_COUNTERS).u32(IPVS_UDP_A_RADIUS_COUNTERS_BINDINGS, 2);
        e.end().end();
        e.begin(IPVS_UDP_A_COUNTERS_REPLY).u64(IPVS_UDP_A_REPLY_COUNTERS_REQUESTS, 7).end();
        e.begin(IPVS_UDP_A_COUNTERS_ICMP_VIP).u64(IPVS_UDP_A_ICMP_VIP_COUNTERS_ENABLED, 1).end();
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    char dir[] = "/tmp/ipvs-udp-metrics.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string file = std::string(dir) + "/ipvs_udp.prom";
    ASSERT_EQ(c.run({"metrics", "--output", file}), cli::kOk) << c.err.str();
    EXPECT_EQ(c.out.str(), "");
    std::ifstream in(file);
    const std::string o((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::remove(file.c_str());
    // scripts/userspace-test checks this output with promtool.
    if (const char* keep = std::getenv("IPVS_UDP_METRICS_KEEP")) std::ofstream(keep) << o;
    EXPECT_EQ(rmdir(dir), 0);  // no temporary file left behind
    // The kernel's buckets as a cumulative histogram in seconds.
    EXPECT_NE(o.find("# TYPE ipvs_udp_reply_dest_latency_seconds histogram\n"
                     "ipvs_udp_reply_dest_latency_seconds_bucket{destination=\"10.0.2.11:53\","
                     "le=\"0.001\"} 50\n"
                     "ipvs_udp_reply_dest_latency_seconds_bucket{destination=\"10.0.2.11:53\","
                     "le=\"0.01\"} 80\n"),
              std::string::npos)
        << o;
    EXPECT_NE(
        o.find("le=\"+Inf\"} 90\n"
               "ipvs_udp_reply_dest_latency_seconds_sum{destination=\"10.0.2.11:53\"} "
               "0.123456789\n"
               "ipvs_udp_reply_dest_latency_seconds_count{destination=\"10.0.2.11:53\"} 90\n"),
        std::string::npos)
        << o;
    EXPECT_NE(o.find("ipvs_udp_reply_dest_latency_ewma_seconds{destination=\"10.0.2.11:53\"} "
                     "0.0025\n"),
              std::string::npos)
        << o;
    EXPECT_NE(o.find("ipvs_udp_sip_bindings{service=\"udp:10.0.100.1:5060\"} 4\n"),
              std::string::npos);
    EXPECT_NE(o.find("ipvs_udp_up 1\n"), std::string::npos);
    // Nothing of IPVS's own traffic counters (node_exporter has them).
    EXPECT_EQ(o.find("ipvs_service_"), std::string::npos);
    // An unwritable place: an error, and nothing half-written.
    CliRun bad;
    bad.k.fn = c.k.fn;
    EXPECT_EQ(bad.run({"metrics", "--output", "/nonexistent/dir/x.prom"}), cli::kUsage);
    EXPECT_NE(bad.err.str().find("cannot create /nonexistent/dir/x.prom.tmp."), std::string::npos)
        << bad.err.str();
}

TEST(UdpCli, MonitorResyncsAfterAnOverrunAndStampsLines) {
    CliRun c;
    // The resync reads each real server's reply accounting.
    c.k.fn = [](const Bytes& req) {
        const auto s = nltest::seq_of(req);
        Enc e(kId, NLM_F_MULTI, s);
        e.genl(IPVS_UDP_CMD_REPLY_DEST_GET, 1).begin(IPVS_UDP_A_REPLY_DEST);
        dest4(e, IPVS_UDP_A_REPLY_DEST_DEST, "10.0.2.11", 53);
        e.u64(IPVS_UDP_A_REPLY_DEST_TIMEOUTS, 31).u32(IPVS_UDP_A_REPLY_DEST_OUTSTANDING, 2).end();
        return std::vector<Bytes>{e.bytes(), nltest::done_reply(s)};
    };
    Enc ev(kId, 0, 0);
    ev.genl(IPVS_UDP_CMD_DEST_EVENT, 1).u32(IPVS_UDP_A_EVENT_REASON, IPVS_UDP_EVENT_REASON_FLUSHED);
    c.events = {Bytes{}, ev.bytes()};  // an overrun, then an event
    c.errors = {ENOBUFS};
    ASSERT_EQ(c.run({"monitor", "-t", "--count", "1", "--timeout", "5"}), cli::kOk) << c.err.str();
    const std::string o = c.out.str();
    EXPECT_NE(c.err.str().find("events were lost (receive buffer overrun); resyncing"),
              std::string::npos)
        << c.err.str();
    EXPECT_NE(c.err.str().find("monitoring ipvs_udp events"), std::string::npos);  // not stdout
    // Every line stamped: 2026-12-07T13:45:01.123456Z and the rest.
    const std::regex line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z (.*))");
    std::vector<std::string> rest;
    std::istringstream in(o);
    for (std::string l; std::getline(in, l);) {
        std::smatch m;
        ASSERT_TRUE(std::regex_match(l, m, line)) << l;
        rest.push_back(m[1]);
    }
    EXPECT_EQ(rest,
              (std::vector<std::string>{"overrun: events were lost",
                                        "resync server 10.0.2.11:53 timeouts 31 outstanding 2",
                                        "flushed bindings 0"}));
    CliRun j;
    j.k.fn = c.k.fn;
    j.events = {Bytes{}, ev.bytes()};
    j.errors = {ENOBUFS};
    ASSERT_EQ(j.run({"monitor", "--json", "--count", "1", "--timeout", "5"}), cli::kOk);
    EXPECT_EQ(j.out.str(), R"({"event":"overrun"})"
                           "\n"
                           R"({"event":"resync","destination":"10.0.2.11:53","timeouts":31,)"
                           R"("outstanding":2})"
                           "\n"
                           R"({"event":"flushed","service":null,"destination":null,"bindings":0,)"
                           R"("timeouts":0,"threshold":0})"
                           "\n");
}

// The JSON of the read commands of the ipvs_udp family, pinned whole
// (docs/json.md): a key renamed or dropped breaks a user's script.
TEST(UdpCli, JsonOfTheReadCommandsIsPinned) {
    CliRun srv;
    srv.k.fn = one_reply_dest;
    ASSERT_EQ(srv.run({"--json", "server", "show"}), cli::kOk) << srv.err.str();
    EXPECT_EQ(srv.out.str(),
              R"({"servers":[{"destination":"10.0.2.11:53","requests":100,"replies":90,)"
              R"("timeouts":10,"duplicates":0,"late":0,"outstanding":1,"ewma_ns":0,)"
              R"("hist":[50,30,10,0,0]}]})"
              "\n");
    CliRun rep;
    rep.k.fn = own_reply_settings;
    ASSERT_EQ(rep.run({"--json", "reply", "udp:10.0.100.1:53"}), cli::kOk) << rep.err.str();
    EXPECT_EQ(rep.out.str(),
              R"({"service":"udp:10.0.100.1:53","timeout_ms":200,"max_requests":null,)"
              R"("timeout_threshold":null,"strict":false,"txid_match":true,"own":true})"
              "\n");
    CliRun sip;
    sip.k.fn = [](const Bytes& req) {
        Enc e(kId, 0, nltest::seq_of(req));
        e.genl(IPVS_UDP_CMD_SIP_GET, 1);
        svc4(e, IPVS_UDP_A_SIP_SERVICE, "10.0.100.1", 5060);
        e.begin(IPVS_UDP_A_SIP_SETTINGS)
            .u32(IPVS_UDP_A_SIP_SETTINGS_DIALOG_TIMEOUT, 1800)
            .u32(IPVS_UDP_A_SIP_SETTINGS_MAX_BINDINGS, 1000)
            .u32(IPVS_UDP_A_SIP_SETTINGS_DRAIN_POLICY, 0)
            .u64(IPVS_UDP_A_SIP_SETTINGS_SEED, 7)
            .end()
            .begin(IPVS_UDP_A_SIP_COUNTERS)
            .u32(IPVS_UDP_A_SIP_COUNTERS_BINDINGS, 2)
            .end();
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    ASSERT_EQ(sip.run({"--json", "sip", "udp:10.0.100.1:5060"}), cli::kOk) << sip.err.str();
    EXPECT_EQ(sip.out.str(),
              R"({"service":"udp:10.0.100.1:5060","settings":{"dialog_timeout":1800,)"
              R"("early_timeout":null,"transaction_timeout":null,"linger_timeout":null,)"
              R"("max_bindings":1000,"seed":"7","drain_policy":"drain",)"
              R"("drain_policy_flag":false,"svc_flags":null},"counters":{"bindings":2,)"
              R"("messages":0,"parsed":0,"nokey":0,"oversized":0,"hits":0,"created":0,)"
              R"("expired":0,"moved":0,"refused":0,"ended":0,"nodest":0,"toolong":0}})"
              "\n");
}
