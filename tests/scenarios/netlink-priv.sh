#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ipvs_udp generic netlink family (docs/netlink.md): who may use it,
# and single-binding lookups.
#
# test_matrix: the privilege matrix ("Permissions"), checked against IPVS's
# own family, not hard-coded:
#
#   cl1 --- rt --- lan --- dir1 (NAT: sip service VIP:5060,
#                     |          reply service VIP:53)
#                     +--- rs1 (default route via dir1)
#
# Every operation of netlink/ipvs_udp.yaml (do and dump, each one the spec
# lists; an operation without a request here fails the test) and joining
# the "events" group are tried by four identities in dir1's network
# namespace:
#
#   root          root
#   nobody        setpriv --reuid=65534 --regid=65534 --clear-groups
#   userns        root of a user namespace that does not own the network
#                 namespace (unshare -U -r)
#   userns-owner  root of a user namespace owning a new network namespace
#                 (unshare -U -r -n)
#
# The reference is what IPVS allows the same identity, asked in the same
# process: requests without attributes to IPVS's family (GET_INFO do,
# GET_SERVICE dump, SET_SERVICE do: its permission check answers before
# the attributes are looked at), cross-checked with `ipvsadm -Ln`. An
# operation of ours may succeed only where IPVS's operation of the same
# kind (read, dump, change) does; root's requests must all succeed. The
# group: CAP_NET_ADMIN in the user namespace owning the network namespace
# (GENL_MCAST_CAP_NET_ADMIN; IPVS has no group, and the kernel checks no
# more for groups).
#
# test_binding_lookup: binding-get and binding-flush of one Call-ID are a
# hash lookup (below), on cl1 --- rt --- lan --- dir1 (DR), rs1..rs3.
#
# Run inside UML: scripts/uml-run -- tests/scenarios/netlink-priv.sh
#   [test_matrix] [test_binding_lookup]

# shellcheck disable=SC2317 # test functions are called by scenario_main
# shellcheck disable=SC1010 # "do" is an argument of the client here
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/result.sh
. tests/lib/topo.sh
. tests/lib/sip.sh
. tests/lib/nl.sh

IDS=(root nobody userns userns-owner)

# as ID CMD...: CMD in dir1's network namespace as identity ID.
as() {
	local id=$1
	shift
	case "$id" in
	root) ns dir1 "$@" ;;
	nobody) ns dir1 setpriv --reuid=65534 --regid=65534 --clear-groups "$@" ;;
	userns) ns dir1 unshare --user --map-root-user "$@" ;;
	userns-owner) ns dir1 unshare --user --map-root-user --net "$@" ;;
	*) return 2 ;;
	esac
}

# requests: the batch for ipvs_udp_nl.py: the IPVS references, the group,
# then every operation of the spec (do and dump) with a valid request.
requests() {
	/usr/bin/python3 - "$SVC" "$(rs_addr4 1)" <<'EOF'
import json, sys, yaml
svc, rs = json.loads(sys.argv[1]), sys.argv[2]
dest = {"af": "inet", "addr": rs, "port": 5060}
# Valid requests, root's must succeed. Changes leave things as they are.
req = {
    "sip-get": {"do": {"service": svc}},
    "sip-set": {"do": {"service": svc,
                       "settings": {"transaction-timeout": 600}}},
    "binding-get": {"do": {"service": svc, "call-id": "pm-1@test"},
                    "dump": {"service": svc, "dest": dest}},
    "binding-flush": {"do": {"service": svc, "call-id": "pm-none@test"}},
    "radius-get": {"do": {"service": dict(svc, port=1812)}},
    "radius-set": {"do": {"service": dict(svc, port=1812),
                          "settings": {"conversation-timeout": 30}}},
    "reply-get": {"do": {}},
    "reply-set": {"do": {"settings": {"timeout-ms": 5000}}},
    "reply-dest-get": {"do": {"dest": {"dest": dict(dest, port=53)}},
                       "dump": {}},
    "counters-get": {"do": {}},
}
# IPVS_CMD_GET_INFO (15) do, IPVS_CMD_GET_SERVICE (4) dump,
# IPVS_CMD_SET_SERVICE (2) do (no attributes: EINVAL once allowed)
items = [["ipvs", 15, "do"], ["ipvs", 4, "dump"], ["ipvs", 2, "do"], ["join"]]
spec = yaml.safe_load(open("netlink/ipvs_udp.yaml"))
for op in spec["operations"]["list"]:
    for mode in ("do", "dump"):
        if mode not in op:
            continue
        r = req.get(op["name"], {}).get(mode)
        if r is None:
            sys.exit("no %s request for %s: add one to netlink-priv.sh" %
                     (mode, op["name"]))
        items.append([mode, op["name"], r])
print(json.dumps(items))
EOF
}

