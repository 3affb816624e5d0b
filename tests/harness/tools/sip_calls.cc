// SPDX-License-Identifier: GPL-2.0
//
// sip-calls: SIP calls whose messages come from different source addresses
// and ports, a UAS that records which server got which Call-ID, and the
// verdict on the sip scheduler's claim: every Call-ID reaches one server.
//
//   sip-calls uas --name NAME --bind ADDR[:PORT] [--netns NS] [--log FILE]
//                 [--ready FILE] [--dialog-store DIR]
//       Answers INVITE with 200 (its own To tag), BYE with 200 when it
//       answered the call's INVITE and with 481 otherwise (as a real server
//       does: a BYE that reached the wrong server fails the call), other
//       requests with 200, ACK with nothing. Every SIP datagram it receives
//       is one log line "CALL-ID<TAB>METHOD<TAB>SOURCE<TAB>STATUS-SENT".
//       --dialog-store DIR: the dialogs live in DIR (shared by the UAS of
//       every real server, see DialogStore in sip.h) as well: the To tag of
//       an INVITE's 200 is the stored one when another server created the
//       dialog, and a BYE of a dialog any server created gets 200, so a
//       call whose server died is finished by a survivor as in a SIP farm
//       with replicated dialogs. 481 only for dialogs nobody knows.
//
//   sip-calls uac --vip ADDR [--port 5060] --calls N
//                 --invite NS,ADDR[,PORT]... --dialog NS,ADDR[,PORT]...
//                 [--prefix STR] [--timeout S] [--ids FILE]
//       Call n: INVITE from invite endpoint n mod K (retransmitted at
//       T1 = 0.5 s, doubling), then ACK and BYE from dialog endpoint n mod L
//       with the 200's To tag; the BYE's final response may come back to
//       either socket. PORT 0 (default) is a fresh ephemeral port per call;
//       NS is a network namespace name (the sockets are opened there, so
//       one process speaks from several hosts). A call is ok when its BYE
//       got a 2xx. --ids FILE lists the Call-IDs sent. Prints
//       {"calls", "ok", "failed", "r481", "no_answer", "seconds"}; exit 0
//       when every call was ok.
//
//   sip-calls verify [--expect IDS_FILE] NAME=LOG...
//       Prints {"ok", "calls", "split", "missing", "r481", "servers",
//       "split_ids"}: calls = Call-IDs seen by any server, split = seen by
//       more than one, missing = expected Call-IDs no server saw. Exit 0
//       when no Call-ID was split, none missing and there was at least one.
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>

#include "harness.h"
#include "sip.h"

using namespace ipvsudp::harness;

namespace {

// ---------------------------------------------------------------- uas

int uas(int argc, char** argv) {
    Args a(argc, argv, {"name", "bind", "netns", "log", "ready", "dialog-store"}, {}, 2);
    if (!a.pos().empty() || !a.get("name") || !a.get("bind"))
        throw UsageError(
            "usage: sip-calls uas --name NAME --bind ADDR[:PORT] [--log FILE] "
            "[--dialog-store DIR]");
    std::optional<DialogStore> store;
    if (auto d = a.get("dialog-store")) store.emplace(*d);
    const std::string name = *a.get("name");
    auto local = Endpoint::parse(*a.get("bind"), 5060);
    if (!local) throw UsageError("sip-calls uas: bad --bind " + *a.get("bind"));
    Fd fd = udp_socket(a.str("netns", ""), *local, true);
    std::ofstream log;
    if (auto l = a.get("log")) {
        log.open(*l, std::ios::app);
        if (!log) throw_errno("open " + *l);
    }
    if (auto r = a.get("ready")) std::ofstream(*r) << "ready\n";
    const std::string contact = "sip:" + name + "@" + local->str();
    std::map<std::string, std::string> dialogs;  // Call-ID -> our To tag
    std::uint64_t n = 0;
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
        auto m = parse_sip(std::string_view(buf, static_cast<std::size_t>(len)));
        if (!m || !m->request) continue;
        int status = 200;
        std::string reason = "OK", tag;
        if (m->method == "INVITE") {
            auto [it, fresh] = dialogs.emplace(m->call_id, name + "-" + std::to_string(++n));
            if (fresh && store) it->second = store->create(m->call_id, it->second);
            tag = it->second;
        } else if (m->method == "ACK") {
            status = 0;
        } else if (m->method == "BYE") {
            if (!dialogs.count(m->call_id) && !(store && store->find(m->call_id))) {
                status = 481;
                reason = "Call/Transaction Does Not Exist";
            }
        }
        auto src = Endpoint::from(reinterpret_cast<sockaddr*>(&from), flen);
        if (log) log << format_uas_record({m->call_id, m->method, src.str(), status}) << std::endl;
        if (status == 0) continue;
        std::string resp = build_response(*m, status, reason, tag, contact);
        if (::sendto(fd.get(), resp.data(), resp.size(), 0, reinterpret_cast<sockaddr*>(&from),
                     flen) < 0)
            std::cerr << "sip-calls uas: sendto " << src.str() << ": " << std::strerror(errno)
                      << "\n";
    }
}

