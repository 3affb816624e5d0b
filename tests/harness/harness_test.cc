// SPDX-License-Identifier: GPL-2.0
//
// The harness's checkers without a kernel: the ICMP parser on errors
// captured with tcpdump (loopback, Linux 6.1), the request/reply matcher,
// the SIP reader/writer and the Call-ID affinity verdict, and ipvs-setup's
// command line down to the netlink request it sends.
#include "harness.h"

#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "../unit/nlfake.h"
#include "icmp.h"
#include "rr.h"
#include "setup.h"
#include "sip.h"

using namespace ipvsudp;
using namespace ipvsudp::harness;

namespace {

std::vector<std::uint8_t> hex(std::string_view h) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2)
        out.push_back(
            static_cast<std::uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    return out;
}

// UDP "req-0" from 127.0.0.1:40001 to closed port 9: the kernel's port
// unreachable, as tcpdump -i lo captured it (Ethernet header removed).
const auto kV4 =
    hex("45c0003d429e0000400139607f0000017f00000103034ef10000000045000021"
        "84d140004011b7f87f0000017f0000019c410009000dfe207265712d30");
// The same over IPv6 (::1).
const auto kV6 =
    hex("60019ea2003d3a40000000000000000000000000000000010000000000000000"
        "00000000000000010104848000000000600b589d000d11400000000000000000"
        "0000000000000001000000000000000000000000000000019c410009000d0020"
        "7265712d30");

TEST(IcmpParse, CapturedV4PortUnreachable) {
    auto e = parse_icmp_error(kV4);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->af, 4);
    EXPECT_EQ(e->src, "127.0.0.1");
    EXPECT_EQ(e->dst, "127.0.0.1");
    EXPECT_EQ(e->type, 3);
    EXPECT_EQ(e->code, 3);
    EXPECT_TRUE(e->ip_csum_ok);
    EXPECT_TRUE(e->icmp_csum_ok);
    EXPECT_EQ(e->q_src, "127.0.0.1");
    EXPECT_EQ(e->q_dst, "127.0.0.1");
    EXPECT_EQ(e->q_proto, 17);
    EXPECT_EQ(e->q_sport, 40001);
    EXPECT_EQ(e->q_dport, 9);
    EXPECT_EQ(e->q_payload, "req-0");
}

TEST(IcmpParse, CapturedV6PortUnreachable) {
    auto e = parse_icmp_error(kV6);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->af, 6);
    EXPECT_EQ(e->src, "::1");
    EXPECT_EQ(e->type, 1);
    EXPECT_EQ(e->code, 4);
    EXPECT_TRUE(e->icmp_csum_ok);
    EXPECT_EQ(e->q_dst, "::1");
    EXPECT_EQ(e->q_sport, 40001);
    EXPECT_EQ(e->q_dport, 9);
    EXPECT_EQ(e->q_payload, "req-0");
}

TEST(IcmpParse, DetectsCorruptedChecksums) {
    auto v4 = kV4;
    v4.back() ^= 1;  // quoted payload: the ICMP checksum breaks
    auto e = parse_icmp_error(v4);
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->ip_csum_ok);
    EXPECT_FALSE(e->icmp_csum_ok);
    v4 = kV4;
    v4[8] ^= 1;  // TTL: the IPv4 header checksum breaks
    e = parse_icmp_error(v4);
    ASSERT_TRUE(e);
    EXPECT_FALSE(e->ip_csum_ok);
    EXPECT_TRUE(e->icmp_csum_ok);

    auto v6 = kV6;
    v6.back() ^= 1;
    EXPECT_FALSE(parse_icmp_error(v6)->icmp_csum_ok);
    // The ICMPv6 checksum covers the pseudo-header: a rewritten source
    // address without a checksum update must show.
    v6 = kV6;
    v6[23] = 2;
    e = parse_icmp_error(v6);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->src, "::2");
    EXPECT_FALSE(e->icmp_csum_ok);
}

TEST(IcmpParse, IgnoresWhatIsNotAnError) {
    auto echo = kV4;
    echo[20] = 8;  // echo request
    EXPECT_FALSE(parse_icmp_error(echo));
    auto udp = kV4;
    udp[9] = 17;
    EXPECT_FALSE(parse_icmp_error(udp));
    EXPECT_FALSE(parse_icmp_error(std::span(kV4).first(30)));  // truncated
    EXPECT_FALSE(parse_icmp_error(std::span(kV6).first(47)));
    auto v6echo = kV6;
    v6echo[40] = 128;
    EXPECT_FALSE(parse_icmp_error(v6echo));
    EXPECT_FALSE(parse_icmp_error({}));
}