# evaluate ITEMS DIR: one "ok|NAME" or "bad|NAME|WHY" line per check, from
# DIR/ID.json (the batch's results) and DIR/ID.ipvsadm (exit status).
evaluate() {
	/usr/bin/python3 - "$1" "$2" "${IDS[@]}" <<'EOF'
import json, sys
items, d, ids = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3:]
WRITES = {"sip-set", "radius-set", "binding-flush", "reply-set"}
# who may join "events": CAP_NET_ADMIN in the netns's owning user namespace
JOIN = {"root": True, "nobody": False, "userns": False, "userns-owner": True}

def allowed(r):
    return r.get("error") != "EPERM"

def show(r):
    if r.get("ok"):
        return "ok"
    return "%s%s" % (r.get("error"), " (%s)" % r["extack"] if r.get("extack") else "")

for i in ids:
    res = json.load(open("%s/%s.json" % (d, i)))
    rc = int(open("%s/%s.ipvsadm" % (d, i)).read())
    ref = {"do": allowed(res[0]), "dump": allowed(res[1]), "write": allowed(res[2])}
    print("#  %-12s IPVS: GET_INFO %s, GET_SERVICE dump %s, SET_SERVICE %s; ipvsadm -Ln exit %d"
          % (i, show(res[0]), show(res[1]), show(res[2]), rc))
    if (rc == 0) != ref["do"]:
        print("bad|%s: ipvsadm -Ln agrees with IPVS GET_INFO|exit %d" % (i, rc))
    else:
        print("ok|%s: ipvsadm -Ln agrees with IPVS GET_INFO (exit %d)" % (i, rc))
    if i == "root" and not all(ref.values()):
        print("bad|root: IPVS allows root everything|%s" % ref)
    if i != "root" and any(ref.values()):
        print("# %s: IPVS allows %s" % (i, ref))
    for it, r in zip(items[3:], res[3:]):
        if it[0] == "join":
            name, want = "join events", JOIN[i]
        else:
            name = "%s %s" % (it[0], it[1])
            want = ref["write" if it[1] in WRITES else it[0]]
        print("#  %-12s %-22s %s" % (i, name, show(r)))
        if i == "root" and not r.get("ok"):
            print("bad|root: %s succeeds|%s" % (name, show(r)))
        elif want and not allowed(r):
            print("bad|%s: %s allowed as for IPVS|%s" % (i, name, show(r)))
        elif not want and r.get("error") != "EPERM":
            print("bad|%s: %s refused (EPERM) as by IPVS|got %s" % (i, name, show(r)))
        else:
            print("ok|%s: %s %s" % (i, name, "allowed" if want else "EPERM, as IPVS"))
EOF
}