// ---------------------------------------------------------------- uac

struct Source {
    std::string netns, addr;
    std::uint16_t port = 0;
    Fd shared;  // for a fixed port: one socket for every call

    static std::unique_ptr<Source> parse(const std::string& spec) {
        auto s = std::make_unique<Source>();
        std::stringstream ss(spec);
        std::string port;
        std::getline(ss, s->netns, ',');
        std::getline(ss, s->addr, ',');
        std::getline(ss, port, ',');
        if (s->addr.empty()) throw UsageError("sip-calls: bad source " + spec);
        if (!port.empty()) {
            auto p = parse_int(port, 0, 65535);
            if (!p) throw UsageError("sip-calls: bad port in " + spec);
            s->port = static_cast<std::uint16_t>(*p);
        }
        if (!Endpoint::make(s->addr, s->port)) throw UsageError("sip-calls: bad address " + spec);
        return s;
    }
    // The socket for one call (fd to use; owner set when it is per call).
    int socket(Fd& owner) {
        if (port && shared) return shared.get();
        Fd fd = udp_socket(netns, *Endpoint::make(addr, port));
        if (port) {
            shared = std::move(fd);
            return shared.get();
        }
        owner = std::move(fd);
        return owner.get();
    }
};

std::string local_str(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) throw_errno("getsockname");
    return Endpoint::from(reinterpret_cast<sockaddr*>(&ss), len).str();
}

// Send msg from fd until a final response for (cid, method) arrives on any
// of socks: (status, To tag), or (0, "") after timeout seconds.
std::pair<int, std::string> transact(const std::vector<int>& socks, const Endpoint& dest, int fd,
                                     const std::string& msg, const std::string& cid,
                                     const std::string& method, double timeout) {
    double t1 = 0.5;
    const double start = monotonic_now();
    double next_tx = start;
    char buf[65536];
    for (;;) {
        double now = monotonic_now();
        if (now - start > timeout) return {0, ""};
        if (now >= next_tx) {
            if (::sendto(fd, msg.data(), msg.size(), 0, dest.sa(), dest.len) < 0 &&
                errno != ECONNREFUSED)
                throw_errno("sendto " + dest.str());
            next_tx = now + t1;
            t1 = std::min(t1 * 2, 4.0);
        }
        std::vector<pollfd> p;
        for (int s : socks) p.push_back({s, POLLIN, 0});
        int wait = static_cast<int>(std::max(0.0, next_tx - monotonic_now()) * 1000) + 1;
        if (::poll(p.data(), p.size(), wait) <= 0) continue;
        for (const auto& q : p) {
            if (!(q.revents & POLLIN)) continue;
            ssize_t len = ::recv(q.fd, buf, sizeof(buf), 0);
            if (len < 0) continue;
            auto m = parse_sip(std::string_view(buf, static_cast<std::size_t>(len)));
            if (!m || m->request || m->call_id != cid || m->cseq_method != method) continue;
            if (m->status >= 200) return {m->status, m->to_tag};
        }
    }
}

