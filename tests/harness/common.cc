// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <iostream>

#include "harness.h"

namespace ipvsudp::harness {

void throw_errno(const std::string& what) {
    throw SystemError(what + ": " + std::strerror(errno));
}

// ---------------------------------------------------------------- addresses

std::string Endpoint::addr() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (family() == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&ss)->sin_addr, buf, sizeof(buf));
    else if (family() == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_addr, buf,
                  sizeof(buf));
    return buf;
}

std::uint16_t Endpoint::port() const {
    if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&ss)->sin_port);
    if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_port);
    return 0;
}

// The library's one formatter (Address::with_port).
std::string Endpoint::str() const {
    const auto a = Address::parse(addr());
    return a ? a->with_port(port()) : addr();
}

std::optional<Endpoint> Endpoint::make(std::string_view addr, std::uint16_t port) {
    Endpoint e;
    std::string a(addr);
    auto* s4 = reinterpret_cast<sockaddr_in*>(&e.ss);
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&e.ss);
    if (inet_pton(AF_INET, a.c_str(), &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons(port);
        e.len = sizeof(sockaddr_in);
        return e;
    }
    if (inet_pton(AF_INET6, a.c_str(), &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        e.len = sizeof(sockaddr_in6);
        return e;
    }
    return std::nullopt;
}

Endpoint Endpoint::from(const sockaddr* sa, socklen_t len) {
    Endpoint e;
    std::memcpy(&e.ss, sa, std::min<std::size_t>(len, sizeof(e.ss)));
    e.len = len;
    return e;
}

std::optional<Endpoint> Endpoint::parse(std::string_view text,
                                        std::optional<std::uint16_t> default_port) {
    std::string_view host = text, port;
    bool has_port = false;
    if (text.starts_with("[")) {
        auto close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (!rest.starts_with(":")) return std::nullopt;
            port = rest.substr(1);
            has_port = true;
        }
    } else if (auto colon = text.find(':');
               colon != std::string_view::npos && text.find(':', colon + 1) == text.npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        has_port = true;
    }
    std::uint16_t p = 0;
    if (has_port) {
        auto v = parse_int(port, 0, 65535);
        if (!v) return std::nullopt;
        p = static_cast<std::uint16_t>(*v);
    } else if (default_port) {
        p = *default_port;
    } else {
        return std::nullopt;
    }
    return make(host, p);
}

// ---------------------------------------------------------------- fds, netns

Fd& Fd::operator=(Fd&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.release();
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

int Fd::release() {
    int f = fd_;
    fd_ = -1;
    return f;
}

void in_netns(const std::string& netns, const std::function<void()>& fn) {
    if (netns.empty()) {
        fn();
        return;
    }
    std::string path = netns.find('/') == std::string::npos ? "/run/netns/" + netns : netns;
    Fd here(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!here) throw_errno("open /proc/self/ns/net");
    Fd there(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!there) throw_errno("open " + path);
    if (::setns(there.get(), CLONE_NEWNET) != 0) throw_errno("setns " + path);
    try {
        fn();
    } catch (...) {
        if (::setns(here.get(), CLONE_NEWNET) != 0) std::perror("setns back");
        throw;
    }
    if (::setns(here.get(), CLONE_NEWNET) != 0) throw_errno("setns back");
}

Fd udp_socket(const std::string& netns, const Endpoint& local, bool freebind) {
    Fd fd;
    in_netns(netns, [&] {
        fd = Fd(::socket(local.family(), SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP));
        if (!fd) throw_errno("socket");
        int one = 1;
        if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
            throw_errno("SO_REUSEADDR");
        if (freebind) {
            int lvl = local.family() == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
            int opt = local.family() == AF_INET6 ? IPV6_FREEBIND : IP_FREEBIND;
            if (::setsockopt(fd.get(), lvl, opt, &one, sizeof(one)) != 0)
                throw_errno("IP_FREEBIND");
        }
        if (::bind(fd.get(), local.sa(), local.len) != 0) throw_errno("bind " + local.str());
    });
    return fd;
}

std::string_view recv_datagram(const Fd& fd, std::span<char> buf, Endpoint& from) {
    for (;;) {
        from = Endpoint{};
        from.len = sizeof(from.ss);
        ssize_t len = ::recvfrom(fd.get(), buf.data(), buf.size(), 0,
                                 reinterpret_cast<sockaddr*>(&from.ss), &from.len);
        if (len >= 0) return {buf.data(), static_cast<std::size_t>(len)};
        if (errno != EINTR && errno != ECONNREFUSED) throw_errno("recvfrom");
    }
}

double monotonic_now() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// ---------------------------------------------------------------- numbers, args

std::optional<std::int64_t> parse_int(std::string_view s, std::int64_t min, std::int64_t max) {
    std::int64_t v = 0;
    if (s.empty()) return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || v < min || v > max) return std::nullopt;
    return v;
}