test_matrix() {
	local items id out dir line
	topo_setup nat 1 1 1
	sip_init
	modprobe ip_vs_udp_nl && modprobe ip_vs_pe_reply || return 1
	sip_service dir1 "$VIP4" -s sip -o || return 1
	sip_add_rs dir1 "$VIP4" 1 1 || return 1
	ns dir1 ipvsadm -A -u "$VIP4:53" -s rr -o --pe reply || return 1
	ns dir1 ipvsadm -a -u "$VIP4:53" -r "$(rs_addr4 1):53" -m || return 1
	ns dir1 ipvsadm -A -u "$VIP4:1812" -s radius -o --pe reply || return 1
	ns dir1 ipvsadm -a -u "$VIP4:1812" -r "$(rs_addr4 1):1812" -m || return 1
	# Bindings (pm-0..19, living 600 s) and a reply record for rs1:53:
	# root's reads find something.
	nl dir1 do sip-set \
		"{\"service\":$SVC,\"settings\":{\"transaction-timeout\":600}}" >/dev/null
	ns cl1 /usr/bin/python3 - "$(cl_addr4 1)" "$VIP4" <<'EOF'
import socket, sys
src, vip = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
for i in range(20):
    m = ("OPTIONS sip:rs@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%d\r\n"
         "From: <sip:a@%s>;tag=%d\r\nTo: <sip:rs@%s>\r\nCall-ID: pm-%d@test\r\n"
         "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n") % (vip, src, i, src, i, vip, i)
    s.sendto(m.encode(), (vip, 5060))
s.sendto(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01",
         (vip, 53))
EOF
	wait_for 60 bash -c "ip netns exec dir1 /usr/bin/python3 $NL dump binding-get '{}' | grep -q pm-1@test" ||
		echo "# no binding pm-1@test yet"
	items=$(requests) || {
		fail "matrix: $items"
		return 0
	}
	dir=$(mktemp -d)
	for id in "${IDS[@]}"; do
		out=$(as "$id" /usr/bin/python3 "$NL" batch "$items" 2>&1)
		if ! json "$out" 'len(d)' >/dev/null 2>&1; then
			fail "matrix: $id: the client failed: $out"
			return 0
		fi
		echo "$out" >"$dir/$id.json"
		as "$id" ipvsadm -Ln >/dev/null 2>&1
		echo $? >"$dir/$id.ipvsadm"
	done
	while IFS= read -r line; do
		case "$line" in
		ok\|*) pass "matrix: ${line#ok|}" ;;
		bad\|*)
			line=${line#bad|}
			fail "matrix: ${line%%|*}: ${line#*|}"
			;;
		*) echo "$line" ;;
		esac
	done < <(evaluate "$items" "$dir")
	rm -rf "$dir"
	# The identities are what they claim: nobody is refused what root may
	# do, the user namespace roots do have CAP_NET_ADMIN there.
	check "nobody has no CAP_NET_ADMIN (IPVS refuses it)" \
		[ "$(json "$(as nobody /usr/bin/python3 "$NL" ipvs 15)" 'd["error"]')" = EPERM ]
	for id in userns userns-owner; do
		check "$id: root of its user namespace, with CAP_NET_ADMIN there" \
			as "$id" /usr/bin/python3 -c 'import os, sys
eff = [l for l in open("/proc/self/status") if l.startswith("CapEff:")][0]
sys.exit(0 if os.getuid() == 0 and int(eff.split()[1], 16) >> 12 & 1 else 1)'
	done
}

