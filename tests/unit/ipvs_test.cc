// SPDX-License-Identifier: LGPL-2.1-or-later
//
// IPVS family requests and replies, byte for byte, without a kernel.
#include "ipvs-udp/ipvs.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/ip_vs.h>

#include "nlfake.h"

using namespace ipvsudp;
using nltest::Bytes;
using nltest::Enc;

namespace {

constexpr std::uint16_t kIpvsId = 0x1b;

struct Kernel {
    std::vector<Bytes> sent;
    // Per request (after the family lookup): reply datagrams.
    std::function<std::vector<Bytes>(const Bytes&)> ipvs;
    nltest::FakeTransport* t = nullptr;

    ipvs::Client client() {
        auto tr = std::make_unique<nltest::FakeTransport>(&sent, [this](const Bytes& req) {
            if (nltest::type_of(req) == GENL_ID_CTRL)
                return std::vector<Bytes>{
                    nltest::family_reply(nltest::seq_of(req), "IPVS", kIpvsId),
                    nltest::error_reply(req, 0)};
            return ipvs(req);
        });
        t = tr.get();
        return ipvs::Client(std::move(tr));
    }
};

in6_addr v4(const char* s) {
    in6_addr a{};
    inet_pton(AF_INET, s, &a);
    return a;
}

void put_key4(Enc& e, const char* addr, std::uint16_t port) {
    in6_addr a = v4(addr);
    e.u16(IPVS_SVC_ATTR_AF, AF_INET)
        .u16(IPVS_SVC_ATTR_PROTOCOL, IPPROTO_UDP)
        .attr(IPVS_SVC_ATTR_ADDR, &a, 16)
        .u16(IPVS_SVC_ATTR_PORT, htons(port));
}

Bytes service_msg(std::uint32_t seq, const char* addr, std::uint16_t port, const char* sched,
                  std::uint32_t flags, const char* pe, std::uint64_t conns, bool stats64) {
    Enc e(kIpvsId, NLM_F_MULTI, seq);
    e.genl(IPVS_CMD_NEW_SERVICE, 1).begin(IPVS_CMD_ATTR_SERVICE);
    put_key4(e, addr, port);
    ip_vs_flags f{flags, ~0u};
    e.str(IPVS_SVC_ATTR_SCHED_NAME, sched).attr(IPVS_SVC_ATTR_FLAGS, &f, sizeof(f));
    e.u32(IPVS_SVC_ATTR_TIMEOUT, 0).u32(IPVS_SVC_ATTR_NETMASK, 0xffffffff);
    if (*pe) e.str(IPVS_SVC_ATTR_PE_NAME, pe);
    e.begin(IPVS_SVC_ATTR_STATS).u32(IPVS_STATS_ATTR_CONNS, 7).end();
    if (stats64)
        e.begin(IPVS_SVC_ATTR_STATS64)
            .u64(IPVS_STATS_ATTR_CONNS, conns)
            .u64(IPVS_STATS_ATTR_INBYTES, 1ull << 40)
            .end();
    e.end();
    return e.bytes();
}

}  // namespace

TEST(Ipvs, AddServiceEncodesEveryRequiredAttribute) {
    Kernel k;
    k.ipvs = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, 0)}; };
    auto c = k.client();
    ipvs::Service s;
    s.key = *ServiceKey::parse("10.0.100.1:5060");
    s.scheduler = "sip";
    s.flags = ipvs::kOnePacket | ipvs::kHashed;
    auto r = c.add_service(s);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(k.sent.size(), 2u);  // family lookup, then the request

    Enc e(kIpvsId, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(k.sent[1]));
    e.genl(IPVS_CMD_NEW_SERVICE, IPVS_GENL_VERSION).begin(IPVS_CMD_ATTR_SERVICE);
    put_key4(e, "10.0.100.1", 5060);
    ip_vs_flags f{IP_VS_SVC_F_ONEPACKET, ~0u};  // never the kernel-owned HASHED bit
    e.str(IPVS_SVC_ATTR_SCHED_NAME, "sip").attr(IPVS_SVC_ATTR_FLAGS, &f, sizeof(f));
    e.u32(IPVS_SVC_ATTR_TIMEOUT, 0).u32(IPVS_SVC_ATTR_NETMASK, 0xffffffff).end();
    EXPECT_EQ(k.sent[1], e.bytes());
}