int uac(int argc, char** argv) {
    Args a(argc, argv, {"vip", "port", "calls", "invite", "dialog", "prefix", "timeout", "ids"}, {},
           2);
    if (!a.pos().empty() || !a.get("vip") || a.all("invite").empty() || a.all("dialog").empty())
        throw UsageError(
            "usage: sip-calls uac --vip ADDR --calls N --invite NS,ADDR[,PORT] "
            "--dialog NS,ADDR[,PORT]");
    auto port = static_cast<std::uint16_t>(a.integer("port", 5060, 1, 65535));
    auto dest = Endpoint::make(*a.get("vip"), port);
    if (!dest) throw UsageError("sip-calls uac: bad --vip");
    const auto calls = a.integer("calls", 10, 1, 1000000);
    const double timeout = a.seconds("timeout", 8);
    const std::string prefix = a.str("prefix", "call");
    std::vector<std::unique_ptr<Source>> inv, dlg;
    for (const auto& s : a.all("invite")) inv.push_back(Source::parse(s));
    for (const auto& s : a.all("dialog")) dlg.push_back(Source::parse(s));
    std::ofstream ids;
    if (auto f = a.get("ids")) {
        ids.open(*f, std::ios::trunc);
        if (!ids) throw_errno("open " + *f);
    }
    std::random_device rd;
    char tagbuf[16];
    std::snprintf(tagbuf, sizeof(tagbuf), "%08x", rd());
    const std::string tag = tagbuf;
    const std::string uri = "sip:service@" + dest->str();
    const std::string sdp =
        "v=0\r\no=harness 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
        "m=audio 6000 RTP/AVP 0\r\n";
    std::uint64_t ok = 0, failed = 0, r481 = 0, no_answer = 0;
    const double start = monotonic_now();
    for (std::int64_t n = 0; n < calls; n++) {
        Source& si = *inv[static_cast<std::size_t>(n) % inv.size()];
        Source& sd = *dlg[static_cast<std::size_t>(n) % dlg.size()];
        Fd own_i, own_d;
        int fi = si.socket(own_i), fd = sd.socket(own_d);
        std::vector<int> socks{fi};
        if (fd != fi) socks.push_back(fd);
        const std::string ns = std::to_string(n);
        const std::string cid = prefix + "-" + ns + "-" + tag + "@" + si.addr;
        if (ids) ids << cid << "\n";
        SipRequest req{"INVITE", uri, local_str(fi), tag + "-" + ns + "-i", cid, "f" + ns + tag, "",
                       1,        sdp};
        auto [status, to_tag] =
            transact(socks, *dest, fi, build_request(req), cid, "INVITE", timeout);
        bool good = false;
        if (status >= 200 && status < 300 && !to_tag.empty()) {
            SipRequest ack{
                "ACK", uri, local_str(fd), tag + "-" + ns + "-a", cid, req.from_tag, to_tag, 1, ""};
            std::string m = build_request(ack);
            if (::sendto(fd, m.data(), m.size(), 0, dest->sa(), dest->len) < 0)
                throw_errno("sendto");
            SipRequest bye{
                "BYE", uri, local_str(fd), tag + "-" + ns + "-b", cid, req.from_tag, to_tag, 2, ""};
            std::tie(status, to_tag) =
                transact(socks, *dest, fd, build_request(bye), cid, "BYE", timeout);
            good = status >= 200 && status < 300;
        }
        if (good) {
            ok++;
        } else {
            failed++;
            if (status == 481) r481++;
            if (status == 0) no_answer++;
        }
    }
    Json j;
    j.begin_object()
        .field("calls", calls)
        .field("ok", ok)
        .field("failed", failed)
        .field("r481", r481)
        .field("no_answer", no_answer)
        .field("seconds", monotonic_now() - start)
        .end_object();
    std::cout << j.str() << std::endl;
    return ok == static_cast<std::uint64_t>(calls) ? 0 : 1;
}

// ---------------------------------------------------------------- verify

int verify(int argc, char** argv) {
    Args a(argc, argv, {"expect"}, {}, 2);
    if (a.pos().empty()) throw UsageError("usage: sip-calls verify [--expect FILE] NAME=LOG...");
    std::map<std::string, std::vector<UasRecord>> logs;
    for (const auto& arg : a.pos()) {
        auto eq = arg.find('=');
        if (eq == std::string::npos || eq == 0) throw UsageError("sip-calls verify: NAME=LOG");
        auto& recs = logs[arg.substr(0, eq)];
        std::ifstream f(arg.substr(eq + 1));
        if (!f) throw_errno("open " + arg.substr(eq + 1));
        std::string line;
        while (std::getline(f, line))
            if (auto r = parse_uas_record(line)) recs.push_back(*r);
    }
    std::set<std::string> expected;
    if (auto e = a.get("expect")) {
        std::ifstream f(*e);
        if (!f) throw_errno("open " + *e);
        std::string line;
        while (std::getline(f, line))
            if (!line.empty()) expected.insert(line);
    }
    auto v = verify_affinity(logs, expected);
    std::cout << v.json() << std::endl;
    return v.ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::string sub = argc > 1 ? argv[1] : "";
        if (sub == "uas") return uas(argc, argv);
        if (sub == "uac") return uac(argc, argv);
        if (sub == "verify") return verify(argc, argv);
        throw UsageError("usage: sip-calls uas|uac|verify [options] (see the source's header)");
    } catch (const UsageError& e) {
        std::cerr << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "sip-calls: " << e.what() << "\n";
        return 1;
    }
}