TEST(IcmpParse, Json) {
    Json j;
    to_json(j, *parse_icmp_error(kV4), "in");
    EXPECT_EQ(j.str(),
              "{\"direction\": \"in\", \"af\": 4, \"src\": \"127.0.0.1\", \"dst\": \"127.0.0.1\", "
              "\"type\": 3, \"code\": 3, \"ip_csum_ok\": true, \"icmp_csum_ok\": true, "
              "\"q_src\": \"127.0.0.1\", \"q_dst\": \"127.0.0.1\", \"q_proto\": 17, "
              "\"q_sport\": 40001, \"q_dport\": 9, \"q_payload\": \"req-0\"}");
}

TEST(Rr, MatchesOnlyTheReplyToThisRequest) {
    EXPECT_EQ(rr_match(rr_reply("rs1", "req-1"), "req-1"), "rs1");
    EXPECT_FALSE(rr_match("rs1 req-11", "req-1"));
    EXPECT_FALSE(rr_match("rs1 xreq-1", "req-1"));
    EXPECT_FALSE(rr_match("rs1req-1", "req-1"));  // no separator: another id
    EXPECT_FALSE(rr_match("req-1", "req-1"));
    EXPECT_FALSE(rr_match(" req-1", "req-1"));
    EXPECT_FALSE(rr_match("a b req-1", "req-1"));
    EXPECT_FALSE(rr_match("rs1 req-1", ""));
}

TEST(Rr, SummaryJson) {
    RrSummary s;
    s.sent = 3;
    s.sockets = 1;
    s.timeouts = 1;
    s.reply("rs1", "10.0.100.1", 5353);
    s.reply("rs2", "10.0.100.1", 5353);
    EXPECT_EQ(s.json(),
              "{\"sent\": 3, \"replies\": 2, \"refused\": 0, \"timeouts\": 1, \"stray\": 0, "
              "\"sockets\": 1, \"servers\": {\"rs1\": 1, \"rs2\": 1}, "
              "\"sources\": {\"10.0.100.1\": 2}, \"source_ports\": {\"5353\": 2}}");
}

TEST(Json, EscapesAndNests) {
    Json j;
    j.begin_object().field("a\"b", "x\ny\x01").key("l").begin_array().value(1).value(true);
    j.begin_object().end_object().end_array().end_object();
    EXPECT_EQ(j.str(), "{\"a\\\"b\": \"x\\ny\\u0001\", \"l\": [1, true, {}]}");
}

TEST(Endpoint, Parse) {
    EXPECT_EQ(Endpoint::parse("10.0.0.1:53")->str(), "10.0.0.1:53");
    EXPECT_EQ(Endpoint::parse("[fd00::1]:5060")->str(), "[fd00::1]:5060");
    EXPECT_EQ(Endpoint::parse("fd00::1", 5060)->str(), "[fd00::1]:5060");
    EXPECT_EQ(Endpoint::parse("10.0.0.1", 7)->port(), 7);
    EXPECT_FALSE(Endpoint::parse("10.0.0.1"));
    EXPECT_FALSE(Endpoint::parse("10.0.0.1:99999"));
    EXPECT_FALSE(Endpoint::parse("nohost:1"));
}

// ---------------------------------------------------------------- SIP

TEST(Sip, ParsesCompactFoldedLfOnly) {
    auto m = parse_sip(
        "BYE sip:service@10.0.100.1:5060 SIP/2.0\n"
        "v: SIP/2.0/UDP 10.0.1.3:40000;branch=z9hG4bK-1, SIP/2.0/UDP 10.0.1.9;branch=z9hG4bK-2\n"
        "f: <sip:a@x>;tag=abc\n"
        "t: <sip:service@10.0.100.1>\n"
        " ;tag=rs1-7\n"
        "i: call-1@10.0.1.2\n"
        "CSeq: 2 BYE\n"
        "\n");
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->request);
    EXPECT_EQ(m->method, "BYE");
    EXPECT_EQ(m->call_id, "call-1@10.0.1.2");
    EXPECT_EQ(m->cseq, 2u);
    EXPECT_EQ(m->cseq_method, "BYE");
    EXPECT_EQ(m->to_tag, "rs1-7");
    ASSERT_EQ(m->via.size(), 2u);
    EXPECT_EQ(m->via[1], "SIP/2.0/UDP 10.0.1.9;branch=z9hG4bK-2");
}

