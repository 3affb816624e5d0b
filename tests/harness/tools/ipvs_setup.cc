// SPDX-License-Identifier: GPL-2.0
//
// ipvs-setup: configure IPVS for a scenario over generic netlink, through
// libipvs-udp (see setup.h for the commands). Loads ip_vs with modprobe
// when its family is not registered yet, as ipvsadm does. Errors print the
// kernel's errno and extack message; exit 1 (2: bad command line).
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

#include "harness.h"
#include "setup.h"

using namespace ipvsudp;
using namespace ipvsudp::harness;

namespace {

bool modprobe_ip_vs() {
    pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
        execlp("modprobe", "modprobe", "-q", "ip_vs", static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int run(int argc, char** argv) {
    std::vector<std::string> words(argv + 1, argv + argc);
    SetupCommand c = parse_setup(words);
    auto client = ipvs::Client::open();
    if (!client) {
        std::cerr << "ipvs-setup: " << client.error().message() << "\n";
        return 1;
    }
    auto r = run_setup(c, *client, std::cout);
    if (!r && r.error().family_missing && modprobe_ip_vs()) r = run_setup(c, *client, std::cout);
    if (!r) {
        std::cerr << "ipvs-setup: " << r.error().message() << "\n";
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return tool_main("ipvs-setup", argc, argv, run);
}
