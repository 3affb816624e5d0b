// SPDX-License-Identifier: GPL-2.0
//
// The ipvs-udp CLI: argument handling, what it sends for one-line service
// setup, its JSON and Prometheus output and its error messages, run against
// canned kernel replies.
#include "cli.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/ip_vs.h>
#include <linux/ipvs_udp.h>

#include <sstream>

#include "nlfake.h"
#include "output.h"

using namespace ipvsudp;
using namespace ipvsudp::cli;
using nltest::Bytes;
using nltest::Enc;

namespace {

constexpr std::uint16_t kIpvsId = 0x1b;

constexpr std::uint16_t kUdpId = 0x22;

struct Fixture {
    std::vector<Bytes> sent, udp_sent;
    std::function<std::vector<Bytes>(const Bytes&)> kernel, udp_kernel;
    bool family_missing = false, udp_missing = false;
    std::vector<Bytes> events;  // datagrams for the watcher
    std::ostringstream out, err;

    static std::vector<Bytes> lookup(const Bytes& req, const char* name, std::uint16_t id,
                                     bool missing) {
        if (missing) return {nltest::error_reply(req, ENOENT)};
        return {nltest::family_reply(nltest::seq_of(req), name, id, {{"events", 7}}),
                nltest::error_reply(req, 0)};
    }

    int run(std::vector<std::string_view> args) {
        Env env{[this]() -> Result<ipvs::Client> {
                    return ipvs::Client(
                        std::make_unique<nltest::FakeTransport>(&sent, [this](const Bytes& req) {
                            if (nltest::type_of(req) == GENL_ID_CTRL)
                                return lookup(req, "IPVS", kIpvsId, family_missing);
                            return kernel(req);
                        }));
                },
                [this]() -> Result<udp::Client> {
                    return udp::Client(std::make_unique<nltest::FakeTransport>(
                        &udp_sent, [this](const Bytes& req) {
                            if (nltest::type_of(req) == GENL_ID_CTRL)
                                return lookup(req, "ipvs_udp", kUdpId, udp_missing);
                            return udp_kernel(req);
                        }));
                },
                [this]() -> Result<udp::Watcher> {
                    auto t = std::make_unique<nltest::FakeTransport>(
                        &udp_sent, [this](const Bytes& req) {
                            auto r = lookup(req, "ipvs_udp", kUdpId, udp_missing);
                            for (auto& e : events) r.push_back(e);
                            return r;
                        });
                    return udp::Watcher(std::move(t));
                },
                out, err};
        return cli::run(args, env);
    }
};

// The service nest of a sent IPVS request (Attrs point into the message).
struct SentService {
    std::unique_ptr<GenlMessage> m;
    Attrs a;
};
SentService service_attrs(const Bytes& msg) {
    SentService s{std::make_unique<GenlMessage>(), {}};
    s.m->raw = msg;
    s.a =
        Attrs::nested(s.m->attrs(IPVS_CMD_ATTR_MAX).get(IPVS_CMD_ATTR_SERVICE), IPVS_SVC_ATTR_MAX);
    return s;
}

std::uint32_t flags_of(const Attrs& a) {
    ip_vs_flags f{};
    auto b = a.bytes(IPVS_SVC_ATTR_FLAGS);
    if (b.size() == sizeof(f)) std::memcpy(&f, b.data(), sizeof(f));
    return f.flags;
}

Bytes svc_reply(std::uint32_t seq, std::uint16_t port, const char* sched, const char* pe,
                std::uint32_t flags, std::uint64_t conns) {
    Enc e(kIpvsId, NLM_F_MULTI, seq);
    in6_addr a{};
    inet_pton(AF_INET, "10.0.100.1", &a);
    ip_vs_flags f{flags, ~0u};
    e.genl(IPVS_CMD_NEW_SERVICE, 1).begin(IPVS_CMD_ATTR_SERVICE);
    e.u16(IPVS_SVC_ATTR_AF, AF_INET).u16(IPVS_SVC_ATTR_PROTOCOL, IPPROTO_UDP);
    e.attr(IPVS_SVC_ATTR_ADDR, &a, 16).u16(IPVS_SVC_ATTR_PORT, htons(port));
    e.str(IPVS_SVC_ATTR_SCHED_NAME, sched).attr(IPVS_SVC_ATTR_FLAGS, &f, sizeof(f));
    if (*pe) e.str(IPVS_SVC_ATTR_PE_NAME, pe);
    e.begin(IPVS_SVC_ATTR_STATS64).u64(IPVS_STATS_ATTR_CONNS, conns).end().end();
    return e.bytes();
}

Bytes dest_reply(std::uint32_t seq, const char* addr, std::uint32_t weight, std::uint64_t conns) {
    Enc e(kIpvsId, NLM_F_MULTI, seq);
    in6_addr a{};
    inet_pton(AF_INET, addr, &a);
    e.genl(IPVS_CMD_NEW_DEST, 1).begin(IPVS_CMD_ATTR_DEST);
    e.attr(IPVS_DEST_ATTR_ADDR, &a, 16).u16(IPVS_DEST_ATTR_PORT, htons(5060));
    e.u32(IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_DROUTE).u32(IPVS_DEST_ATTR_WEIGHT, weight);
    e.u16(IPVS_DEST_ATTR_ADDR_FAMILY, AF_INET);
    e.begin(IPVS_DEST_ATTR_STATS64).u64(IPVS_STATS_ATTR_CONNS, conns).end().end();
    return e.bytes();
}

// One sip service with two destinations.
std::vector<Bytes> one_sip_service(const Bytes& req) {
    const auto s = nltest::seq_of(req);
    if (nltest::cmd_of(req) == IPVS_CMD_GET_SERVICE)
        return {nltest::cat(
            {svc_reply(s, 5060, "sip", "", IP_VS_SVC_F_ONEPACKET, 12), nltest::done_reply(s)})};
    return {nltest::cat({dest_reply(s, "10.0.2.11", 1, 5), dest_reply(s, "10.0.2.12", 2, 7),
                         nltest::done_reply(s)})};
}

}  // namespace