TEST(Ipvs, PersistenceEngineAndFwmark6) {
    Kernel k;
    k.ipvs = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, 0)}; };
    auto c = k.client();
    ipvs::Service s;
    s.key = *ServiceKey::parse("fwmark6:9");
    s.scheduler = "lor";
    s.pe_name = "reply";
    s.flags = ipvs::kOnePacket;
    ASSERT_TRUE(c.add_service(s));
    Enc e(kIpvsId, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(k.sent[1]));
    e.genl(IPVS_CMD_NEW_SERVICE, IPVS_GENL_VERSION).begin(IPVS_CMD_ATTR_SERVICE);
    e.u16(IPVS_SVC_ATTR_AF, AF_INET6).u32(IPVS_SVC_ATTR_FWMARK, 9);
    ip_vs_flags f{IP_VS_SVC_F_ONEPACKET, ~0u};
    e.str(IPVS_SVC_ATTR_SCHED_NAME, "lor").str(IPVS_SVC_ATTR_PE_NAME, "reply");
    e.attr(IPVS_SVC_ATTR_FLAGS, &f, sizeof(f));
    e.u32(IPVS_SVC_ATTR_TIMEOUT, 0).u32(IPVS_SVC_ATTR_NETMASK, 128).end();
    EXPECT_EQ(k.sent[1], e.bytes());
}

TEST(Ipvs, DumpOverSeveralDatagramsPrefers64BitStats) {
    Kernel k;
    k.ipvs = [](const Bytes& req) {
        const auto s = nltest::seq_of(req);
        return std::vector<Bytes>{
            nltest::cat({service_msg(s, "10.0.100.1", 5060, "sip", IP_VS_SVC_F_ONEPACKET, "",
                                     5000000000ull, true),
                         service_msg(s, "10.0.100.1", 53, "lor", IP_VS_SVC_F_ONEPACKET, "reply", 0,
                                     false)}),
            nltest::cat({service_msg(s, "10.0.100.2", 1812, "rr", 0, "", 0, false),
                         nltest::done_reply(s)})};
    };
    auto c = k.client();
    auto r = c.services();
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 3u);
    const auto& a = (*r)[0];
    EXPECT_EQ(a.key.str(), "udp:10.0.100.1:5060");
    EXPECT_EQ(a.scheduler, "sip");
    EXPECT_TRUE(a.one_packet());
    EXPECT_EQ(a.stats.conns, 5000000000ull);  // from STATS64, not the 32-bit 7
    EXPECT_EQ(a.stats.inbytes, 1ull << 40);
    EXPECT_EQ((*r)[1].pe_name, "reply");
    EXPECT_EQ((*r)[1].stats.conns, 7u);  // only 32-bit stats sent
    EXPECT_EQ((*r)[2].key.port, 1812);
    // The dump request: NLM_F_DUMP, no ACK, no attributes.
    Enc e(kIpvsId, NLM_F_REQUEST | NLM_F_DUMP, nltest::seq_of(k.sent[1]));
    e.genl(IPVS_CMD_GET_SERVICE, IPVS_GENL_VERSION);
    EXPECT_EQ(k.sent[1], e.bytes());
}

TEST(Ipvs, KernelErrorCarriesErrnoAndExtack) {
    for (bool capped : {true, false}) {
        Kernel k;
        k.ipvs = [capped](const Bytes& req) {
            return std::vector<Bytes>{
                nltest::error_reply(req, EINVAL, "unknown scheduler name", capped)};
        };
        auto c = k.client();
        ipvs::Service s;
        s.key = *ServiceKey::parse("10.0.100.1:5060");
        s.scheduler = "nope";
        auto r = c.add_service(s);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, std::errc::invalid_argument);
        EXPECT_EQ(r.error().extack, "unknown scheduler name");
        EXPECT_NE(r.error().message().find("add service udp:10.0.100.1:5060"), std::string::npos);
    }
}

