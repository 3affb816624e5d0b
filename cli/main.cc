// SPDX-License-Identifier: GPL-2.0
//
// ipvs-udp: command-line front end of the ipvs-udp control library.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" {
#include "ip_vs_sip_parse.h"
}

namespace {

constexpr std::string_view kUsage = R"(usage: ipvs-udp COMMAND [ARGS...]

Commands:
  sip-callid [FILE]   print the key the sip scheduler uses for one SIP
                      datagram (FILE or standard input): its Call-ID, or
                      "none" (exit 1) when the datagram has none
  help                this text
  version             print the version

Exit status: 0 success, 1 negative answer (no key), 2 usage or I/O error.
)";

int sip_callid(const std::vector<std::string_view>& args) {
    std::vector<unsigned char> data;
    if (args.empty() || args[0] == "-") {
        data.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
        std::ifstream in{std::string(args[0]), std::ios::binary};
        if (!in) {
            std::cerr << "ipvs-udp: cannot read " << args[0] << "\n";
            return 2;
        }
        data.assign(std::istreambuf_iterator<char>(in), {});
    }
    // The kernel looks at the same bounded prefix of each datagram.
    if (data.size() > IP_VS_SIP_SCAN_MAX) data.resize(IP_VS_SIP_SCAN_MAX);
    ip_vs_sip_msg msg{};
    if (ip_vs_sip_parse(data.data(), data.size(), &msg) != 0) {
        std::cout << "none\n";
        return 1;
    }
    std::cout << std::string_view(reinterpret_cast<const char*>(msg.callid), msg.callid_len)
              << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::cerr << kUsage;
        return 2;
    }
    const std::string_view cmd = args.front();
    args.erase(args.begin());
    if (cmd == "help" || cmd == "--help" || cmd == "-h") {
        std::cout << kUsage;
        return 0;
    }
    if (cmd == "version" || cmd == "--version") {
        std::cout << "ipvs-udp " << IPVS_UDP_VERSION << "\n";
        return 0;
    }
    if (cmd == "sip-callid") return sip_callid(args);
    std::cerr << "ipvs-udp: unknown command '" << cmd << "' (see ipvs-udp help)\n";
    return 2;
}