TEST(CliArgs, OptionsFlagsAndValues) {
    Args a = parse_args({"udp", "10.0.0.1:53", "--weight", "3", "--method=nat", "--json", "x"},
                        {"--weight", "--method"}, {"--flag-1"});
    EXPECT_EQ(a.pos, (std::vector<std::string>{"udp", "10.0.0.1:53", "x"}));
    EXPECT_EQ(a.opt.at("--weight"), "3");
    EXPECT_EQ(a.opt.at("--method"), "nat");
    EXPECT_TRUE(a.json);
    EXPECT_THROW(parse_args({"--nope"}, {}, {}), UsageError);
    EXPECT_THROW(parse_args({"--weight"}, {"--weight"}, {}), UsageError);
    EXPECT_THROW(parse_args({"--flag-1=2"}, {}, {"--flag-1"}), UsageError);
}

TEST(CliArgs, ServiceInOneOrTwoWords) {
    std::vector<std::string> p{"udp", "10.0.100.1:5060", "fwmark6", "7", "tcp:[fd00::1]:80"};
    std::size_t i = 0;
    EXPECT_EQ(take_service(p, i).str(), "udp:10.0.100.1:5060");
    EXPECT_EQ(take_service(p, i).str(), "fwmark6:7");
    EXPECT_EQ(take_service(p, i).str(), "tcp:[fd00::1]:80");
    EXPECT_EQ(i, p.size());
    std::vector<std::string> bad{"udp", "10.0.100.1"};
    i = 0;
    EXPECT_THROW(take_service(bad, i), UsageError);
}

TEST(CliArgs, HostPort) {
    EXPECT_EQ(parse_hostport("10.0.2.11").port, 0);
    EXPECT_EQ(parse_hostport("10.0.2.11:5061").port, 5061);
    EXPECT_EQ(parse_hostport("fd00::11").address.family, AF_INET6);
    EXPECT_EQ(parse_hostport("[fd00::11]:53").port, 53);
    EXPECT_THROW(parse_hostport("10.0.2.11:0"), UsageError);
    EXPECT_THROW(parse_hostport("[fd00::11]x"), UsageError);
    EXPECT_THROW(parse_hostport("host"), UsageError);
}

TEST(Cli, SipServiceIsSchedSipOnePacket) {
    Fixture f;
    f.kernel = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, 0)}; };
    ASSERT_EQ(f.run({"service", "add", "sip", "udp", "10.0.100.1:5060"}), kOk) << f.err.str();
    ASSERT_EQ(f.sent.size(), 2u);
    EXPECT_EQ(nltest::cmd_of(f.sent[1]), IPVS_CMD_NEW_SERVICE);
    auto sent = service_attrs(f.sent[1]);
    const Attrs& a = sent.a;
    EXPECT_EQ(a.str(IPVS_SVC_ATTR_SCHED_NAME), "sip");
    EXPECT_FALSE(a.has(IPVS_SVC_ATTR_PE_NAME));
    EXPECT_EQ(flags_of(a), IP_VS_SVC_F_ONEPACKET);
    EXPECT_EQ(ntohs(a.u16(IPVS_SVC_ATTR_PORT)), 5060);
}