std::optional<double> parse_seconds(std::string_view s) {
    std::string t(s);
    char* end = nullptr;
    errno = 0;
    double v = std::strtod(t.c_str(), &end);
    if (t.empty() || errno != 0 || *end != '\0' || !std::isfinite(v) || v < 0) return std::nullopt;
    return v;
}

// With the CLI's parser (cli/args.h): "--name value", "--name=value",
// flags, "--" ending the options.
Args::Args(int argc, char** argv, const std::set<std::string>& with_value,
           const std::set<std::string>& flags, int first) {
    std::set<std::string> valued, flag_words;
    for (const auto& n : with_value) valued.insert("--" + n);
    for (const auto& n : flags) flag_words.insert("--" + n);
    const std::vector<std::string_view> words(argv + std::min(first, argc), argv + argc);
    cli::Args a = cli::parse_args(words, valued, flag_words);
    if (a.help) throw UsageError("unknown option --help");
    if (a.json && !flags.count("json")) throw UsageError("unknown option --json");
    pos_ = std::move(a.pos);
    for (const auto& [name, value] : a.all) opts_.emplace(name.substr(2), value);
    for (const auto& name : a.flags) opts_.emplace(name.substr(2), "");
    if (a.json) opts_.emplace("json", "");
}

std::optional<std::string> Args::get(const std::string& name) const {
    auto [b, e] = opts_.equal_range(name);
    if (b == e) return std::nullopt;
    return std::prev(e)->second;  // the last one wins
}

std::vector<std::string> Args::all(const std::string& name) const {
    std::vector<std::string> out;
    auto [b, e] = opts_.equal_range(name);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
    return out;
}

std::string Args::str(const std::string& name, const std::string& def) const {
    return get(name).value_or(def);
}

std::int64_t Args::integer(const std::string& name, std::int64_t def, std::int64_t min,
                           std::int64_t max) const {
    auto v = get(name);
    if (!v) return def;
    auto n = parse_int(*v, min, max);
    if (!n)
        throw UsageError("--" + name + ": not a number in [" + std::to_string(min) + ", " +
                         std::to_string(max) + "]: " + *v);
    return *n;
}

double Args::seconds(const std::string& name, double def) const {
    auto v = get(name);
    if (!v) return def;
    auto n = parse_seconds(*v);
    if (!n) throw UsageError("--" + name + ": not a duration in seconds: " + *v);
    return *n;
}

Endpoint endpoint_arg(std::string_view tool, const std::string& addr, std::string_view port) {
    auto p = parse_int(port, 1, 65535);
    if (!p) throw UsageError(std::string(tool) + ": bad PORT");
    auto e = Endpoint::make(addr, static_cast<std::uint16_t>(*p));
    if (!e) throw UsageError(std::string(tool) + ": bad address " + addr);
    return *e;
}

// ---------------------------------------------------------------- main

int tool_main(std::string_view tool, int argc, char** argv, int (*run)(int, char**)) {
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << tool << ": " << e.what() << "\n";
        return 1;
    }
}

}  // namespace ipvsudp::harness
