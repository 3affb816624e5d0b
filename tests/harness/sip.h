// SPDX-License-Identifier: GPL-2.0
//
// SIP for sip-calls: building and reading the few messages a call needs,
// the UAS log format, and the verdict on the Call-ID affinity claim
// ("every message of a call reaches one real server").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ipvsudp::harness {

struct SipMessage {
    bool request = false;
    std::string method;  // request method
    int status = 0;      // response status
    std::string uri;
    std::string call_id;
    std::uint32_t cseq = 0;
    std::string cseq_method;
    std::string from, to, to_tag;
    std::vector<std::string> via;  // every Via value, top first
};

// Parse a SIP message over UDP: RFC 3261 header names case-insensitively,
// compact forms (i, f, t, v), folded lines, CRLF or LF. nullopt when the
// start line is not SIP or Call-ID / CSeq are missing.
std::optional<SipMessage> parse_sip(std::string_view data);

struct SipRequest {
    std::string method, uri, via_host;  // via_host: "addr:port" of the sender
    std::string branch, call_id, from_tag, to_tag;
    std::uint32_t cseq = 1;
    std::string body;
};
std::string build_request(const SipRequest& r);
// A response to req with this status, reason and To tag (added to the To
// header when it has none).
std::string build_response(const SipMessage& req, int status, std::string_view reason,
                           std::string_view to_tag, std::string_view contact);

// One line of a sip-calls UAS log: "CALL-ID<TAB>METHOD<TAB>SOURCE<TAB>STATUS"
// (STATUS: the response sent, 0 for none).
struct UasRecord {
    std::string call_id, method, source;
    int status = 0;
};
std::string format_uas_record(const UasRecord& r);
std::optional<UasRecord> parse_uas_record(std::string_view line);

// The dialog state that the UAS of several real servers share: a directory
// every server reaches (a tmpfs in the scenarios), one file per dialog,
// named after its Call-ID and holding the To tag of the 200 OK that
// created it. It stands for the dialog replication of a real SIP farm
// behind a load balancer (Kamailio's dialog module over DMQ, a shared
// database): any server answers the ACK and BYE of a dialog any server
// created; only a dialog nobody knows gets 481.
class DialogStore {
  public:
    explicit DialogStore(std::string dir) : dir_(std::move(dir)) {}
    // The To tag of call_id's dialog: the stored one when a server created
    // it already, else tag, stored now (the first writer wins, atomically).
    // Throws SystemError when the store cannot be written.
    std::string create(std::string_view call_id, std::string_view tag) const;
    // The To tag of a dialog some server created, nullopt when none did.
    std::optional<std::string> find(std::string_view call_id) const;
    // The file name for a Call-ID: [A-Za-z0-9_@+-] kept, other bytes
    // (also '.', '%' and '/') as %XX; a name over 200 bytes is cut and ends
    // in a hash of the whole Call-ID. Never empty, never with a dot (the
    // store's temporary files start with one).
    static std::string file_name(std::string_view call_id);

  private:
    std::string path(std::string_view call_id) const { return dir_ + "/" + file_name(call_id); }
    std::string dir_;
};

struct AffinityVerdict {
    std::size_t calls = 0;    // distinct Call-IDs seen by any server
    std::size_t split = 0;    // Call-IDs seen by more than one server
    std::size_t missing = 0;  // expected Call-IDs no server saw
    std::size_t r481 = 0;     // 481s sent (in-dialog request of an unknown call)
    std::map<std::string, std::uint64_t> server_calls;  // Call-IDs per server
    std::vector<std::string> split_ids;                 // the first few split Call-IDs
    bool ok() const { return split == 0 && missing == 0 && calls > 0; }
    std::string json() const;
};

// logs: server name -> its records. expected: the Call-IDs the UAC sent
// (empty: not checked).
AffinityVerdict verify_affinity(const std::map<std::string, std::vector<UasRecord>>& logs,
                                const std::set<std::string>& expected);

}  // namespace ipvsudp::harness