TEST(Ipvs, MissingFamilyIsReported) {
    std::vector<Bytes> sent;
    auto tr = std::make_unique<nltest::FakeTransport>(&sent, [](const Bytes& req) {
        return std::vector<Bytes>{nltest::error_reply(req, ENOENT)};
    });
    ipvs::Client c(std::move(tr));
    auto r = c.services();
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().family_missing);
    EXPECT_EQ(r.error().errnum(), ENOENT);
    // The lookup asked the controller for "IPVS".
    Enc e(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(sent[0]));
    e.genl(CTRL_CMD_GETFAMILY, 2).str(CTRL_ATTR_FAMILY_NAME, "IPVS");
    EXPECT_EQ(sent[0], e.bytes());
}

TEST(Ipvs, ServiceNotFoundIsEsrch) {
    Kernel k;
    k.ipvs = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, ESRCH)}; };
    auto c = k.client();
    auto r = c.del_service(*ServiceKey::parse("10.0.100.1:9"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().errnum(), ESRCH);
}

TEST(Ipvs, DumpErrorInDone) {
    Kernel k;
    k.ipvs = [](const Bytes& req) {
        return std::vector<Bytes>{nltest::done_reply(nltest::seq_of(req), EPERM)};
    };
    auto c = k.client();
    auto r = c.services();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().errnum(), EPERM);
}

TEST(Ipvs, StaleRepliesOfOtherSequenceNumbersAreSkipped) {
    Kernel k;
    k.ipvs = [](const Bytes& req) {
        const auto s = nltest::seq_of(req);
        return std::vector<Bytes>{nltest::cat(
            {service_msg(s - 1, "10.9.9.9", 1, "rr", 0, "", 0, false),
             service_msg(s, "10.0.100.1", 5060, "sip", 0, "", 0, false), nltest::done_reply(s)})};
    };
    auto c = k.client();
    auto r = c.services();
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].key.port, 5060);
}

TEST(Ipvs, DestinationsOfAServiceV6) {
    Kernel k;
    k.ipvs = [](const Bytes& req) {
        const auto s = nltest::seq_of(req);
        Enc e(kIpvsId, NLM_F_MULTI, s);
        in6_addr a{};
        inet_pton(AF_INET6, "fd00:2::11", &a);
        e.genl(IPVS_CMD_NEW_DEST, 1).begin(IPVS_CMD_ATTR_DEST);
        e.attr(IPVS_DEST_ATTR_ADDR, &a, 16).u16(IPVS_DEST_ATTR_PORT, htons(5060));
        e.u32(IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_DROUTE).u32(IPVS_DEST_ATTR_WEIGHT, 3);
        e.u32(IPVS_DEST_ATTR_ACTIVE_CONNS, 4).u32(IPVS_DEST_ATTR_INACT_CONNS, 5);
        e.u16(IPVS_DEST_ATTR_ADDR_FAMILY, AF_INET6);
        e.begin(IPVS_DEST_ATTR_STATS64).u64(IPVS_STATS_ATTR_INPKTS, 99).end().end();
        return std::vector<Bytes>{e.bytes(), nltest::done_reply(s)};
    };
    auto c = k.client();
    auto key = *ServiceKey::parse("[fd00:100::1]:5060");
    auto r = c.destinations(key);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 1u);
    const auto& d = (*r)[0];
    EXPECT_EQ(d.str(), "[fd00:2::11]:5060");
    EXPECT_EQ(d.forward, ipvs::Forward::direct);
    EXPECT_EQ(d.weight, 3u);
    EXPECT_EQ(d.active_conns, 4u);
    EXPECT_EQ(d.inactive_conns, 5u);
    EXPECT_EQ(d.stats.inpkts, 99u);
}