TEST(Cli, RadiusServiceIsSchedRadiusWithReplyEngine) {
    Fixture f;
    f.kernel = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, 0)}; };
    ASSERT_EQ(f.run({"service", "add", "radius", "udp", "10.0.100.1:1812"}), kOk) << f.err.str();
    auto sent = service_attrs(f.sent[1]);
    const Attrs& a = sent.a;
    EXPECT_EQ(a.str(IPVS_SVC_ATTR_SCHED_NAME), "radius");
    EXPECT_EQ(a.str(IPVS_SVC_ATTR_PE_NAME), "reply");
    EXPECT_EQ(flags_of(a), IP_VS_SVC_F_ONEPACKET);
}

TEST(Cli, DnsServiceIsReplyEngineWithLor) {
    Fixture f;
    f.kernel = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, 0)}; };
    ASSERT_EQ(f.run({"service", "add", "dns", "udp", "10.0.100.1:53", "--scheduler", "lor"}), kOk);
    auto sent = service_attrs(f.sent[1]);
    const Attrs& a = sent.a;
    EXPECT_EQ(a.str(IPVS_SVC_ATTR_SCHED_NAME), "lor");
    EXPECT_EQ(a.str(IPVS_SVC_ATTR_PE_NAME), "reply");
    EXPECT_EQ(flags_of(a), IP_VS_SVC_F_ONEPACKET);
}

TEST(Cli, EditKeepsWhatIsNotGiven) {
    Fixture f;
    f.kernel = [](const Bytes& req) {
        const auto s = nltest::seq_of(req);
        if (nltest::cmd_of(req) == IPVS_CMD_GET_SERVICE)
            return std::vector<Bytes>{
                nltest::cat({svc_reply(s, 53, "rr", "reply", IP_VS_SVC_F_ONEPACKET, 0),
                             nltest::error_reply(req, 0)})};
        return std::vector<Bytes>{nltest::error_reply(req, 0)};
    };
    ASSERT_EQ(f.run({"service", "edit", "udp:10.0.100.1:53", "--scheduler", "lor", "--flag-1"}),
              kOk)
        << f.err.str();
    ASSERT_EQ(f.sent.size(), 3u);
    EXPECT_EQ(nltest::cmd_of(f.sent[2]), IPVS_CMD_SET_SERVICE);
    auto sent = service_attrs(f.sent[2]);
    const Attrs& a = sent.a;
    EXPECT_EQ(a.str(IPVS_SVC_ATTR_SCHED_NAME), "lor");
    EXPECT_EQ(a.str(IPVS_SVC_ATTR_PE_NAME), "reply");
    EXPECT_EQ(flags_of(a), IP_VS_SVC_F_ONEPACKET | IP_VS_SVC_F_SCHED1);
}

TEST(Cli, StatusJson) {
    Fixture f;
    f.kernel = one_sip_service;
    ASSERT_EQ(f.run({"--json", "service", "show"}), kOk) << f.err.str();
    const std::string stats0 =
        R"("inpkts":0,"outpkts":0,"inbytes":0,"outbytes":0,"cps":0,"inpps":0,"outpps":0,)"
        R"("inbps":0,"outbps":0})";
    EXPECT_EQ(f.out.str(),
              R"({"services":[{"service":"udp:10.0.100.1:5060","family":"inet","protocol":"udp",)"
              R"("address":"10.0.100.1","port":5060,"scheduler":"sip","pe":null,)"
              R"("flags":["one-packet"],"timeout":0,"netmask":"0.0.0.0","stats":{"conns":12,)" +
                  stats0 +
                  R"(,"destinations":[{"destination":"10.0.2.11:5060","address":"10.0.2.11",)"
                  R"("port":5060,"forward":"route","weight":1,"upper_threshold":0,)"
                  R"("lower_threshold":0,"active_conns":0,"inactive_conns":0,"persist_conns":0,)"
                  R"("stats":{"conns":5,)" +
                  stats0 +
                  R"(},{"destination":"10.0.2.12:5060","address":"10.0.2.12","port":5060,)"
                  R"("forward":"route","weight":2,"upper_threshold":0,"lower_threshold":0,)"
                  R"("active_conns":0,"inactive_conns":0,"persist_conns":0,"stats":{"conns":7,)" +
                  stats0 + "}]}]}\n");
}

TEST(Cli, StatusTable) {
    Fixture f;
    f.kernel = one_sip_service;
    ASSERT_EQ(f.run({"service", "show"}), kOk);
    EXPECT_NE(f.out.str().find("udp:10.0.100.1:5060  scheduler sip  one-packet  conns 12"),
              std::string::npos)
        << f.out.str();
    EXPECT_NE(f.out.str().find("  10.0.2.12:5060  route         2"), std::string::npos)
        << f.out.str();
}

