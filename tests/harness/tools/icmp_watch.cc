// SPDX-License-Identifier: GPL-2.0
//
// icmp-watch: record the ICMP and ICMPv6 errors that reach (or leave) a
// network namespace's interface, as the client sees them on the wire.
//
//   icmp-watch [--iface IF] [--netns NAME] [--outgoing | --both]
//              [--count N] [--timeout S] [--ready FILE] [--out FILE]
//
// An AF_PACKET socket (SOCK_DGRAM, every protocol) on IF (default: every
// interface of the namespace) sees each packet as it crossed the link,
// before the IP stack could drop it, so checksums are verified here from
// the bytes (IPv4 header, ICMP, ICMPv6 with its pseudo-header) instead of
// being trusted. By default only incoming packets count; --outgoing takes
// the namespace's own errors instead (e.g. the port unreachables a client
// sends for replies that no socket wanted), --both takes both.
//
// Runs until N errors were seen (--count, default: no limit), S seconds
// passed (--timeout, default 30) or SIGTERM/SIGINT, then prints one JSON
// object (to --out FILE if given, else stdout):
//   {"errors": [{direction, af, src, dst, type, code, ip_csum_ok,
//                icmp_csum_ok, q_src, q_dst, q_proto, q_sport, q_dport,
//                q_payload}, ...], "packets": N}
// --ready FILE is created once the socket is bound (start the traffic
// after it exists). With --out, FILE is also rewritten (atomically) after
// every error, with "running": true until the end, so that a scenario can
// read the errors seen so far while the watch goes on.
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <span>

#include "harness.h"
#include "icmp.h"

using namespace ipvsudp::harness;

namespace {

volatile std::sig_atomic_t stop_signal = 0;
extern "C" void on_signal(int sig) {
    stop_signal = sig;
}

int run(int argc, char** argv) {
    Args a(argc, argv, {"iface", "netns", "count", "timeout", "ready", "out"},
           {"outgoing", "both"});
    if (!a.pos().empty()) throw UsageError("usage: icmp-watch [options] (no arguments)");
    const auto count = a.integer("count", 0, 0, 1000000);
    const double timeout = a.seconds("timeout", 30);
    const bool outgoing = a.flag("outgoing"), both = a.flag("both");
    const std::string iface = a.str("iface", "");

    struct sigaction sa {};
    sa.sa_handler = on_signal;  // no SA_RESTART: poll() returns EINTR
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);

    Fd fd;
    in_netns(a.str("netns", ""), [&] {
        fd = Fd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL)));
        if (!fd) throw_errno("socket(AF_PACKET)");
        sockaddr_ll ll{};
        ll.sll_family = AF_PACKET;
        ll.sll_protocol = htons(ETH_P_ALL);
        if (!iface.empty()) {
            ll.sll_ifindex = static_cast<int>(if_nametoindex(iface.c_str()));
            if (ll.sll_ifindex == 0) throw_errno("interface " + iface);
        }
        if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ll), sizeof(ll)) != 0)
            throw_errno("bind AF_PACKET");
    });
    if (auto r = a.get("ready")) std::ofstream(*r) << "ready\n";

    std::uint64_t packets = 0;
    // The errors so far, each as its JSON object.
    std::vector<std::string> errors;
    const auto out_file = a.get("out");
    auto report = [&](bool running) {
        std::string body = "{\"errors\": [";
        for (std::size_t i = 0; i < errors.size(); i++) body += (i ? ", " : "") + errors[i];
        body += "], \"packets\": " + std::to_string(packets) +
                ", \"running\": " + (running ? "true" : "false") + "}";
        if (!out_file) return body;
        std::ofstream f(*out_file + ".tmp", std::ios::trunc);
        f << body << "\n";
        f.close();
        if (std::rename((*out_file + ".tmp").c_str(), out_file->c_str()) != 0)
            throw_errno("rename " + *out_file);
        return body;
    };
    std::int64_t seen = 0;
    const double deadline = monotonic_now() + timeout;
    std::vector<std::uint8_t> buf(65536);
    while (!stop_signal && (count == 0 || seen < count)) {
        double left = deadline - monotonic_now();
        if (left <= 0) break;
        pollfd p{fd.get(), POLLIN, 0};
        int pr = ::poll(&p, 1, static_cast<int>(left * 1000) + 1);
        if (pr < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (pr == 0) continue;
        sockaddr_ll from{};
        socklen_t flen = sizeof(from);
        ssize_t len = ::recvfrom(fd.get(), buf.data(), buf.size(), 0,
                                 reinterpret_cast<sockaddr*>(&from), &flen);
        if (len < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            throw_errno("recvfrom");
        }
        const bool out = from.sll_pkttype == PACKET_OUTGOING;
        if (!both && out != outgoing) continue;
        const auto proto = ntohs(from.sll_protocol);
        if (proto != ETH_P_IP && proto != ETH_P_IPV6) continue;
        packets++;
        auto e = parse_icmp_error(std::span(buf.data(), static_cast<std::size_t>(len)));
        if (!e) continue;
        Json j;
        to_json(j, *e, out ? "out" : "in");
        errors.push_back(j.str());
        seen++;
        if (out_file) report(true);
    }
    const auto body = report(false);
    if (!out_file) std::cout << body << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return tool_main("icmp-watch", argc, argv, run);
}
