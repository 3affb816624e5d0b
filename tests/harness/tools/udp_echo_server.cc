// SPDX-License-Identifier: GPL-2.0
//
// udp-echo-server: the real server of the request/reply scenarios.
//
//   udp-echo-server [--silent] [--netns NAME] [--count-file F] NAME ADDR PORT
//
// Binds ADDR:PORT (IPv4 or IPv6; IP_FREEBIND, so the address may come
// later) and answers every datagram with "NAME <payload>" to its sender, so
// the client can tell which server answered and from which address the
// reply reached it. --silent never answers (a server that died without
// closing its port). --count-file F is rewritten with the number of
// datagrams received after each one.
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "harness.h"
#include "rr.h"

using namespace ipvsudp::harness;

namespace {

int run(int argc, char** argv) {
    Args a(argc, argv, {"netns", "count-file"}, {"silent"});
    if (a.pos().size() != 3)
        throw UsageError("usage: udp-echo-server [--silent] [--count-file F] NAME ADDR PORT");
    const std::string name = a.pos()[0];
    if (name.empty() || name.find(' ') != std::string::npos)
        throw UsageError("udp-echo-server: NAME must be one word");
    const Endpoint local = endpoint_arg("udp-echo-server", a.pos()[1], a.pos()[2]);
    Fd fd = udp_socket(a.str("netns", ""), local, true);
    const bool silent = a.flag("silent");
    const auto count_file = a.get("count-file");
    std::uint64_t count = 0;
    char buf[65536];
    for (;;) {
        Endpoint from;
        const std::string_view request = recv_datagram(fd, buf, from);
        count++;
        if (count_file) std::ofstream(*count_file, std::ios::trunc) << count << "\n";
        if (silent) continue;
        std::string reply = rr_reply(name, request);
        if (::sendto(fd.get(), reply.data(), reply.size(), 0, from.sa(), from.len) < 0)
            std::cerr << "udp-echo-server: sendto: " << std::strerror(errno) << "\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    return tool_main("udp-echo-server", argc, argv, run);
}
