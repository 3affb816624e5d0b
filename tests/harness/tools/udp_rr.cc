// SPDX-License-Identifier: GPL-2.0
//
// udp-rr: request/reply client for the scenarios.
//
//   udp-rr [options] ADDR PORT COUNT
//     --connect      connect() every socket to ADDR:PORT, so the kernel drops
//                    replies from any other source (a stub resolver's socket)
//                    and reports ICMP errors as ECONNREFUSED
//     --timeout S    wait per request (default 1)
//     --sockets N    spread the requests round robin over N sockets, i.e. N
//                    source ports (default 1)
//     --sport P      source port of the first socket (the others P+1, ...);
//                    default: ephemeral
//     --bind ADDR    source address (default: any)
//     --netns NAME   open the sockets in that network namespace
//     --id PREFIX    request payload prefix (default "req-")
//
// Sends COUNT requests "req-0".."req-N", one at a time, each waiting for its
// reply "NAME req-K" (udp-echo-server, tests/tools/udp_server.py); other
// datagrams are counted as stray. Prints one JSON object: sent, replies,
// refused (ECONNREFUSED), timeouts, stray, sockets, servers {NAME: n},
// sources {address: n}, source_ports {port: n}. Exit status 0 unless the
// tool itself failed (1) or the command line is wrong (2).
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "harness.h"
#include "rr.h"

using namespace ipvsudp::harness;

namespace {

int run(int argc, char** argv) {
    Args a(argc, argv, {"timeout", "sockets", "sport", "bind", "netns", "id"}, {"connect"});
    if (a.pos().size() != 3) throw UsageError("usage: udp-rr [options] ADDR PORT COUNT");
    auto count = parse_int(a.pos()[2], 0, 10000000);
    if (!count) throw UsageError("udp-rr: bad COUNT");
    const Endpoint dest = endpoint_arg("udp-rr", a.pos()[0], a.pos()[1]);
    const bool connect = a.flag("connect");
    const double timeout = a.seconds("timeout", 1.0);
    const auto nsock = a.integer("sockets", 1, 1, 4096);
    const auto sport = a.integer("sport", 0, 0, 65535);
    const std::string prefix = a.str("id", "req-");
    std::string bind_addr = a.str("bind", dest.family() == AF_INET6 ? "::" : "0.0.0.0");

    std::vector<Fd> socks;
    for (std::int64_t i = 0; i < nsock; i++) {
        std::uint16_t p = sport ? static_cast<std::uint16_t>(sport + i) : 0;
        auto local = Endpoint::make(bind_addr, p);
        if (!local || local->family() != dest.family())
            throw UsageError("udp-rr: bad --bind address " + bind_addr);
        socks.push_back(udp_socket(a.str("netns", ""), *local));
        if (connect && ::connect(socks.back().get(), dest.sa(), dest.len) != 0)
            throw_errno("connect " + dest.str());
    }

    RrSummary sum;
    sum.sockets = socks.size();
    char buf[65536];
    for (std::int64_t n = 0; n < *count; n++) {
        int fd = socks[static_cast<std::size_t>(n % nsock)].get();
        std::string id = prefix + std::to_string(n);
        ssize_t r = connect ? ::send(fd, id.data(), id.size(), 0)
                            : ::sendto(fd, id.data(), id.size(), 0, dest.sa(), dest.len);
        sum.sent++;
        if (r < 0) {
            if (errno == ECONNREFUSED) {
                sum.refused++;
                continue;
            }
            throw_errno("send");
        }
        const double deadline = monotonic_now() + timeout;
        bool done = false;
        while (!done) {
            double left = deadline - monotonic_now();
            if (left <= 0) {
                sum.timeouts++;
                break;
            }
            pollfd p{fd, POLLIN, 0};
            int pr = ::poll(&p, 1, static_cast<int>(left * 1000) + 1);
            if (pr < 0 && errno != EINTR) throw_errno("poll");
            if (pr <= 0) continue;
            sockaddr_storage from{};
            socklen_t flen = sizeof(from);
            ssize_t len =
                ::recvfrom(fd, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &flen);
            if (len < 0) {
                if (errno == ECONNREFUSED) {
                    sum.refused++;
                    done = true;
                    continue;
                }
                if (errno == EINTR || errno == EAGAIN) continue;
                throw_errno("recvfrom");
            }
            auto who = rr_match(std::string_view(buf, static_cast<std::size_t>(len)), id);
            if (!who) {
                sum.stray++;
                continue;
            }
            auto src = Endpoint::from(reinterpret_cast<sockaddr*>(&from), flen);
            sum.reply(*who, src.addr(), src.port());
            done = true;
        }
    }
    std::cout << sum.json() << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return tool_main("udp-rr", argc, argv, run);
}