TEST(Cli, StatsPrometheus) {
    Fixture f;
    f.udp_missing = true;  // IPVS only: our modules' metrics are left out
    f.kernel = one_sip_service;
    ASSERT_EQ(f.run({"stats", "--prometheus"}), kOk);
    const std::string o = f.out.str();
    EXPECT_NE(o.find("# HELP ipvs_service_connections_total Connections scheduled to the virtual "
                     "service\n# TYPE ipvs_service_connections_total counter\n"
                     "ipvs_service_connections_total{service=\"udp:10.0.100.1:5060\"} 12\n"),
              std::string::npos)
        << o;
    // The configuration is an info metric, not a label of the counters.
    EXPECT_NE(o.find("ipvs_udp_service_info{flags=\"one-packet\",pe=\"\",scheduler=\"sip\","
                     "service=\"udp:10.0.100.1:5060\"} 1\n"),
              std::string::npos)
        << o;
    EXPECT_NE(o.find("ipvs_destination_connections_total{destination=\"10.0.2.12:5060\","
                     "service=\"udp:10.0.100.1:5060\"} 7\n"),
              std::string::npos)
        << o;
    // Every metric name has exactly one TYPE line.
    std::size_t types = 0, pos = 0;
    while ((pos = o.find("# TYPE ipvs_destination_weight ", pos)) != std::string::npos) {
        types++;
        pos++;
    }
    EXPECT_EQ(types, 1u);
}

TEST(Cli, ErrorsTellWhatToDo) {
    {
        Fixture f;
        f.family_missing = true;
        EXPECT_EQ(f.run({"service", "show"}), kNotLoaded);
        EXPECT_NE(f.err.str().find("modprobe ip_vs"), std::string::npos);
    }
    {
        Fixture f;
        f.kernel = [](const Bytes& req) {
            return std::vector<Bytes>{nltest::error_reply(req, EPERM)};
        };
        EXPECT_EQ(f.run({"service", "add", "sip", "udp", "10.0.100.1:5060"}), kDenied);
        EXPECT_NE(f.err.str().find("needs CAP_NET_ADMIN"), std::string::npos);
    }
    {
        Fixture f;
        f.kernel = [](const Bytes& req) {
            return std::vector<Bytes>{nltest::error_reply(req, ESRCH)};
        };
        EXPECT_EQ(f.run({"service", "del", "udp", "10.0.100.1:5060"}), kNegative);
        EXPECT_NE(f.err.str().find("no such service"), std::string::npos);
    }
    {
        Fixture f;
        f.kernel = [](const Bytes& req) {
            return std::vector<Bytes>{nltest::error_reply(req, EINVAL, "bad netmask")};
        };
        EXPECT_EQ(f.run({"service", "add", "sip", "udp", "10.0.100.1:5060"}), kFailed);
        EXPECT_NE(f.err.str().find("(bad netmask)"), std::string::npos) << f.err.str();
    }
}

TEST(Cli, UsageErrors) {
    Fixture f;
    EXPECT_EQ(f.run({"frobnicate"}), kUsage);
    EXPECT_NE(f.err.str().find("unknown object 'frobnicate'; one of: service, dest, binding,"),
              std::string::npos)
        << f.err.str();
    EXPECT_EQ(f.run({"service", "frobnicate"}), kUsage);
    EXPECT_NE(f.err.str().find("service: unknown verb 'frobnicate'; one of: show, add, edit, del"),
              std::string::npos)
        << f.err.str();
    // an object without a default verb lists its commands
    EXPECT_EQ(f.run({"timeout", "frobnicate"}), kUsage);
    // an unknown option names the command's
    EXPECT_EQ(f.run({"dest", "add", "udp:10.0.100.1:5060", "10.0.2.11", "--wieght", "2"}), kUsage);
    EXPECT_NE(f.err.str().find(
                  "unknown option '--wieght'; options: --lower, --method, --upper, --weight"),
              std::string::npos)
        << f.err.str();
    EXPECT_EQ(f.run({"conn", "show", "--all"}), kUsage);
    EXPECT_NE(f.err.str().find("unknown option '--all' (this command takes no options)"),
              std::string::npos);
    EXPECT_EQ(f.run({"service", "add", "voip", "udp", "10.0.100.1:5060"}), kUsage);
    EXPECT_EQ(f.run({"dest", "add", "udp", "10.0.100.1:5060", "fd00::1"}), kUsage);
    EXPECT_EQ(f.run({"dest", "add", "udp", "10.0.100.1:5060", "10.0.2.11", "--method", "x"}),
              kUsage);
    EXPECT_TRUE(f.sent.empty());  // nothing reached the kernel
    EXPECT_EQ(f.run({"dest", "add", "--help"}), kOk);
    EXPECT_NE(f.out.str().find("--weight N"), std::string::npos);
}

