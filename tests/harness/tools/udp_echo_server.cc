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
    auto port = parse_int(a.pos()[2], 1, 65535);
    if (!port) throw UsageError("udp-echo-server: bad PORT");
    auto local = Endpoint::make(a.pos()[1], static_cast<std::uint16_t>(*port));
    if (!local) throw UsageError("udp-echo-server: bad address " + a.pos()[1]);
    Fd fd = udp_socket(a.str("netns", ""), *local, true);
    const bool silent = a.flag("silent");
    const auto count_file = a.get("count-file");
    std::uint64_t count = 0;
    char buf[65536];
    for (;;) {
        sockaddr_storage from{};
        socklen_t flen = sizeof(from);
        ssize_t len =
            ::recvfrom(fd.get(), buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &flen);
        if (len < 0) {
            if (errno == EINTR || errno == ECONNREFUSED) continue;
            throw_errno("recvfrom");
        }
        count++;
        if (count_file) std::ofstream(*count_file, std::ios::trunc) << count << "\n";
        if (silent) continue;
        std::string reply = rr_reply(name, std::string_view(buf, static_cast<std::size_t>(len)));
        if (::sendto(fd.get(), reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from),
                     flen) < 0)
            std::cerr << "udp-echo-server: sendto: " << std::strerror(errno) << "\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "udp-echo-server: " << e.what() << "\n";
        return 1;
    }
}