TEST(Sip, RejectsWhatIsNotSip) {
    EXPECT_FALSE(parse_sip(""));
    EXPECT_FALSE(parse_sip("\r\n\r\n"));
    EXPECT_FALSE(parse_sip("HTTP/1.1 200 OK\r\nCall-ID: x\r\nCSeq: 1 GET\r\n\r\n"));
    EXPECT_FALSE(parse_sip("INVITE sip:x SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n"));  // no Call-ID
    EXPECT_FALSE(parse_sip("INVITE sip:x SIP/2.0\r\nCall-ID: a\r\n\r\n"));      // no CSeq
    EXPECT_FALSE(parse_sip("SIP/2.0 2000 OK\r\nCall-ID: a\r\nCSeq: 1 X\r\n\r\n"));
}

TEST(Sip, RequestAndResponseRoundTrip) {
    SipRequest r{
        "INVITE", "sip:service@10.0.100.1:5060", "10.0.1.2:40000", "b1", "c1@h", "ft", "", 1,
        "v=0\r\n"};
    std::string text = build_request(r);
    auto m = parse_sip(text);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->method, "INVITE");
    EXPECT_EQ(m->uri, r.uri);
    EXPECT_EQ(m->call_id, "c1@h");
    EXPECT_EQ(m->to_tag, "");
    EXPECT_NE(text.find("Content-Length: 5\r\n\r\nv=0\r\n"), std::string::npos);
    auto resp = parse_sip(build_response(*m, 200, "OK", "rs2-1", "sip:rs2@10.0.100.1:5060"));
    ASSERT_TRUE(resp);
    EXPECT_FALSE(resp->request);
    EXPECT_EQ(resp->status, 200);
    EXPECT_EQ(resp->call_id, "c1@h");
    EXPECT_EQ(resp->cseq_method, "INVITE");
    EXPECT_EQ(resp->to_tag, "rs2-1");
    EXPECT_EQ(resp->via, m->via);
    // A request that already has a To tag keeps it.
    r.to_tag = "rs1-1";
    auto bye = parse_sip(build_request(r));
    EXPECT_EQ(parse_sip(build_response(*bye, 481, "Gone", "rs2-9", ""))->to_tag, "rs1-1");
}

TEST(Sip, UasRecords) {
    UasRecord r{"a\tb", "BYE", "10.0.1.2:5060", 481};
    auto line = format_uas_record(r);
    EXPECT_EQ(line, "a?b\tBYE\t10.0.1.2:5060\t481");
    auto back = parse_uas_record(line);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->call_id, "a?b");
    EXPECT_EQ(back->status, 481);
    EXPECT_FALSE(parse_uas_record("x\tBYE\t1.2.3.4:5"));
    EXPECT_FALSE(parse_uas_record("\tBYE\t1.2.3.4:5\t0"));
    EXPECT_FALSE(parse_uas_record("x\tBYE\t1.2.3.4:5\tnope"));
}

// A fresh empty directory for a dialog store.
std::string store_dir(const std::string& name) {
    std::string d =
        ::testing::TempDir() + "dialog-store-" + name + "-" + std::to_string(::getpid());
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}

TEST(DialogStore, FileNames) {
    EXPECT_EQ(DialogStore::file_name("abc-1@10.0.0.1"), "abc-1@10%2E0%2E0%2E1");
    EXPECT_EQ(DialogStore::file_name("../x/y"), "%2E%2E%2Fx%2Fy");
    EXPECT_EQ(DialogStore::file_name(""), "%");
    EXPECT_EQ(DialogStore::file_name("a%b"), "a%25b");
    // Long Call-IDs: cut, told apart by the hash of the whole.
    std::string a(300, 'a'), b = a;
    b.back() = 'b';
    auto fa = DialogStore::file_name(a), fb = DialogStore::file_name(b);
    EXPECT_EQ(fa.size(), 200u);
    EXPECT_NE(fa, fb);
    EXPECT_EQ(fa.substr(0, 183), fb.substr(0, 183));
    EXPECT_EQ(fa.find('.'), std::string::npos);
}