TEST(Cli, NetmaskAsIpvsTakesIt) {
    // IPv4: the mask in network byte order on the wire; IPv6: the length.
    const std::pair<std::vector<std::string_view>, std::array<std::uint8_t, 4>> v4[] = {
        {{"--netmask", "255.255.255.0"}, {255, 255, 255, 0}},
        {{"--netmask", "/24"}, {255, 255, 255, 0}},
        {{"--netmask", "20"}, {255, 255, 240, 0}},
        {{"--netmask", "/32"}, {255, 255, 255, 255}},
    };
    for (const auto& [opt, want] : v4) {
        Fixture f;
        f.kernel = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, 0)}; };
        std::vector<std::string_view> args{"service",       "add",          "plain", "udp",
                                           "10.0.100.1:53", "--persistent", "60"};
        args.insert(args.end(), opt.begin(), opt.end());
        ASSERT_EQ(f.run(args), kOk) << f.err.str();
        auto sent = service_attrs(f.sent[1]);
        auto m = sent.a.bytes(IPVS_SVC_ATTR_NETMASK);
        ASSERT_EQ(m.size(), 4u);
        EXPECT_TRUE(std::equal(m.begin(), m.end(), want.begin())) << opt[1];
    }
    Fixture f6;
    f6.kernel = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, 0)}; };
    ASSERT_EQ(f6.run({"service", "add", "plain", "udp", "[fd00::1]:53", "--netmask", "/64"}), kOk)
        << f6.err.str();
    EXPECT_EQ(service_attrs(f6.sent[1]).a.u32(IPVS_SVC_ATTR_NETMASK), 64u);
    for (const char* bad : {"255.0.255.0", "/33", "16777215", "x", "", "/", "/0", "0.0.0.0"}) {
        Fixture f;
        EXPECT_EQ(f.run({"service", "add", "plain", "udp", "10.0.100.1:53", "--netmask", bad}),
                  kUsage)
            << bad;
        EXPECT_TRUE(f.sent.empty());
    }
    Fixture f;
    EXPECT_EQ(f.run({"service", "add", "plain", "udp", "[fd00::1]:53", "--netmask", "129"}),
              kUsage);
}

TEST(Cli, SchedulerFlagsByName) {
    Fixture f;
    f.kernel = [](const Bytes& req) { return std::vector<Bytes>{nltest::error_reply(req, 0)}; };
    ASSERT_EQ(f.run({"service", "add", "sip", "udp", "10.0.100.1:5060", "--sched-flags",
                     "sip-move-quiesced,sip-stateless"}),
              kOk)
        << f.err.str();
    EXPECT_EQ(flags_of(service_attrs(f.sent[1]).a),
              IP_VS_SVC_F_ONEPACKET | IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED3);
    Fixture r;
    r.kernel = f.kernel;
    ASSERT_EQ(r.run({"service", "add", "radius", "udp", "10.0.100.1:1812", "--sched-flags",
                     "radius-addr-only,flag-3", "--no-flag-3"}),
              kOk)
        << r.err.str();
    EXPECT_EQ(flags_of(service_attrs(r.sent[1]).a), IP_VS_SVC_F_ONEPACKET | IP_VS_SVC_F_SCHED2);
    // Another scheduler's name, or none at all: usage errors naming the choices.
    Fixture bad;
    EXPECT_EQ(bad.run({"service", "add", "radius", "udp", "10.0.100.1:1812", "--sched-flags",
                       "sip-stateless"}),
              kUsage);
    EXPECT_NE(bad.err.str().find("a flag of the sip scheduler"), std::string::npos)
        << bad.err.str();
    EXPECT_EQ(bad.run({"service", "add", "sip", "udp", "10.0.100.1:5060", "--sched-flags", "fast"}),
              kUsage);
    EXPECT_NE(bad.err.str().find("sip-addr-only"), std::string::npos) << bad.err.str();
    EXPECT_TRUE(bad.sent.empty());
}

TEST(Cli, StatusNamesTheSchedulersFlags) {
    Fixture f;
    f.kernel = [](const Bytes& req) {
        const auto s = nltest::seq_of(req);
        if (nltest::cmd_of(req) == IPVS_CMD_GET_SERVICE)
            return std::vector<Bytes>{nltest::cat(
                {svc_reply(s, 5060, "sip", "", IP_VS_SVC_F_ONEPACKET | IP_VS_SVC_F_SCHED2, 0),
                 nltest::done_reply(s)})};
        return std::vector<Bytes>{nltest::done_reply(s)};
    };
    ASSERT_EQ(f.run({"--json", "service", "show"}), kOk) << f.err.str();
    EXPECT_NE(f.out.str().find(R"("flags":["one-packet","sip-addr-only"])"), std::string::npos)
        << f.out.str();
}