# binding-get do is one hash lookup by Call-ID (ip_vs_sip_lookup()): among
# 2000 bindings each asked Call-ID gets its own binding (the server the
# dump shows), unknown ones ENOENT; after a new seed (the placement key
# changes, the binding hash key does not) old and new Call-IDs are still
# found; a flush by Call-ID removes exactly that one.
test_binding_lookup() {
	local r items d n i
	topo_setup dr 3 1 1
	sip_init
	sip_service dir1 "$VIP4" -s sip -o || return 1
	for i in 1 2 3; do
		sip_add_rs dir1 "$VIP4" "$i" 1 || return 1
	done
	nl dir1 do sip-set "{\"service\":$SVC,\"settings\":{\"transaction-timeout\":600}}" |
		grep -q '"ok": true' || return 1
	send_calls cl1 0 2000 lk
	sleep 1
	nl dir1 dump binding-get "{\"service\":$SVC}" >"$SIP_DIR/all.json"
	n=$(/usr/bin/python3 -c 'import json, sys
print(len(json.load(open(sys.argv[1]))["msgs"]))' "$SIP_DIR/all.json")
	check "lookup: $n bindings (of 2000 Call-IDs sent) to look in" [ "$n" -gt 1900 ]
	# Eight Call-IDs spread over the dump (every one is there).
	mapfile -t items < <(/usr/bin/python3 -c 'import json, sys
k = sorted(m["binding"]["call-id"] for m in json.load(open(sys.argv[1]))["msgs"])
print("\n".join(k[i * (len(k) - 1) // 7] for i in range(8)))' "$SIP_DIR/all.json")
	r=$(nl dir1 batch "$(lookups "${items[@]}")")
	check "lookup: each Call-ID gets its own binding among $n" found "$r" "${items[@]}"
	r=$(nl dir1 batch "$(lookups lk-2000@test "${items[0]%t}" "${items[0]}x" nosuch)")
	check "lookup: unknown Call-IDs (also prefixes and extensions of known ones): ENOENT with extack" \
		[ "$(json "$r" '[(x.get("error"), bool(x.get("extack"))) for x in d] == [("ENOENT", True)] * 4')" = True ]
	r=$(nl dir1 do sip-set "{\"service\":$SVC,\"settings\":{\"seed\":777}}")
	check "lookup: a new seed (placement key) accepted" [ "$(json "$r" 'd["ok"]')" = True ]
	r=$(nl dir1 batch "$(lookups "${items[@]}")")
	check "lookup: after the new seed the same Call-IDs are found" found "$r" "${items[@]}"
	send_calls cl1 0 200 lk2
	sleep 1
	nl dir1 dump binding-get "{\"service\":$SVC}" >"$SIP_DIR/all.json"
	mapfile -t items < <(/usr/bin/python3 -c 'import json, sys
k = sorted(m["binding"]["call-id"] for m in json.load(open(sys.argv[1]))["msgs"])
new = [c for c in k if c.startswith("lk2-")]
print("\n".join([new[0], new[-1], k[0]]))' "$SIP_DIR/all.json")
	r=$(nl dir1 batch "$(lookups "${items[@]}")")
	check "lookup: Call-IDs bound after the new seed are found too" \
		found "$r" "${items[@]}"
	n=$(sip_counter dir1 Bindings)
	r=$(nl dir1 do binding-flush "{\"service\":$SVC,\"call-id\":\"${items[0]}\"}")
	check "lookup: flush by Call-ID removes one" [ "$(json "$r" 'd["msgs"][0]["count"]')" = 1 ]
	r=$(nl dir1 batch "$(lookups "${items[0]}" "${items[1]}")")
	d=$(json "$r" 'd[0].get("error"), d[1].get("ok")')
	check "lookup: ... that one is gone ($d), another stays" [ "$d" = "ENOENT True" ]
	r=$(nl dir1 do binding-flush "{\"service\":$SVC,\"call-id\":\"${items[0]}\"}")
	check "lookup: flushing it again removes none" [ "$(json "$r" 'd["msgs"][0]["count"]')" = 0 ]
	check "lookup: one binding fewer ($n before)" \
		[ "$(sip_counter dir1 Bindings)" = $((n - 1)) ]
}

# lookups KEY...: a batch (ipvs_udp_nl.py batch) of binding-get do, one
# per Call-ID of the sip service.
lookups() {
	/usr/bin/python3 -c 'import json, sys
print(json.dumps([["do", "binding-get", {"service": json.loads(sys.argv[1]), "call-id": c}] for c in sys.argv[2:]]))' "$SVC" "$@"
}

# found RESULTS KEY...: each Call-ID was found, with the server that
# $SIP_DIR/all.json (a dump) shows.
found() {
	/usr/bin/python3 - "$SIP_DIR/all.json" "$@" <<'EOF'
import json, sys
dump = {m["binding"]["call-id"]: m["binding"]["dest"]["addr"]
        for m in json.load(open(sys.argv[1]))["msgs"]}
res, keys = json.loads(sys.argv[2]), sys.argv[3:]
bad = [(k, r) for k, r in zip(keys, res)
       if not r.get("ok") or r["msgs"][0]["binding"]["call-id"] != k or
       r["msgs"][0]["binding"]["dest"]["addr"] != dump.get(k)]
print("# %d of %d found with the dump's server; wrong: %s" %
      (len(keys) - len(bad), len(keys), bad[:3]))
sys.exit(1 if bad or len(res) != len(keys) else 0)
EOF
}

scenario_main "$@"
