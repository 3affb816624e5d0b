#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise SIPp short message logs (-trace_shortmsg) of one test run.

Usage: sipp_log.py [--uac FILE]... [--rs NAME=FILE]... [--since EPOCH]
                   [--origin NAME]

Each log line is TAB-separated: date, time, epoch, S|R, Call-ID,
"CSeq:N METHOD", first line of the message. Prints one JSON object:

  servers[NAME]: calls     Call-IDs whose INVITE this server received
                 received  messages received
                 r481      481 responses sent (BYE of a dialog it lacks)
                 after     messages received after --since
                 new_after Call-IDs whose first INVITE arrived after --since
                           (with --uac: that the UAC sent after --since; a
                           starved UAS may read an earlier one late)
  calls          Call-IDs with an INVITE at any server
  split          Call-IDs received by more than one server
  split_other    ... of them, those whose INVITE did not reach --origin
  uac:           calls (INVITEs sent), ok (the BYE was answered 200 and no
                 failure response came back), failed (calls - ok), r481
                 (481 responses received), failed_ids (the first five
                 failed Call-IDs), ok_by_uas (calls whose BYE 200 only a
                 UAS log shows: SIPp's UAC matches responses by status
                 code, so on a starved machine a late retransmission of
                 the INVITE's 200 can stand in for the BYE's, and the
                 UAC ends the call before the real one is read)
  origin (with --origin): the calls whose INVITE reached server --origin
         (the one removed or quiesced) and where their messages went:
                 calls, moved {server: of those Call-IDs, how many any
                 other server received}, stayed (how many --origin
                 received after --since; with --uac: whose BYE the UAC
                 first sent after --since and --origin received: a
                 starved UAS may read an earlier message late),
                 failed_origin / failed_other
                 (failed UAC calls among them / not among them)
"""
import argparse
import json
from collections import defaultdict


def read_log(path):
    out = []
    try:
        f = open(path, errors="replace")
    except FileNotFoundError:
        return out
    with f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 7 or p[3] not in ("S", "R"):
                continue
            try:
                t = float(p[2])
            except ValueError:
                continue
            cseq = p[5].split(":", 1)[-1].split()
            method = cseq[1] if len(cseq) > 1 else ""
            first = p[6]
            status = 0
            if first.startswith("SIP/2.0 "):
                try:
                    status = int(first.split()[1])
                except (IndexError, ValueError):
                    status = -1
            out.append((t, p[3], p[4], method, status))
    return out


def uac_calls(paths, bye_ok_uas):
    """The calls of the UAC logs PATHS, as sets of Call-IDs: sent (INVITE
    sent), ok, bad (a failure response came back), failed (sent - ok),
    by_uas (ok only because a UAS answered the BYE: Call-IDs in
    BYE_OK_UAS), and r481 (481s received), first {Call-ID: time of its
    first INVITE}, bye_at {Call-ID: times its BYEs were sent}."""
    sent, ok, bad, r481, first, bye_at = set(), set(), set(), 0, {}, {}
    for path in paths:
        for t, d, cid, method, status in read_log(path):
            if d == "S" and method == "INVITE" and status == 0:
                sent.add(cid)
                first.setdefault(cid, t)
            elif d == "S" and method == "BYE" and status == 0:
                bye_at.setdefault(cid, []).append(t)
            elif d == "R" and method == "BYE" and 200 <= status < 300:
                ok.add(cid)
            if d == "R" and status >= 300:
                bad.add(cid)
            if d == "R" and status == 481:
                r481 += 1
    # The server that has the dialog answered its BYE: the call
    # completed, whether or not the UAC logged that 200 (see above).
    by_uas = (sent & bye_ok_uas) - ok
    ok |= by_uas
    # A failure response fails the call even if SIPp's abort BYE
    # later got a 200 elsewhere.
    ok -= bad
    return {"sent": sent, "ok": ok, "bad": bad, "failed": sent - ok,
            "by_uas": by_uas, "r481": r481, "first": first, "bye_at": bye_at}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--uac", action="append", default=[])
    ap.add_argument("--rs", action="append", default=[])
    ap.add_argument("--since", type=float)
    ap.add_argument("--origin")
    a = ap.parse_args()

    servers = {}
    where = defaultdict(set)          # Call-ID -> servers that received it
    invite_at = {}                    # Call-ID -> (time, server) of INVITE
    recv_after = defaultdict(lambda: defaultdict(set))  # srv -> cid set
    bye_ok_uas = set()                # Call-IDs a UAS answered BYE 2xx
    new_at = {}                       # server -> {Call-ID: INVITE time}
    got_bye = defaultdict(set)        # server -> Call-IDs it got a BYE of
    for spec in a.rs:
        name, path = spec.split("=", 1)
        st = {"calls": 0, "received": 0, "r481": 0, "after": 0,
              "new_after": 0}
        calls = set()
        for t, d, cid, method, status in read_log(path):
            if d == "S":
                if status == 481:
                    st["r481"] += 1
                if method == "BYE" and 200 <= status < 300:
                    bye_ok_uas.add(cid)
                continue
            st["received"] += 1
            where[cid].add(name)
            if method == "BYE" and status == 0:
                got_bye[name].add(cid)
            if a.since is not None and t > a.since:
                st["after"] += 1
                recv_after[name][cid] = True
            if method == "INVITE" and status == 0 and cid not in calls:
                calls.add(cid)
                if cid not in invite_at or invite_at[cid][0] > t:
                    invite_at[cid] = (t, name)
                new_at.setdefault(name, {})[cid] = t
        st["calls"] = len(calls)
        servers[name] = st

    res = {"servers": servers, "calls": len(invite_at)}
    split = [c for c, s in where.items() if len(s) > 1]
    res["split"] = len(split)
    res["split_other"] = len([c for c in split if c not in invite_at or
                              invite_at[c][1] != a.origin])

    failed = set()
    u = uac_calls(a.uac, bye_ok_uas) if a.uac else None
    if a.since is not None:
        for name, inv in new_at.items():
            servers[name]["new_after"] = len([
                c for c, t in inv.items()
                if (u["first"].get(c, t) if u else t) > a.since])
    if a.uac:
        failed = u["failed"]
        res["uac"] = {"calls": len(u["sent"]), "ok": len(u["sent"] & u["ok"]),
                      "failed": len(failed), "r481": u["r481"],
                      "ok_by_uas": len(u["by_uas"] - u["bad"]),
                      "failed_ids": sorted(failed)[:5]}

    if a.origin:
        mine = {c for c, (t, s) in invite_at.items() if s == a.origin}
        moved = {}
        for name in servers:
            if name != a.origin:
                moved[name] = len([c for c in mine if name in where[c]])
        if u and a.since is not None:
            stayed = {c for c in mine & got_bye[a.origin]
                      if min(u["bye_at"].get(c, [0])) > a.since}
        else:
            stayed = mine & set(recv_after[a.origin])
        res["origin"] = {
            "calls": len(mine),
            "moved": moved,
            "stayed": len(stayed),
            "failed_origin": len(failed & mine),
            "failed_other": len(failed - mine),
        }
    print(json.dumps(res, sort_keys=True))


if __name__ == "__main__":
    main()