TEST(Cli, ExtraWordsAndUnknownHelpAreErrors) {
    for (std::vector<std::string_view> args :
         {std::vector<std::string_view>{"service", "show", "udp", "10.0.100.1:5060", "extra"},
          {"stats", "udp:10.0.100.1:5060", "x"},
          {"server", "show", "10.0.2.11:53", "10.0.2.12:53"},
          {"conn", "show", "x"},
          {"monitor", "x"},
          {"timeout", "show", "x"},
          {"metrics", "x"},
          {"counters", "udp:10.0.100.1:5060", "x"}}) {
        Fixture f;
        EXPECT_EQ(f.run(args), kUsage) << args[0];
        EXPECT_NE(f.err.str().find("unexpected '"), std::string::npos) << f.err.str();
        EXPECT_TRUE(f.sent.empty()) << args[0];
    }
    Fixture h;
    EXPECT_EQ(h.run({"help", "frobnicate"}), kUsage);
    EXPECT_NE(h.err.str().find("unknown object 'frobnicate'; one of: service,"), std::string::npos)
        << h.err.str();
    EXPECT_EQ(h.run({"help", "service", "frobnicate"}), kUsage);
    EXPECT_EQ(h.run({"help", "service", "add"}), kOk);
    EXPECT_NE(h.out.str().find("usage: ipvs-udp service add KIND SERVICE [OPTIONS]"),
              std::string::npos);
}

// The words that name a command, as ip reads them: objects and verbs by
// prefix (the table's order breaks ties), show by default, ip's synonyms.
TEST(Cli, PrefixesDefaultVerbAndSynonyms) {
    // What each line of words runs: the help of the command it names.
    auto named = [](std::vector<std::string_view> words) {
        Fixture f;
        words.push_back("--help");
        if (f.run(words) != kOk) return "error: " + f.err.str();
        const std::string o = f.out.str();
        return o.substr(0, o.find('\n'));
    };
    const std::vector<std::pair<std::vector<std::string_view>, std::string>> cases = {
        {{"ser", "sh"}, "usage: ipvs-udp service show [SERVICE]"},
        {{"s"}, "usage: ipvs-udp service show [SERVICE]"},
        {{"service"}, "usage: ipvs-udp service show [SERVICE]"},
        {{"service", "ls"}, "usage: ipvs-udp service show [SERVICE]"},
        {{"service", "a"}, "usage: ipvs-udp service add KIND SERVICE [OPTIONS]"},
        {{"serve"}, "usage: ipvs-udp server show [RIP:PORT]"},
        {{"d", "delete"}, "usage: ipvs-udp dest del SERVICE RIP[:PORT]"},
        {{"r", "s"}, "usage: ipvs-udp radius show SERVICE"},
        {{"rep", "res"}, "usage: ipvs-udp reply reset SERVICE"},
        {{"rep", "re"}, "usage: ipvs-udp reply reset SERVICE"},
        {{"b", "f"}, "usage: ipvs-udp binding flush SERVICE [OPTIONS]"},
        {{"mon"}, "usage: ipvs-udp monitor [OPTIONS]"},
        {{"st"}, "usage: ipvs-udp stats [SERVICE] [OPTIONS]"},
        {{"t", "se"}, "usage: ipvs-udp timeout set [OPTIONS]"},
        // an old spelling is matched whole, never as a prefix
        {{"status"}, "usage: ipvs-udp status [SERVICE]"},
        {{"servers"}, "usage: ipvs-udp servers [RIP:PORT]"},
    };
    for (const auto& [words, want] : cases) EXPECT_EQ(named(words), want) << words[0];
    // a SERVICE where the verb would be: show of it
    Fixture f;
    f.kernel = one_sip_service;
    ASSERT_EQ(f.run({"service", "udp", "10.0.100.1:5060"}), kOk) << f.err.str();
    EXPECT_NE(f.out.str().find("udp:10.0.100.1:5060  scheduler sip"), std::string::npos)
        << f.out.str();
    Fixture g;
    EXPECT_EQ(g.run({"service", "help"}), kOk);
    EXPECT_NE(g.out.str().find("usage: ipvs-udp service del SERVICE"), std::string::npos);
}