TEST(DialogStore, AnyServerKnowsADialogAnyServerCreated) {
    const auto dir = store_dir("shared");
    DialogStore rs1(dir), rs3(dir);
    EXPECT_FALSE(rs3.find("call-1@h"));
    // rs1 answers the INVITE: its tag is the dialog's.
    EXPECT_EQ(rs1.create("call-1@h", "rs1-1"), "rs1-1");
    // rs3 gets the BYE (rs1 died): it knows the dialog and its tag.
    ASSERT_TRUE(rs3.find("call-1@h"));
    EXPECT_EQ(*rs3.find("call-1@h"), "rs1-1");
    // A retransmitted INVITE at rs3 keeps the first server's tag.
    EXPECT_EQ(rs3.create("call-1@h", "rs3-7"), "rs1-1");
    // Only dialogs nobody created are unknown (481), also odd Call-IDs.
    EXPECT_FALSE(rs3.find("call-2@h"));
    EXPECT_FALSE(rs3.find("../call-1@h"));
    EXPECT_EQ(rs3.create("../call-1@h", "rs3-8"), "rs3-8");
    EXPECT_EQ(*rs1.find("../call-1@h"), "rs3-8");
    // No temporary files are left behind; one file per dialog.
    std::size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        EXPECT_NE(e.path().filename().string()[0], '.');
        files++;
    }
    EXPECT_EQ(files, 2u);
    // Stores in different directories (per-server dialogs) share nothing:
    // the control that makes the 481 come back.
    DialogStore alone(store_dir("alone"));
    EXPECT_FALSE(alone.find("call-1@h"));
    std::filesystem::remove_all(dir);
}

TEST(DialogStore, UnwritableStoreThrows) {
    DialogStore gone(store_dir("gone") + "/missing");
    EXPECT_FALSE(gone.find("c"));
    EXPECT_THROW(gone.create("c", "t"), SystemError);
}

std::vector<UasRecord> call(const std::string& cid, bool bye_481 = false) {
    return {{cid, "INVITE", "10.0.1.2:40000", 200},
            {cid, "ACK", "10.0.1.3:40001", 0},
            {cid, "BYE", "10.0.1.3:40001", bye_481 ? 481 : 200}};
}

TEST(Affinity, EveryCallOnOneServerIsOk) {
    std::map<std::string, std::vector<UasRecord>> logs;
    logs["rs1"] = call("c1");
    logs["rs2"] = call("c2");
    auto more = call("c3");
    logs["rs2"].insert(logs["rs2"].end(), more.begin(), more.end());
    auto v = verify_affinity(logs, {"c1", "c2", "c3"});
    EXPECT_TRUE(v.ok());
    EXPECT_EQ(v.calls, 3u);
    EXPECT_EQ(v.split, 0u);
    EXPECT_EQ(v.server_calls["rs1"], 1u);
    EXPECT_EQ(v.server_calls["rs2"], 2u);
    EXPECT_EQ(v.json(),
              "{\"ok\": true, \"calls\": 3, \"split\": 0, \"missing\": 0, \"r481\": 0, "
              "\"servers\": {\"rs1\": 1, \"rs2\": 2}, \"split_ids\": []}");
}

TEST(Affinity, ACallOnTwoServersIsSplit) {
    std::map<std::string, std::vector<UasRecord>> logs;
    auto c = call("c1");
    logs["rs1"] = {c[0]};             // INVITE on rs1
    logs["rs2"] = {c[1], c[2]};       // ACK, BYE on rs2
    logs["rs2"].back().status = 481;  // ... which does not know it
    logs["rs3"] = call("c2");
    auto v = verify_affinity(logs, {});
    EXPECT_FALSE(v.ok());
    EXPECT_EQ(v.split, 1u);
    EXPECT_EQ(v.r481, 1u);
    EXPECT_EQ(v.split_ids, std::vector<std::string>{"c1"});
}

TEST(Affinity, MissingAndEmpty) {
    std::map<std::string, std::vector<UasRecord>> logs;
    logs["rs1"] = call("c1");
    auto v = verify_affinity(logs, {"c1", "c2"});
    EXPECT_FALSE(v.ok());
    EXPECT_EQ(v.missing, 1u);
    EXPECT_FALSE(verify_affinity({}, {}).ok());
    EXPECT_FALSE(verify_affinity({{"rs1", {}}}, {}).ok());
}

// ---------------------------------------------------------------- ipvs-setup

