// SPDX-License-Identifier: GPL-2.0
//
// ipvs-udp: command-line front end of the ipvs-udp control library.
#include <iostream>
#include <string_view>
#include <vector>

#include "cli.h"

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    ipvsudp::cli::Env env{[] { return ipvsudp::ipvs::Client::open(); },
                          [] { return ipvsudp::udp::Client::open(); },
                          [] { return ipvsudp::udp::Watcher::open(); }, std::cout, std::cerr};
    return ipvsudp::cli::run(args, env);
}
