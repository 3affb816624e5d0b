// SPDX-License-Identifier: GPL-2.0
//
// `ipvs-udp sip-callid` over packet captures (cli/pcap.h): real captures
// of SIP datagrams that tcpdump took on loopback (tests/data/pcap/, see
// capture.sh there) in three link types, captures built here byte by byte
// (pcap in both byte orders and stamp precisions, pcapng with several
// sections and interfaces, VLAN tags, IPv4 options, IPv6 extension
// headers), and hostile ones: every truncation of a capture, corrupt
// lengths, header chains without end, and seeded random mutations, none of
// which may read outside the data or loop.
#include "pcap.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "cli.h"

extern "C" {
#include "ip_vs_sip_parse.h"
}

using namespace ipvsudp;
using namespace ipvsudp::cli;
using Status = pcap::Datagram::Status;

namespace {

const std::string kData = IPVS_UDP_TEST_DATA "/pcap/";

// --- building captures -------------------------------------------------

void put16(Bytes& b, std::uint32_t v, bool big = true) {
    if (big) {
        b.push_back(static_cast<unsigned char>(v >> 8));
        b.push_back(static_cast<unsigned char>(v));
    } else {
        b.push_back(static_cast<unsigned char>(v));
        b.push_back(static_cast<unsigned char>(v >> 8));
    }
}
void put32(Bytes& b, std::uint32_t v, bool big) {
    if (big) {
        put16(b, v >> 16, true);
        put16(b, v & 0xffff, true);
    } else {
        put16(b, v & 0xffff, false);
        put16(b, v >> 16, false);
    }
}
void append(Bytes& b, const Bytes& x) {
    b.insert(b.end(), x.begin(), x.end());
}
Bytes bytes(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

Bytes sip(std::string_view cid) {
    std::string m =
        "OPTIONS sip:rs@example.org SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n";
    if (!cid.empty()) m += "Call-ID: " + std::string(cid) + "\r\n";
    m += "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    return bytes(m);
}

Bytes addr(int af, const char* text) {
    Bytes b(af == AF_INET ? 4 : 16);
    EXPECT_EQ(inet_pton(af, text, b.data()), 1) << text;
    return b;
}

Bytes udp_hdr(std::uint16_t sport, std::uint16_t dport, const Bytes& payload) {
    Bytes u;
    put16(u, sport);
    put16(u, dport);
    put16(u, static_cast<std::uint32_t>(8 + payload.size()));
    put16(u, 0);
    append(u, payload);
    return u;
}

// An IPv4 packet; frag: the flags/offset field; opts: IP options (a
// multiple of 4 bytes).
Bytes ipv4(const char* src, const char* dst, std::uint8_t proto, const Bytes& l4,
           std::uint16_t frag = 0, const Bytes& opts = {}) {
    Bytes p{static_cast<unsigned char>(0x40 | (5 + opts.size() / 4)), 0};
    put16(p, static_cast<std::uint32_t>(20 + opts.size() + l4.size()));
    put16(p, 1);
    put16(p, frag);
    p.push_back(64);
    p.push_back(proto);
    put16(p, 0);
    append(p, addr(AF_INET, src));
    append(p, addr(AF_INET, dst));
    append(p, opts);
    append(p, l4);
    return p;
}
Bytes udp4(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport,
           const Bytes& payload) {
    return ipv4(src, dst, IPPROTO_UDP, udp_hdr(sport, dport, payload));
}

// An IPv6 packet: nh is the first next header, ext the extension headers
// (their own next-header fields set by the caller).
Bytes ipv6(const char* src, const char* dst, std::uint8_t nh, const Bytes& rest) {
    Bytes p{0x60, 0, 0, 0};
    put16(p, static_cast<std::uint32_t>(rest.size()));
    p.push_back(nh);
    p.push_back(64);
    append(p, addr(AF_INET6, src));
    append(p, addr(AF_INET6, dst));
    append(p, rest);
    return p;
}
// A generic extension header of 8 * (1 + hlen) bytes.
Bytes ext(std::uint8_t nh, std::uint8_t hlen) {
    Bytes e(8u * (1u + hlen), 0);
    e[0] = nh;
    e[1] = hlen;
    e[2] = 1;  // PadN, so that it would also parse as options
    e[3] = static_cast<unsigned char>(e.size() - 4);
    return e;
}

Bytes eth(std::uint16_t type, const Bytes& pkt, std::vector<std::uint16_t> vlans = {}) {
    Bytes f(12, 0x02);
    for (auto tpid : vlans) {
        put16(f, tpid);
        put16(f, 100);
    }
    put16(f, type);
    append(f, pkt);
    while (f.size() < 60) f.push_back(0);  // Ethernet padding
    return f;
}

struct Rec {
    Bytes data;
    std::uint32_t caplen = UINT32_MAX;  // default: all of data
    std::uint32_t orig = 0;             // default: data.size()
};

Bytes pcap_file(std::uint32_t linktype, const std::vector<Rec>& recs, bool big = false,
                bool nsec = false) {
    Bytes f;
    put32(f, nsec ? 0xa1b23c4d : 0xa1b2c3d4, big);
    put16(f, 2, big);
    put16(f, 4, big);
    put32(f, 0, big);
    put32(f, 0, big);
    put32(f, 262144, big);
    put32(f, linktype, big);
    std::uint32_t t = 1700000000;
    for (const auto& r : recs) {
        const auto cap =
            r.caplen == UINT32_MAX ? static_cast<std::uint32_t>(r.data.size()) : r.caplen;
        put32(f, t++, big);
        put32(f, 0, big);
        put32(f, cap, big);
        put32(f, r.orig ? r.orig : static_cast<std::uint32_t>(r.data.size()), big);
        f.insert(f.end(), r.data.begin(),
                 r.data.begin() + std::min<std::size_t>(cap, r.data.size()));
    }
    return f;
}

// pcapng blocks
Bytes block(std::uint32_t type, const Bytes& body, bool big) {
    Bytes b;
    Bytes padded = body;
    while (padded.size() % 4) padded.push_back(0);
    const auto len = static_cast<std::uint32_t>(12 + padded.size());
    put32(b, type, big);
    put32(b, len, big);
    append(b, padded);
    put32(b, len, big);
    return b;
}
Bytes shb(bool big) {
    Bytes body;
    put32(body, 0x1A2B3C4D, big);
    put16(body, 1, big);
    put16(body, 0, big);
    put32(body, 0xffffffff, big);  // section length: unknown
    put32(body, 0xffffffff, big);
    return block(0x0A0D0D0A, body, big);
}
Bytes idb(std::uint16_t linktype, bool big) {
    Bytes body;
    put16(body, linktype, big);
    put16(body, 0, big);
    put32(body, 0, big);
    // an option: if_name "lo", then opt_endofopt
    put16(body, 2, big);
    put16(body, 2, big);
    append(body, bytes("lo\0\0"));
    put32(body, 0, big);
    return block(1, body, big);
}
Bytes epb(std::uint32_t iface, const Bytes& data, bool big) {
    Bytes body;
    put32(body, iface, big);
    put32(body, 0, big);
    put32(body, 0, big);
    put32(body, static_cast<std::uint32_t>(data.size()), big);
    put32(body, static_cast<std::uint32_t>(data.size()), big);
    append(body, data);
    return block(6, body, big);
}
Bytes spb(const Bytes& data, bool big) {
    Bytes body;
    put32(body, static_cast<std::uint32_t>(data.size()), big);
    append(body, data);
    return block(3, body, big);
}
Bytes opb(std::uint16_t iface, const Bytes& data, bool big) {
    Bytes body;
    put16(body, iface, big);
    put16(body, 0, big);
    put32(body, 0, big);
    put32(body, 0, big);
    put32(body, static_cast<std::uint32_t>(data.size()), big);
    put32(body, static_cast<std::uint32_t>(data.size()), big);
    append(body, data);
    return block(2, body, big);
}

// --- reading -------------------------------------------------------------

struct Read {
    std::vector<pcap::Frame> frames;
    std::string error;
};
Read read_all(const Bytes& file, std::size_t head_len = 12) {
    const auto n = std::min(head_len, file.size());
    std::istringstream in(std::string(file.begin() + static_cast<std::ptrdiff_t>(n), file.end()));
    pcap::Reader r{in, Bytes(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(n))};
    Read out;
    pcap::Frame f;
    // A bound on the loop: a reader that never ends fails here.
    while (out.frames.size() <= file.size() && r.next(f)) out.frames.push_back(f);
    out.error = r.error();
    return out;
}

std::string key_of(const pcap::Datagram& d) {
    ip_vs_sip_msg msg{};
    if (ip_vs_sip_parse(d.payload.data(), d.payload.size(), &msg)) return "none";
    return std::string(reinterpret_cast<const char*>(msg.callid), msg.callid_len);
}

// Every frame decodes, and a payload lies inside its frame.
void check_inside(const pcap::Frame& f) {
    const auto d = pcap::decode(f.linktype, f.data);
    if (d.status != Status::udp) {
        EXPECT_TRUE(d.payload.empty());
        return;
    }
    const auto* b = f.data.data();
    EXPECT_GE(d.payload.data(), b);
    EXPECT_LE(d.payload.data() + d.payload.size(), b + f.data.size());
    key_of(d);  // the kernel parser over it (ASan builds check the bounds)
}

Bytes load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in) << path;
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

struct Cli {
    std::ostringstream out, err;
    int run(std::vector<std::string_view> args) {
        Env env{nullptr, nullptr, nullptr, out, err};
        return cli::run(args, env);
    }
};

std::string write_tmp(const std::string& name, const Bytes& b) {
    const std::string path = testing::TempDir() + "pcap_test_" + name;
    std::ofstream o(path, std::ios::binary);
    o.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    return path;
}

// What tcpdump captured on loopback (tests/data/pcap/send.py sent it in a
// network namespace whose lo had MTU 1400): the same 13 frames in each
// link type.
const char* const kLoopbackLines =
    "1 127.0.0.1:5062 -> 127.0.0.1:5060 call-id lo4-call-1@host\n"
    "2 127.0.0.1:5062 -> 127.0.0.1:5060 none (fallback: client 127.0.0.1:5062)\n"
    "3 [::1]:5064 -> [::1]:5060 call-id lo6-call-2@host\n"
    "5 127.0.0.1:5062 -> 127.0.0.1:5060 none (fallback: client 127.0.0.1:5062)\n"
    "6 127.0.0.1:5062 -> 127.0.0.1:5060 none (fallback: client 127.0.0.1:5062) [first "
    "fragment only: the kernel parses the reassembled datagram]\n"
    "7 127.0.0.1 -> 127.0.0.1 not parseable: IPv4 fragment at offset 1376 (not reassembled)\n"
    "8 127.0.0.1 -> 127.0.0.1 not parseable: IPv4 fragment at offset 2752 (not reassembled)\n"
    "9 [::1]:5064 -> [::1]:5060 none (fallback: client [::1]:5064) [first fragment only: the "
    "kernel parses the reassembled datagram]\n"
    "10 ::1 -> ::1 not parseable: IPv6 fragment at offset 1352 (not reassembled)\n"
    "11 ::1 -> ::1 not parseable: IPv6 fragment at offset 2704 (not reassembled)\n";

TEST(Pcap, TcpdumpLoopbackCapturesInThreeLinkTypes) {
    const std::string big = std::string(300, 'i');
    for (const char* name : {"lo-eth.pcap", "any-sll.pcap", "any-sll2.pcap"}) {
        Cli c;
        EXPECT_EQ(c.run({"sip", "decode", kData + name}), kOk) << name;
        EXPECT_EQ(c.out.str(), std::string(kLoopbackLines) +
                                   "13 127.0.0.1:5062 -> 127.0.0.1:5060 call-id " + big +
                                   " (oversized: placed by hash, never bound)\n")
            << name;
        EXPECT_NE(c.err.str().find("13 frames, 7 UDP datagrams, 3 with a Call-ID, 4 not parseable, "
                                   "2 skipped"),
                  std::string::npos)
            << c.err.str();
    }
    auto r = read_all(load(kData + "lo-eth.pcap"));
    ASSERT_EQ(r.frames.size(), 13u);
    EXPECT_EQ(r.frames[0].linktype, pcap::kLinkEthernet);
    EXPECT_EQ(read_all(load(kData + "any-sll.pcap")).frames[0].linktype, pcap::kLinkLinuxSll);
    EXPECT_EQ(read_all(load(kData + "any-sll2.pcap")).frames[0].linktype, pcap::kLinkLinuxSll2);
    // Frame 4: the ICMPv6 port unreachable, not UDP.
    EXPECT_EQ(pcap::decode(r.frames[3].linktype, r.frames[3].data).status, Status::not_udp);
}

TEST(Pcap, SnapLengthCutCapture) {
    Cli c;
    EXPECT_EQ(c.run({"sip", "decode", kData + "lo-snap150.pcap"}), kNegative);
    const auto out = c.out.str();
    EXPECT_NE(out.find("1 127.0.0.1:5062 -> 127.0.0.1:5060 none (fallback: client "
                       "127.0.0.1:5062) [cut by the capture's snap length: 108 bytes of payload "
                       "captured]\n"),
              std::string::npos)
        << out;
    // The keepalive (frame 2) was captured whole: no caveat.
    EXPECT_NE(out.find("2 127.0.0.1:5062 -> 127.0.0.1:5060 none (fallback: client "
                       "127.0.0.1:5062)\n"),
              std::string::npos)
        << out;
}

TEST(Pcap, JsonAndAddrOnly) {
    Cli c;
    EXPECT_EQ(c.run({"--json", "sip", "decode", kData + "lo-eth.pcap", "--addr-only"}), kOk);
    const auto out = c.out.str();
    EXPECT_NE(out.find("{\"frame\":1,\"status\":\"udp\",\"src\":\"127.0.0.1\",\"sport\":5062,"
                       "\"dst\":\"127.0.0.1\",\"dport\":5060,\"found\":true,\"call_id\":\"lo4-"
                       "call-1@host\",\"oversized\":false,\"fallback\":null,"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("\"found\":false,\"call_id\":\"\",\"oversized\":false,\"fallback\":"
                       "\"127.0.0.1\","),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("{\"frame\":7,\"status\":\"fragment\",\"src\":\"127.0.0.1\""),
              std::string::npos);
    EXPECT_NE(out.find("\"frames\":13,\"udp\":7,\"keys\":3,\"unparseable\":4,\"skipped\":{"
                       "\"not_udp\":2},\"error\":\"\"}"),
              std::string::npos)
        << out;
}

TEST(Pcap, DatagramsAreStillDatagrams) {
    // A plain SIP datagram, and one that starts like a pcapng section
    // header without its byte-order magic: both are parsed as a datagram.
    Cli c;
    EXPECT_EQ(c.run({"sip", "decode", write_tmp("dgram", sip("plain@x"))}), kOk);
    EXPECT_EQ(c.out.str(), "plain@x\n");
    Cli c2;
    EXPECT_EQ(c2.run({"sip", "decode", write_tmp("fake-ng", bytes("\n\r\r\nxxxxxxxxxxxx"))}),
              kNegative);
    EXPECT_EQ(c2.out.str(), "none\n");
    EXPECT_EQ(pcap::detect(bytes(std::string_view("\n\r\r\n\x1c\0\0\0\x4d\x3c\x2b\x1a", 12))),
              pcap::Format::pcapng);
    EXPECT_EQ(pcap::detect(bytes(std::string_view("\n\r\r\n\x1c\0\0\0\x4d\x3c\x2b\x1b", 12))),
              pcap::Format::datagram);
    Cli c3;  // a short file
    EXPECT_EQ(c3.run({"sip", "decode", write_tmp("short", bytes("\xd4\xc3"))}), kNegative);
    EXPECT_EQ(c3.out.str(), "none\n");
}

TEST(Pcap, TheWholeHeaderSectionIsParsed) {
    // A Call-ID header that ends after the first 2048 bytes of the payload
    // is found, as the kernel finds it (it reads the whole header section).
    std::string m = "OPTIONS sip:rs@example.org SIP/2.0\r\nX-Pad: " + std::string(2000, 'p') +
                    "\r\nCall-ID: late@x\r\n\r\n";
    const Bytes early = udp4("192.0.2.1", 1, "10.0.100.1", 5060, sip("early@x"));
    const Bytes late = udp4("192.0.2.1", 2, "10.0.100.1", 5060, bytes(m));
    Cli c;
    EXPECT_EQ(
        c.run({"sip", "decode", write_tmp("scan", pcap_file(pcap::kLinkRaw, {{early}, {late}}))}),
        kOk);
    EXPECT_EQ(c.out.str(),
              "1 192.0.2.1:1 -> 10.0.100.1:5060 call-id early@x\n"
              "2 192.0.2.1:2 -> 10.0.100.1:5060 call-id late@x\n");
}

TEST(Pcap, ByteOrdersAndPrecisions) {
    const Bytes f = eth(0x0800, udp4("192.0.2.1", 5060, "10.0.100.1", 5060, sip("a@b")));
    for (bool big : {false, true})
        for (bool nsec : {false, true}) {
            auto r = read_all(pcap_file(pcap::kLinkEthernet, {{f}, {f}}, big, nsec));
            EXPECT_EQ(r.error, "");
            ASSERT_EQ(r.frames.size(), 2u);
            EXPECT_EQ(r.frames[1].number, 2u);
            EXPECT_EQ(r.frames[0].data, f);
            const auto d = pcap::decode(r.frames[0].linktype, r.frames[0].data);
            ASSERT_EQ(d.status, Status::udp);
            EXPECT_EQ(d.src.str(), "192.0.2.1");
            EXPECT_EQ(d.dst.str(), "10.0.100.1");
            EXPECT_EQ(d.sport, 5060);
            EXPECT_EQ(key_of(d), "a@b");
            EXPECT_FALSE(d.cut);
        }
}

TEST(Pcap, PcapngSectionsInterfacesAndBlockTypes) {
    const Bytes p4 = udp4("192.0.2.1", 1111, "10.0.100.1", 5060, sip("ng-1"));
    const Bytes p6 =
        ipv6("2001:db8::1", "fd00::100", IPPROTO_UDP, udp_hdr(2222, 5060, sip("ng-2")));
    Bytes file;
    // Section 1, little-endian: Ethernet and raw IP interfaces, a
    // statistics block (skipped), EPB on both, a SPB (interface 0).
    append(file, shb(false));
    append(file, idb(pcap::kLinkEthernet, false));
    append(file, idb(pcap::kLinkRaw, false));
    append(file, block(5, Bytes(20, 0), false));
    append(file, epb(1, p6, false));
    append(file, epb(0, eth(0x0800, p4), false));
    append(file, spb(eth(0x86dd, p6), false));
    // Section 2, big-endian: interfaces start again; SLL2 and an OPB.
    append(file, shb(true));
    Bytes sll2(20, 0);
    sll2[0] = 0x08;
    append(sll2, p4);
    append(file, idb(pcap::kLinkLinuxSll2, true));
    append(file, opb(0, sll2, true));
    append(file, epb(0, sll2, true));
    auto r = read_all(file);
    EXPECT_EQ(r.error, "");
    ASSERT_EQ(r.frames.size(), 5u);
    const std::vector<std::uint32_t> links{pcap::kLinkRaw, pcap::kLinkEthernet, pcap::kLinkEthernet,
                                           pcap::kLinkLinuxSll2, pcap::kLinkLinuxSll2};
    const std::vector<std::string> keys{"ng-2", "ng-1", "ng-2", "ng-1", "ng-1"};
    for (std::size_t i = 0; i < 5; i++) {
        EXPECT_EQ(r.frames[i].number, i + 1);
        EXPECT_EQ(r.frames[i].linktype, links[i]) << i;
        const auto d = pcap::decode(r.frames[i].linktype, r.frames[i].data);
        ASSERT_EQ(d.status, Status::udp) << i << " " << d.note;
        EXPECT_EQ(key_of(d), keys[i]);
    }
    // A packet block naming an interface its section does not describe.
    Bytes bad = shb(false);
    append(bad, idb(pcap::kLinkEthernet, false));
    append(bad, shb(true));  // interfaces reset
    append(bad, epb(0, p4, true));
    r = read_all(bad);
    EXPECT_TRUE(r.frames.empty());
    EXPECT_NE(r.error.find("names interface 0 not described"), std::string::npos) << r.error;

    Cli c;
    EXPECT_EQ(c.run({"sip", "decode", write_tmp("ng", file)}), kOk);
    EXPECT_EQ(c.out.str(),
              "1 [2001:db8::1]:2222 -> [fd00::100]:5060 call-id ng-2\n"
              "2 192.0.2.1:1111 -> 10.0.100.1:5060 call-id ng-1\n"
              "3 [2001:db8::1]:2222 -> [fd00::100]:5060 call-id ng-2\n"
              "4 192.0.2.1:1111 -> 10.0.100.1:5060 call-id ng-1\n"
              "5 192.0.2.1:1111 -> 10.0.100.1:5060 call-id ng-1\n");
}

TEST(Pcap, LinkLayers) {
    const Bytes p4 = udp4("192.0.2.1", 1111, "10.0.100.1", 5060, sip("link"));
    const Bytes p6 =
        ipv6("2001:db8::1", "fd00::100", IPPROTO_UDP, udp_hdr(2222, 5060, sip("link")));
    auto ok = [](std::uint32_t lt, const Bytes& f) {
        const auto d = pcap::decode(lt, f);
        EXPECT_EQ(d.status, Status::udp) << lt << " " << d.note;
        EXPECT_EQ(key_of(d), "link") << lt;
    };
    ok(pcap::kLinkEthernet, eth(0x0800, p4, {0x88a8, 0x8100}));
    ok(pcap::kLinkEthernet, eth(0x86dd, p6, {0x8100}));
    ok(pcap::kLinkRaw, p4);
    ok(pcap::kLinkRaw, p6);
    ok(12, p4);
    ok(pcap::kLinkIpv4, p4);
    ok(pcap::kLinkIpv6, p6);
    Bytes sll(16, 0);
    sll[14] = 0x86;
    sll[15] = 0xdd;
    append(sll, p6);
    ok(pcap::kLinkLinuxSll, sll);
    // BSD loopback: the family in the capturing host's byte order.
    Bytes null_le{2, 0, 0, 0}, null_be{0, 0, 0, 30};
    append(null_le, p4);
    append(null_be, p6);
    ok(pcap::kLinkNull, null_le);
    ok(pcap::kLinkNull, null_be);
    // Not IP / unknown link types are told apart from broken frames.
    EXPECT_EQ(pcap::decode(pcap::kLinkEthernet, eth(0x0806, Bytes(28, 0))).status, Status::not_ip);
    EXPECT_EQ(pcap::decode(147, p4).status, Status::unknown_link);
    EXPECT_EQ(pcap::decode(pcap::kLinkRaw, Bytes{0x50, 0, 0, 0}).status, Status::not_ip);
    EXPECT_EQ(pcap::decode(pcap::kLinkEthernet, Bytes(13, 0)).status, Status::malformed);
    EXPECT_EQ(pcap::decode(pcap::kLinkLinuxSll2, Bytes(19, 0)).status, Status::malformed);
    EXPECT_EQ(
        pcap::decode(pcap::kLinkEthernet, Bytes{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81, 0, 0, 1})
            .status,
        Status::malformed);
}

TEST(Pcap, Ipv4OptionsFragmentsAndLengths) {
    const Bytes payload = sip("v4");
    // IPv4 with 8 bytes of options (NOP NOP ... EOL).
    auto p = ipv4("192.0.2.1", "10.0.100.1", IPPROTO_UDP, udp_hdr(1, 5060, payload), 0,
                  Bytes{1, 1, 1, 1, 1, 1, 1, 0});
    auto d = pcap::decode(pcap::kLinkRaw, p);
    ASSERT_EQ(d.status, Status::udp) << d.note;
    EXPECT_EQ(key_of(d), "v4");
    // First fragment (MF set): parsed, flagged; a later one: a fragment.
    p = ipv4("192.0.2.1", "10.0.100.1", IPPROTO_UDP, udp_hdr(1, 5060, payload), 0x2000);
    d = pcap::decode(pcap::kLinkRaw, p);
    EXPECT_EQ(d.status, Status::udp);
    EXPECT_TRUE(d.first_fragment);
    p = ipv4("192.0.2.1", "10.0.100.1", IPPROTO_UDP, payload, 185);
    d = pcap::decode(pcap::kLinkRaw, p);
    EXPECT_EQ(d.status, Status::fragment);
    EXPECT_EQ(d.note, "IPv4 fragment at offset 1480 (not reassembled)");
    // Ethernet padding after a short datagram is not payload.
    const Bytes padded = eth(0x0800, udp4("192.0.2.1", 1, "10.0.100.1", 5060, bytes("\r\n\r\n")));
    d = pcap::decode(pcap::kLinkEthernet, padded);
    ASSERT_EQ(d.status, Status::udp);
    EXPECT_EQ(d.payload.size(), 4u);
    // Broken headers: IHL below 5, total length below IHL, options cut,
    // a UDP header cut, a UDP header beyond the total length.
    p = udp4("192.0.2.1", 1, "10.0.100.1", 5060, payload);
    auto bad = p;
    bad[0] = 0x44;
    EXPECT_EQ(pcap::decode(pcap::kLinkRaw, bad).status, Status::malformed);
    bad = p;
    bad[2] = 0;
    bad[3] = 10;
    EXPECT_EQ(pcap::decode(pcap::kLinkRaw, bad).status, Status::malformed);
    bad = p;
    bad[0] = 0x4f;
    bad.resize(40);
    EXPECT_EQ(pcap::decode(pcap::kLinkRaw, bad).status, Status::malformed);
    bad = p;
    bad.resize(24);
    d = pcap::decode(pcap::kLinkRaw, bad);
    EXPECT_EQ(d.status, Status::malformed);
    EXPECT_EQ(d.note, "UDP header cut by the capture's snap length");
    bad = p;
    bad[2] = 0;
    bad[3] = 24;
    d = pcap::decode(pcap::kLinkRaw, bad);
    EXPECT_EQ(d.status, Status::malformed);
    EXPECT_EQ(d.note, "IP payload shorter than a UDP header");
    // Cut by the snap length: the bytes there are parsed, cut is set.
    bad = p;
    bad.resize(60);
    d = pcap::decode(pcap::kLinkRaw, bad);
    EXPECT_EQ(d.status, Status::udp);
    EXPECT_TRUE(d.cut);
    EXPECT_EQ(d.payload.size(), 32u);
    // Not UDP.
    EXPECT_EQ(pcap::decode(pcap::kLinkRaw, ipv4("192.0.2.1", "10.0.100.1", 6, Bytes(20, 0))).status,
              Status::not_udp);
}

TEST(Pcap, Ipv6ExtensionHeaders) {
    const Bytes u = udp_hdr(2222, 5060, sip("v6ext"));
    // Hop-by-hop -> routing -> fragment (first) -> destination options ->
    // AH -> UDP.
    Bytes rest = ext(43, 0);
    append(rest, ext(44, 1));
    Bytes frag{60, 0, 0, 1, 0, 0, 0, 7};  // offset 0, M set
    append(rest, frag);
    append(rest, ext(51, 2));
    Bytes ah(16, 0);
    ah[0] = IPPROTO_UDP;
    ah[1] = 2;  // (2 + 2) * 4 = 16 bytes
    append(rest, ah);
    append(rest, u);
    const Bytes pkt = ipv6("2001:db8::1", "fd00::100", 0, rest);
    auto d = pcap::decode(pcap::kLinkRaw, pkt);
    ASSERT_EQ(d.status, Status::udp) << d.note;
    EXPECT_TRUE(d.first_fragment);
    EXPECT_EQ(d.sport, 2222);
    EXPECT_EQ(key_of(d), "v6ext");
    // A later fragment.
    Bytes later{IPPROTO_UDP, 0, 0x05, 0xa8, 0, 0, 0, 7};
    append(later, Bytes(64, 'x'));
    d = pcap::decode(pcap::kLinkRaw, ipv6("2001:db8::1", "fd00::100", 44, later));
    EXPECT_EQ(d.status, Status::fragment);
    EXPECT_EQ(d.note, "IPv6 fragment at offset 1448 (not reassembled)");
    // Endless chains stop at the cap; ESP and no-next-header are not UDP.
    Bytes chain;
    for (int i = 0; i < 40; i++) append(chain, ext(60, 0));
    EXPECT_EQ(pcap::decode(pcap::kLinkRaw, ipv6("::1", "::1", 60, chain)).status, Status::not_udp);
    EXPECT_EQ(pcap::decode(pcap::kLinkRaw, ipv6("::1", "::1", 50, Bytes(40, 0))).status,
              Status::not_udp);
    EXPECT_EQ(pcap::decode(pcap::kLinkRaw, ipv6("::1", "::1", 59, {})).status, Status::not_udp);
    // An extension header longer than the payload length / than captured.
    Bytes longext = ext(IPPROTO_UDP, 0);
    longext[1] = 200;
    d = pcap::decode(pcap::kLinkRaw, ipv6("::1", "::1", 0, longext));
    EXPECT_EQ(d.status, Status::malformed);
    auto p = ipv6("::1", "::1", 0, longext);
    p[4] = 0x10;  // payload length 4096, only 8 bytes captured
    p[5] = 0;
    d = pcap::decode(pcap::kLinkRaw, p);
    EXPECT_EQ(d.status, Status::malformed);
    EXPECT_EQ(d.note, "IPv6 extension headers cut by the capture's snap length");
    // A header cut.
    EXPECT_EQ(pcap::decode(pcap::kLinkRaw, Bytes(39, 0x60)).status, Status::malformed);
}

TEST(Pcap, HostileFilesGiveErrorsNotCrashes) {
    const Bytes f = eth(0x0800, udp4("192.0.2.1", 5060, "10.0.100.1", 5060, sip("t@x")));
    const Bytes good = pcap_file(pcap::kLinkEthernet, {{f}, {f}, {f}});
    const std::size_t rec = 16 + f.size();
    // Every truncation: frames before the cut, an error unless the cut
    // falls on a record boundary (or inside the header: too short to say).
    for (std::size_t n = 0; n <= good.size(); n++) {
        const Bytes t(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
        auto r = read_all(t);
        if (n < 4) continue;  // not recognisable as a capture
        const std::size_t whole = n < 24 ? 0 : (n - 24) / rec;
        EXPECT_EQ(r.frames.size(), whole) << n;
        const bool boundary = n >= 24 && (n - 24) % rec == 0;
        EXPECT_EQ(r.error.empty(), boundary) << n << ": " << r.error;
        for (const auto& fr : r.frames) check_inside(fr);
    }
    // A record length above the cap is a corrupt file, not an allocation.
    auto huge = pcap_file(pcap::kLinkEthernet, {{f}});
    huge[24 + 8] = 0xff;
    huge[24 + 9] = 0xff;
    huge[24 + 10] = 0xff;
    huge[24 + 11] = 0x7f;
    auto r = read_all(huge);
    EXPECT_TRUE(r.frames.empty());
    EXPECT_NE(r.error.find("corrupt file"), std::string::npos) << r.error;
    // A bad version.
    auto v = good;
    v[4] = 9;
    EXPECT_NE(read_all(v).error.find("version 9"), std::string::npos);

    // pcapng: every truncation, and bad block lengths.
    Bytes ng = shb(false);
    append(ng, idb(pcap::kLinkEthernet, false));
    append(ng, epb(0, f, false));
    append(ng, epb(0, f, false));
    std::size_t ok_ends = 0;
    for (std::size_t n = 12; n <= ng.size(); n++) {
        auto rr = read_all(Bytes(ng.begin(), ng.begin() + static_cast<std::ptrdiff_t>(n)));
        ok_ends += rr.error.empty();
        for (const auto& fr : rr.frames) check_inside(fr);
    }
    EXPECT_EQ(ok_ends, 4u);  // after the SHB, the IDB and each EPB
    for (std::uint32_t len : {0u, 8u, 13u, 0x7ffffffcu}) {
        Bytes b = shb(false);
        append(b, idb(pcap::kLinkEthernet, false));
        const auto at = b.size();
        append(b, epb(0, f, false));
        b[at + 4] = static_cast<unsigned char>(len);
        b[at + 5] = static_cast<unsigned char>(len >> 8);
        b[at + 6] = static_cast<unsigned char>(len >> 16);
        b[at + 7] = static_cast<unsigned char>(len >> 24);
        auto rr = read_all(b);
        EXPECT_TRUE(rr.frames.empty()) << len;
        EXPECT_FALSE(rr.error.empty()) << len;
    }
    // Trailing length differs; caplen beyond the block; a section header
    // with a bad byte-order magic after a good one.
    Bytes tl = shb(false);
    append(tl, idb(pcap::kLinkEthernet, false));
    tl.back() ^= 4;
    EXPECT_NE(read_all(tl).error.find("trailing length"), std::string::npos);
    Bytes cap = shb(false);
    append(cap, idb(pcap::kLinkEthernet, false));
    const auto at = cap.size();
    append(cap, epb(0, f, false));
    cap[at + 8 + 12] = 0xff;
    EXPECT_NE(read_all(cap).error.find("claims"), std::string::npos);
    Bytes bom = shb(false);
    append(bom, shb(false));
    bom[28 + 8] = 0;
    EXPECT_NE(read_all(bom).error.find("byte-order magic"), std::string::npos);

    // The CLI: damage after good frames prints them and exits 2.
    Cli c;
    EXPECT_EQ(c.run({"sip", "decode", write_tmp("trunc", Bytes(good.begin(), good.end() - 5))}),
              kUsage);
    EXPECT_EQ(c.out.str(),
              "1 192.0.2.1:5060 -> 10.0.100.1:5060 call-id t@x\n"
              "2 192.0.2.1:5060 -> 10.0.100.1:5060 call-id t@x\n");
    EXPECT_NE(c.err.str().find("truncated packet record"), std::string::npos) << c.err.str();
}

TEST(Pcap, SeededMutationsStayInBounds) {
    // Captures with random bytes changed, inserted or removed: the reader
    // and decoder must end and keep every payload inside its frame.
    const Bytes p6 = ipv6("2001:db8::1", "fd00::100", 0, [] {
        Bytes r = ext(44, 0);
        Bytes fr{IPPROTO_UDP, 0, 0, 1, 0, 0, 0, 1};
        append(r, fr);
        append(r, udp_hdr(1, 5060, sip("m6")));
        return r;
    }());
    Bytes ng = shb(false);
    append(ng, idb(pcap::kLinkEthernet, false));
    append(ng, idb(pcap::kLinkRaw, false));
    append(ng, epb(1, p6, false));
    append(ng, epb(0, eth(0x0800, udp4("192.0.2.1", 1, "10.0.100.1", 5060, sip("m4")), {0x8100}),
                   false));
    append(ng, spb(eth(0x86dd, p6), false));
    const Bytes pc =
        pcap_file(pcap::kLinkRaw, {{p6}, {udp4("192.0.2.1", 1, "10.0.100.1", 5060, sip("m"))}});
    const unsigned seed = 0x5eed;
    std::mt19937 rng(seed);
    std::size_t frames = 0;
    for (int i = 0; i < 20000; i++) {
        Bytes b = i % 2 ? ng : pc;
        const int edits = 1 + static_cast<int>(rng() % 6);
        for (int e = 0; e < edits && !b.empty(); e++) {
            const std::size_t at = rng() % b.size();
            switch (rng() % 4) {
                case 0:
                case 1:
                    b[at] = static_cast<unsigned char>(rng());
                    break;
                case 2:
                    b.erase(b.begin() + static_cast<std::ptrdiff_t>(at),
                            b.begin() + static_cast<std::ptrdiff_t>(
                                            std::min(b.size(), at + 1 + rng() % 8)));
                    break;
                default:
                    b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), 1 + rng() % 8,
                             static_cast<unsigned char>(rng()));
            }
        }
        auto r = read_all(b);
        ASSERT_LE(r.frames.size(), b.size()) << "seed " << seed << " iteration " << i;
        for (const auto& f : r.frames) check_inside(f);
        frames += r.frames.size();
    }
    EXPECT_GT(frames, 10000u);  // the mutations left most captures readable
}

// --- radius-key --------------------------------------------------------

Bytes radius_file(const std::string& name) {
    std::ifstream in(IPVS_UDP_TEST_DATA "/radius/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name;
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

TEST(Pcap, RadiusKeysOverACapture) {
    // One EAP conversation's two rounds from a NAS, the challenge between
    // them, a Status-Server, an IPv6 NAS and a datagram that is not RADIUS:
    // each line says what the radius scheduler keys on, and the fallback
    // names the client.
    const Bytes f =
        pcap_file(pcap::kLinkRaw,
                  {{udp4("192.0.2.1", 40000, "10.0.100.1", 1812, radius_file("access-first.bin"))},
                   {udp4("10.0.100.11", 1812, "192.0.2.1", 40000, radius_file("challenge.bin"))},
                   {udp4("192.0.2.1", 40000, "10.0.100.1", 1812, radius_file("access-state.bin"))},
                   {udp4("192.0.2.1", 40001, "10.0.100.1", 1812, radius_file("status-server.bin"))},
                   {udp4("192.0.2.1", 40002, "10.0.100.1", 1812, sip("x@y"))}});
    Cli c;
    EXPECT_EQ(c.run({"radius", "decode", write_tmp("radius", f)}), kOk);
    EXPECT_EQ(c.out.str(),
              "1 192.0.2.1:40000 -> 10.0.100.1:1812 Access-Request id 42 calling-station-id "
              "02-00-00-00-00-01 nas-ip 192.0.2.1\n"
              "2 10.0.100.11:1812 -> 192.0.2.1:40000 Access-Challenge id 42 learns state "
              "d31a007f7374617465\n"
              "3 192.0.2.1:40000 -> 10.0.100.1:1812 Access-Request id 42 calling-station-id "
              "02-00-00-00-00-01 nas-ip 192.0.2.1 state d31a007f7374617465\n"
              "4 192.0.2.1:40001 -> 10.0.100.1:1812 Status-Server id 42 none (fallback: client "
              "192.0.2.1:40001)\n"
              "5 192.0.2.1:40002 -> 10.0.100.1:1812 none (not a RADIUS message: length; "
              "fallback: client 192.0.2.1:40002)\n");
    EXPECT_NE(c.err.str().find("5 UDP datagrams, 3 with a key or State"), std::string::npos)
        << c.err.str();

    Cli j;
    EXPECT_EQ(j.run({"--json", "radius", "decode", write_tmp("radius", f)}), kOk);
    const std::string js = j.out.str();
    EXPECT_NE(js.find("\"kind\":\"calling-station-id\",\"value\":\"02-00-00-00-00-01\","
                      "\"nas_type\":\"nas-ip\",\"nas\":\"192.0.2.1\""),
              std::string::npos)
        << js;
    EXPECT_NE(js.find("\"fallback\":\"192.0.2.1:40001\""), std::string::npos) << js;
    EXPECT_NE(js.find("\"state\":\"d31a007f7374617465\""), std::string::npos) << js;

    // Only non-keys: exit 1
    Cli n;
    EXPECT_EQ(n.run({"radius", "decode",
                     write_tmp("radius-none",
                               pcap_file(pcap::kLinkRaw, {{udp4("192.0.2.1", 1, "10.0.100.1", 1812,
                                                                radius_file("short.bin"))}}))}),
              kNegative);
}

TEST(Pcap, RadiusKeyOfOneDatagram) {
    Cli c;
    EXPECT_EQ(c.run({"--json", "radius", "decode", IPVS_UDP_TEST_DATA "/radius/acct-start.bin"}),
              kOk);
    EXPECT_NE(c.out.str().find("\"code\":\"Accounting-Request\",\"code_num\":4,\"id\":42,"
                               "\"kind\":\"acct-session-id\",\"value\":\"4D2C0001\""),
              std::string::npos)
        << c.out.str();
    // the whole key: kind 3, NAS-IP-Address (type 4, 4 bytes), the value
    EXPECT_NE(c.out.str().find("\"key\":\"030404c00002013444324330303031\""), std::string::npos)
        << c.out.str();
    Cli s;
    EXPECT_EQ(s.run({"radius", "decode", IPVS_UDP_TEST_DATA "/radius/too-many.bin"}), kNegative);
}

}  // namespace