std::vector<std::string> words(const std::string& s) {
    std::stringstream ss(s);
    std::vector<std::string> out;
    std::string w;
    while (ss >> w) out.push_back(w);
    return out;
}

TEST(Setup, ServiceAdd) {
    auto c =
        parse_setup(words("service add udp 10.0.100.1:5060 sip --ops --flags sip-move-quiesced"));
    EXPECT_EQ(c.op, SetupCommand::Op::service_add);
    EXPECT_EQ(c.service.key.str(), "udp:10.0.100.1:5060");
    EXPECT_EQ(c.service.scheduler, "sip");
    EXPECT_EQ(c.service.flags, ipvs::kOnePacket | ipvs::kSchedFlag1);
    EXPECT_EQ(c.service.pe_name, "");

    c = parse_setup(words("service add udp [fd00:100::1]:53 lor --ops --pe reply"));
    EXPECT_EQ(c.service.key.address.family, AF_INET6);
    EXPECT_EQ(c.service.pe_name, "reply");
    EXPECT_EQ(c.service.flags, ipvs::kOnePacket);

    c = parse_setup(words("service add fwmark 7 rr"));
    EXPECT_EQ(c.service.key.fwmark, 7u);
    EXPECT_EQ(c.service.flags, 0u);

    c = parse_setup(words("service add tcp 10.0.0.1:80 rr --persistent 300"));
    EXPECT_EQ(c.service.flags, ipvs::kPersistent);
    EXPECT_EQ(c.service.timeout, 300u);
}

TEST(Setup, Dest) {
    auto c = parse_setup(words("dest add udp 10.0.100.1:5353 10.0.2.11 --nat --weight 3"));
    EXPECT_EQ(c.op, SetupCommand::Op::dest_add);
    EXPECT_EQ(c.dest.str(), "10.0.2.11:5353");
    EXPECT_EQ(c.dest.forward, ipvs::Forward::nat);
    EXPECT_EQ(c.dest.weight, 3u);
    c = parse_setup(words("dest add fwmark6 1 fd00:2::11"));
    EXPECT_EQ(c.dest.port, 0);
    EXPECT_EQ(c.dest.forward, ipvs::Forward::direct);
    c = parse_setup(words("dest del udp [fd00:100::1]:53 [fd00:2::11]:5353"));
    EXPECT_EQ(c.op, SetupCommand::Op::dest_del);
    EXPECT_EQ(c.dest.str(), "[fd00:2::11]:5353");
    c = parse_setup(words("dest edit udp 10.0.100.1:53 10.0.2.12:53 --weight 0"));
    EXPECT_EQ(c.op, SetupCommand::Op::dest_edit);
    EXPECT_EQ(c.weight, 0u);
    EXPECT_FALSE(c.forward);
}

TEST(Setup, Errors) {
    for (const char* bad :
         {"", "service", "service add udp 10.0.100.1:5060", "service add sctp 10.0.100.1:5060 rr",
          "service add udp 10.0.100.1 rr", "service add udp 10.0.100.1:5060 sip --flags flag-4",
          "service add udp 10.0.100.1:5060 sip --weight 2",
          "service add udp 10.0.100.1:5060 sip --bogus", "service frob udp 10.0.100.1:5060",
          "dest add udp 10.0.100.1:53 fd00::2", "dest add udp 10.0.100.1:53 10.0.2.11 --ops",
          "dest add udp 10.0.100.1:53 10.0.2.11 --weight 70000", "dest add udp 10.0.100.1:53",
          "list extra", "flush x"}) {
        EXPECT_THROW(parse_setup(words(bad)), UsageError) << bad;
    }
}

// ipvs-setup reads its words as ipvs-udp does: SERVICE in one word or two,
// each scheduler's own flag names, and another scheduler's refused.
TEST(Setup, SharesTheCliGrammar) {
    auto c = parse_setup(words("service add udp:10.0.100.1:1812 radius --flags radius-addr-only"));
    EXPECT_EQ(c.service.key.str(), "udp:10.0.100.1:1812");
    EXPECT_EQ(c.service.flags, ipvs::kSchedFlag2);
    c = parse_setup(words("service add udp 10.0.100.1:53 sh --flags sh-port,flag-1"));
    EXPECT_EQ(c.service.flags, ipvs::kSchedFlag1 | ipvs::kSchedFlag2);
    EXPECT_THROW(parse_setup(words("service add udp 10.0.100.1:53 sip --flags radius-addr-only")),
                 UsageError);
    c = parse_setup(words("service edit udp 10.0.100.1:53 --flags sip-stateless"));
    EXPECT_EQ(c.sched_flags, ipvs::kSchedFlag3);
    c = parse_setup(words("dest add udp:10.0.100.1:53 10.0.2.11:5353 --weight=4"));
    EXPECT_EQ(c.dest.str(), "10.0.2.11:5353");
    EXPECT_EQ(c.weight, 4u);
}