TEST(Ipvs, AddAndDeleteDestinationEncoding) {
    Kernel k;
    k.ipvs = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, 0)}; };
    auto c = k.client();
    auto key = *ServiceKey::parse("10.0.100.1:5060");
    ipvs::Destination d;
    d.address = *Address::parse("10.0.2.11");
    d.port = 5060;
    d.weight = 2;
    d.forward = ipvs::Forward::nat;
    ASSERT_TRUE(c.add_destination(key, d));
    ASSERT_TRUE(c.del_destination(key, d));
    in6_addr a = v4("10.0.2.11");
    Enc add(kIpvsId, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(k.sent[1]));
    add.genl(IPVS_CMD_NEW_DEST, 1).begin(IPVS_CMD_ATTR_SERVICE);
    put_key4(add, "10.0.100.1", 5060);
    add.end().begin(IPVS_CMD_ATTR_DEST);
    add.attr(IPVS_DEST_ATTR_ADDR, &a, 16).u16(IPVS_DEST_ATTR_PORT, htons(5060));
    add.u16(IPVS_DEST_ATTR_ADDR_FAMILY, AF_INET);
    add.u32(IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_MASQ).u32(IPVS_DEST_ATTR_WEIGHT, 2);
    add.u32(IPVS_DEST_ATTR_U_THRESH, 0).u32(IPVS_DEST_ATTR_L_THRESH, 0).end();
    EXPECT_EQ(k.sent[1], add.bytes());
    Enc del(kIpvsId, NLM_F_REQUEST | NLM_F_ACK, nltest::seq_of(k.sent[2]));
    del.genl(IPVS_CMD_DEL_DEST, 1).begin(IPVS_CMD_ATTR_SERVICE);
    put_key4(del, "10.0.100.1", 5060);
    del.end().begin(IPVS_CMD_ATTR_DEST);
    del.attr(IPVS_DEST_ATTR_ADDR, &a, 16).u16(IPVS_DEST_ATTR_PORT, htons(5060));
    del.u16(IPVS_DEST_ATTR_ADDR_FAMILY, AF_INET).end();
    EXPECT_EQ(k.sent[2], del.bytes());
    EXPECT_LT(nltest::seq_of(k.sent[1]), nltest::seq_of(k.sent[2]));
}

TEST(Ipvs, TimeoutsAndInfo) {
    Kernel k;
    k.ipvs = [](const Bytes& req) {
        const auto s = nltest::seq_of(req);
        Enc e(kIpvsId, 0, s);
        if (nltest::cmd_of(req) == IPVS_CMD_GET_CONFIG)
            e.genl(IPVS_CMD_SET_CONFIG, 1)
                .u32(IPVS_CMD_ATTR_TIMEOUT_TCP, 900)
                .u32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, 120)
                .u32(IPVS_CMD_ATTR_TIMEOUT_UDP, 300);
        else
            e.genl(IPVS_CMD_SET_INFO, 1)
                .u32(IPVS_INFO_ATTR_VERSION, 0x010201)
                .u32(IPVS_INFO_ATTR_CONN_TAB_SIZE, 4096);
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    auto c = k.client();
    auto t = c.timeouts();
    ASSERT_TRUE(t);
    EXPECT_EQ(t->udp, 300u);
    EXPECT_EQ(t->tcp_fin, 120u);
    auto i = c.info();
    ASSERT_TRUE(i);
    EXPECT_EQ(i->version_str(), "1.2.1");
    EXPECT_EQ(i->conn_tab_size, 4096u);
}

TEST(Ipvs, ConnectionTableV4AndV6) {
    auto r = ipvs::parse_connections(
        "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n"
        "UDP 0A000102 13C4 0A006401 13C4 0A00020B 13C4 ONE_PACKET        0\n"
        "UDP fd00:0001:0000:0000:0000:0000:0000:0002 0035 fd00:0100:0000:0000:0000:0000:0000:0001 "
        "0035 fd00:0002:0000:0000:0000:0000:0000:0011 0035 UDP             4 sip abc@x\n");
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0].client.str(), "10.0.1.2");
    EXPECT_EQ((*r)[0].client_port, 5060);
    EXPECT_EQ((*r)[0].dest.str(), "10.0.2.11");
    EXPECT_EQ((*r)[0].state, "ONE_PACKET");
    EXPECT_EQ((*r)[1].dest.str(), "fd00:2::11");
    EXPECT_EQ((*r)[1].virt_port, 53);
    EXPECT_EQ((*r)[1].expires, 4u);
    EXPECT_EQ((*r)[1].pe_name, "sip");
    EXPECT_EQ((*r)[1].pe_data, "abc@x");
    EXPECT_FALSE(ipvs::parse_connections("Pro x\nUDP zz 1 2 3 4 5 6 7\n"));
}

TEST(Netlink, TruncatedDatagramIsRejected) {
    Bytes d = nltest::done_reply(1);
    d.resize(d.size() - 2);
    ParsedReply out;
    EXPECT_FALSE(parse_datagram(d, 1, out, "x"));
}