// Each old spelling runs its new command, prints what it prints, and says
// on stderr what to type instead; help and completion no longer list it.
TEST(Cli, OldSpellingsStillWorkWithANote) {
    Fixture now, old;
    now.kernel = old.kernel = one_sip_service;
    ASSERT_EQ(now.run({"--json", "service", "show"}), kOk);
    ASSERT_EQ(old.run({"--json", "status"}), kOk);
    EXPECT_EQ(old.out.str(), now.out.str());
    EXPECT_EQ(now.err.str(), "");
    EXPECT_EQ(old.err.str(),
              "ipvs-udp: note: 'status' is deprecated and goes in a later release; use "
              "'ipvs-udp service show'\n");
    Fixture h;
    ASSERT_EQ(h.run({"help"}), kOk);
    for (const char* gone : {"  status", "  calls", "  sip-settings", "  watch", "  counters"})
        EXPECT_EQ(h.out.str().find(std::string(gone) + " "), std::string::npos) << gone;
    EXPECT_EQ(h.run({"help", "status"}), kOk);
    EXPECT_NE(h.out.str().find("The old name of 'ipvs-udp service show'"), std::string::npos);
}

// The JSON every mutating command prints (docs/json.md): the object as the
// kernel has it after the change, or what went.
TEST(Cli, MutatingCommandsPrintTheResultingObject) {
    const std::string stats0 =
        R"("inpkts":0,"outpkts":0,"inbytes":0,"outbytes":0,"cps":0,"inpps":0,)"
        R"("outpps":0,"inbps":0,"outbps":0})";
    auto kernel = [](const Bytes& req) {
        const auto s = nltest::seq_of(req);
        switch (nltest::cmd_of(req)) {
            case IPVS_CMD_GET_SERVICE:
                return std::vector<Bytes>{
                    nltest::cat({svc_reply(s, 53, "lor", "reply", IP_VS_SVC_F_ONEPACKET, 0),
                                 nltest::error_reply(req, 0)})};
            case IPVS_CMD_GET_DEST:
                return std::vector<Bytes>{
                    nltest::cat({dest_reply(s, "10.0.2.11", 3, 0), nltest::done_reply(s)})};
            default:
                return std::vector<Bytes>{nltest::error_reply(req, 0)};
        }
    };
    const std::string service =
        R"({"service":{"service":"udp:10.0.100.1:53","family":"inet","protocol":"udp",)"
        R"("address":"10.0.100.1","port":53,"scheduler":"lor","pe":"reply",)"
        R"("flags":["one-packet"],"timeout":0,"netmask":"0.0.0.0","stats":{"conns":0,)" +
        stats0 +
        R"(,"destinations":[{"destination":"10.0.2.11:5060","address":"10.0.2.11",)"
        R"("port":5060,"forward":"route","weight":3,"upper_threshold":0,)"
        R"("lower_threshold":0,"active_conns":0,"inactive_conns":0,)"
        R"("persist_conns":0,"stats":{"conns":0,)" +
        stats0 + "}]}}\n";
    const std::pair<std::vector<std::string_view>, std::string> cases[] = {
        {{"--json", "service", "add", "dns", "udp:10.0.100.1:53", "--scheduler", "lor"}, service},
        {{"--json", "service", "edit", "udp:10.0.100.1:53", "--scheduler", "lor"}, service},
        {{"--json", "dest", "add", "udp:10.0.100.1:53", "10.0.2.11:5060", "--weight", "3"},
         R"({"service":"udp:10.0.100.1:53","destination":{"destination":"10.0.2.11:5060",)"
         R"("address":"10.0.2.11","port":5060,"forward":"route","weight":3,)"
         R"("upper_threshold":0,"lower_threshold":0,"active_conns":0,"inactive_conns":0,)"
         R"("persist_conns":0,"stats":{"conns":0,)" +
             stats0 + "}}\n"},
        {{"--json", "dest", "del", "udp:10.0.100.1:53", "10.0.2.11:5060"},
         R"({"service":"udp:10.0.100.1:53","deleted":"10.0.2.11:5060"})"
         "\n"},
        {{"--json", "service", "del", "udp:10.0.100.1:53"},
         R"({"deleted":"udp:10.0.100.1:53","reply_settings_dropped":false})"
         "\n"},
    };
    for (const auto& [args, want] : cases) {
        Fixture f;
        f.udp_missing = true;
        f.kernel = kernel;
        ASSERT_EQ(f.run(args), kOk) << args[2] << ": " << f.err.str();
        EXPECT_EQ(f.out.str(), want) << args[1] << " " << args[2];
    }
}

TEST(Output, JsonEscapesEverything) {
    // One escaping for the CLI and the harness (lib/json_writer.h), bytes
    // as \u00XX, without the quotes the writer adds.
    EXPECT_EQ(json::escape("a\"b\\c\n\x01\xff"), "a\\\"b\\\\c\\n\\u0001\\u00ff");
    Json j;
    j.begin_object().key("a").begin_array().value(1).value("x").end_array();
    j.field("b", true).end_object();
    EXPECT_EQ(j.str(), R"({"a":[1,"x"],"b":true})");
}