// "list --json" is the CLI's service show schema.
TEST(Setup, ListJsonIsTheCliSchema) {
    ipvs::Service s;
    s.key = *ServiceKey::parse("udp:10.0.100.1:53");
    s.scheduler = "rr";
    s.flags = ipvs::kOnePacket;
    const std::string j = services_json({{s, {}}});
    EXPECT_EQ(j.rfind(R"({"services":[{"service":"udp:10.0.100.1:53","family":"inet",)"
                      R"("protocol":"udp","address":"10.0.100.1","port":53,"scheduler":"rr",)"
                      R"("pe":null,"flags":["one-packet"],)",
                      0),
              0u)
        << j;
}

// The tools' options, read by the CLI's parser.
TEST(ToolArgs, RepeatsValuesAndFlags) {
    const char* argv[] = {"tool",      "--id", "a",  "10.0.0.1", "--id=b",
                          "--connect", "53",   "--", "--x"};
    Args a(9, const_cast<char**>(argv), {"id"}, {"connect"});
    EXPECT_EQ(a.all("id"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(a.get("id"), "b");
    EXPECT_TRUE(a.flag("connect"));
    EXPECT_EQ(a.pos(), (std::vector<std::string>{"10.0.0.1", "53", "--x"}));
    const char* bad[] = {"tool", "--nope"};
    EXPECT_THROW(Args(2, const_cast<char**>(bad), {"id"}, {}), UsageError);
    const char* json[] = {"tool", "--json"};
    EXPECT_THROW(Args(2, const_cast<char**>(json), {}, {}), UsageError);
    EXPECT_TRUE(Args(2, const_cast<char**>(json), {}, {"json"}).flag("json"));
}

// What ipvs-setup sends: the service with -o and the engine, as IPVS's
// netlink family reads them.
TEST(Setup, RunSendsTheServiceToTheKernel) {
    std::vector<Bytes> sent;
    auto t = std::make_unique<nltest::FakeTransport>(&sent, [](const Bytes& req) {
        if (nltest::type_of(req) == GENL_ID_CTRL)
            return std::vector<Bytes>{nltest::family_reply(nltest::seq_of(req), "IPVS", 0x1b),
                                      nltest::error_reply(req, 0)};
        return std::vector<Bytes>{nltest::error_reply(req, 0)};
    });
    ipvs::Client client(std::move(t));
    std::ostringstream out;
    auto c = parse_setup(words("service add udp 10.0.100.1:53 rr --ops --pe reply"));
    ASSERT_TRUE(run_setup(c, client, out));
    ASSERT_EQ(sent.size(), 2u);
    const Bytes& m = sent[1];
    EXPECT_EQ(nltest::cmd_of(m), IPVS_CMD_NEW_SERVICE);
    Attrs top(m.data() + NLMSG_HDRLEN + GENL_HDRLEN, m.size() - NLMSG_HDRLEN - GENL_HDRLEN,
              IPVS_CMD_ATTR_MAX);
    ASSERT_TRUE(top.has(IPVS_CMD_ATTR_SERVICE));
    Attrs svc = Attrs::nested(top.get(IPVS_CMD_ATTR_SERVICE), IPVS_SVC_ATTR_MAX);
    EXPECT_EQ(svc.str(IPVS_SVC_ATTR_SCHED_NAME), "rr");
    EXPECT_EQ(svc.str(IPVS_SVC_ATTR_PE_NAME), "reply");
    EXPECT_EQ(svc.u16(IPVS_SVC_ATTR_PROTOCOL), IPPROTO_UDP);
    auto flags = svc.bytes(IPVS_SVC_ATTR_FLAGS);
    ASSERT_EQ(flags.size(), sizeof(ip_vs_flags));
    ip_vs_flags f{};
    std::memcpy(&f, flags.data(), sizeof(f));
    EXPECT_EQ(f.flags & IP_VS_SVC_F_ONEPACKET, IP_VS_SVC_F_ONEPACKET);
}

}  // namespace
