// SPDX-License-Identifier: GPL-2.0
//
// The ipvs-udp test harness: what the scenario tools (udp-rr,
// udp-echo-server, icmp-watch, sip-calls, ipvs-setup) share. Sockets in
// network namespaces, a small JSON writer, command-line options. The
// traffic checkers' parsing and verdict logic lives in icmp.h, sip.h,
// rr.h and setup.h, pure functions the unit tests run on captured bytes.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "args.h"
#include "json_writer.h"

namespace ipvsudp::harness {

// A failure of the tool's environment (socket, setns...): exit status 1.
struct SystemError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// Bad command line: exit status 2. The CLI's (cli/args.h): the tools read
// their words with its parser.
using UsageError = cli::UsageError;

// "what: strerror(errno)" as a SystemError.
[[noreturn]] void throw_errno(const std::string& what);

// Builds one JSON text, spaced: {"a": 1, "b": [2, 3]} (lib/json_writer.h).
using Json = json::Writer<json::Style::spaced>;

// A socket address from text: "10.0.0.1", "fd00::1" with a port.
struct Endpoint {
    sockaddr_storage ss{};
    socklen_t len = 0;
    int family() const { return ss.ss_family; }
    const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&ss); }
    std::string addr() const;  // "10.0.0.1", "fd00::1"
    std::uint16_t port() const;
    std::string str() const;  // "10.0.0.1:53", "[fd00::1]:53"
    static std::optional<Endpoint> make(std::string_view addr, std::uint16_t port);
    static Endpoint from(const sockaddr* sa, socklen_t len);
    // "ADDR:PORT" or "[ADDR6]:PORT" (port required unless default_port).
    static std::optional<Endpoint> parse(std::string_view text,
                                         std::optional<std::uint16_t> default_port = {});
};

// An owned file descriptor.
class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(o.release()) {}
    Fd& operator=(Fd&& o) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();
    int get() const { return fd_; }
    int release();
    explicit operator bool() const { return fd_ >= 0; }

  private:
    int fd_ = -1;
};

// Run fn inside network namespace netns (a name under /run/netns or a
// path; empty: the current one) and switch back.
void in_netns(const std::string& netns, const std::function<void()>& fn);

// A UDP socket bound to local (port 0: ephemeral) in netns. freebind lets
// a server bind an address that is not (yet) configured.
Fd udp_socket(const std::string& netns, const Endpoint& local, bool freebind = false);

// Wait for one datagram on fd (retrying EINTR and ECONNREFUSED, the ICMP
// error of an earlier send): its bytes in buf, its sender in from.
std::string_view recv_datagram(const Fd& fd, std::span<char> buf, Endpoint& from);

double monotonic_now();

std::optional<std::int64_t> parse_int(std::string_view s, std::int64_t min, std::int64_t max);
std::optional<double> parse_seconds(std::string_view s);

// Command line: positional words and --options (those in with_value take
// the next word; others are flags). An option may repeat.
class Args {
  public:
    Args(int argc, char** argv, const std::set<std::string>& with_value,
         const std::set<std::string>& flags, int first = 1);
    const std::vector<std::string>& pos() const { return pos_; }
    bool flag(const std::string& name) const { return opts_.count(name) > 0; }
    std::optional<std::string> get(const std::string& name) const;
    std::vector<std::string> all(const std::string& name) const;
    std::string str(const std::string& name, const std::string& def) const;
    std::int64_t integer(const std::string& name, std::int64_t def, std::int64_t min,
                         std::int64_t max) const;
    double seconds(const std::string& name, double def) const;

  private:
    std::vector<std::string> pos_;
    std::multimap<std::string, std::string> opts_;
};

// ADDR and PORT (1-65535) words of a tool's command line as an Endpoint;
// a UsageError "TOOL: bad PORT" or "TOOL: bad address ADDR" otherwise.
Endpoint endpoint_arg(std::string_view tool, const std::string& addr, std::string_view port);

// The main() of a scenario tool: the exit status of run(argc, argv); a
// UsageError prints its text and exits 2, another exception prints
// "TOOL: what" and exits 1.
int tool_main(std::string_view tool, int argc, char** argv, int (*run)(int, char**));

}  // namespace ipvsudp::harness