// stats: IPVS's traffic, then the modules' counters as a table; in JSON
// under "counters", null when the modules are not loaded.
TEST(Cli, StatsShowsTheModulesCountersToo) {
    auto counters = [](const Bytes& req) {
        if (nltest::cmd_of(req) != IPVS_UDP_CMD_COUNTERS_GET)
            return std::vector<Bytes>{nltest::done_reply(nltest::seq_of(req))};
        in_addr a{};
        inet_pton(AF_INET, "10.0.100.1", &a);
        Enc e(kUdpId, 0, nltest::seq_of(req));
        e.genl(IPVS_UDP_CMD_COUNTERS_GET, 1).begin(IPVS_UDP_A_COUNTERS_SIP);
        e.begin(IPVS_UDP_A_SIP_SERVICE_SERVICE)
            .u16(IPVS_UDP_A_SERVICE_AF, AF_INET)
            .u16(IPVS_UDP_A_SERVICE_PROTOCOL, IPPROTO_UDP)
            .attr(IPVS_UDP_A_SERVICE_ADDR, &a, 4)
            .u16(IPVS_UDP_A_SERVICE_PORT, htons(5060))
            .end();
        e.begin(IPVS_UDP_A_SIP_SERVICE_COUNTERS)
            .u32(IPVS_UDP_A_SIP_COUNTERS_BINDINGS, 4)
            .u64(IPVS_UDP_A_SIP_COUNTERS_HITS, 9)
            .end()
            .end();
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    Fixture f;
    f.kernel = one_sip_service;
    f.udp_kernel = counters;
    ASSERT_EQ(f.run({"stats"}), kOk) << f.err.str();
    const std::string o = f.out.str();
    EXPECT_NE(o.find("udp:10.0.100.1:5060  10.0.2.12:5060      7"), std::string::npos) << o;
    EXPECT_NE(o.find("\nmodule  service              counter    value\n"), std::string::npos) << o;
    EXPECT_NE(o.find("\nsip     udp:10.0.100.1:5060  hits           9\n"), std::string::npos) << o;
    Fixture j;
    j.kernel = one_sip_service;
    j.udp_kernel = counters;
    ASSERT_EQ(j.run({"--json", "stats"}), kOk) << j.err.str();
    EXPECT_NE(j.out.str().find(R"(],"counters":{"sip":[{"service":"udp:10.0.100.1:5060",)"
                               R"("bindings":4,"messages":0,)"),
              std::string::npos)
        << j.out.str();
    Fixture none;
    none.kernel = one_sip_service;
    none.udp_missing = true;
    ASSERT_EQ(none.run({"--json", "stats"}), kOk) << none.err.str();
    EXPECT_NE(none.out.str().find(R"(,"counters":null})"), std::string::npos) << none.out.str();
    ASSERT_EQ(none.run({"stats"}), kOk);
    EXPECT_EQ(none.out.str().find("module"), std::string::npos);
}

// dest show: the real servers of every service, each with its service.
TEST(Cli, DestShowListsRealServers) {
    Fixture f;
    f.kernel = one_sip_service;
    ASSERT_EQ(f.run({"dest"}), kOk) << f.err.str();
    const std::string o = f.out.str();
    EXPECT_NE(o.find("service              destination     forward  weight"), std::string::npos)
        << o;
    EXPECT_NE(o.find("udp:10.0.100.1:5060  10.0.2.12:5060  route         2"), std::string::npos)
        << o;
    Fixture j;
    j.kernel = one_sip_service;
    ASSERT_EQ(j.run({"--json", "dest", "show", "udp:10.0.100.1:5060"}), kOk) << j.err.str();
    EXPECT_EQ(j.out.str().rfind(R"({"destinations":[{"service":"udp:10.0.100.1:5060",)"
                                R"("destination":{"destination":"10.0.2.11:5060",)",
                                0),
              0u)
        << j.out.str();
}

// timeout show's JSON, pinned whole (docs/json.md).
TEST(Cli, TimeoutJsonIsPinned) {
    Fixture f;
    f.kernel = [](const Bytes& req) {
        Enc e(kIpvsId, 0, nltest::seq_of(req));
        e.genl(IPVS_CMD_SET_CONFIG, 1)
            .u32(IPVS_CMD_ATTR_TIMEOUT_TCP, 900)
            .u32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, 120)
            .u32(IPVS_CMD_ATTR_TIMEOUT_UDP, 300);
        return std::vector<Bytes>{e.bytes(), nltest::error_reply(req, 0)};
    };
    ASSERT_EQ(f.run({"--json", "timeout"}), kOk) << f.err.str();
    EXPECT_EQ(f.out.str(), "{\"tcp\":900,\"tcpfin\":120,\"udp\":300}\n");
}
