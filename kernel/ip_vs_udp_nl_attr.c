// SPDX-License-Identifier: GPL-2.0
/*
 * ipvs_udp generic netlink: attribute helpers shared by the family module
 * and the feature modules (linked into each of them, so that no feature
 * module depends on ip_vs_udp_nl.ko: IPVS autoloads schedulers and
 * engines from its own generic netlink handlers, under the genl cb_lock
 * (and genl_lock before 7.1), where loading a module that registers a
 * family would deadlock).
 *
 * Requests reach these helpers validated against the generated policies
 * (ip_vs_udp_nl_gen.c, strict, nested included); the helpers still check
 * what they read themselves, so they are safe on any attribute (KUnit:
 * kernel/tests/ip_vs_udp_nl_test.c feeds them hostile ones).
 */
#include <linux/kernel.h>
#include <net/netlink.h>
#include <net/ip_vs.h>
#include <kunit/visibility.h>

#include "ip_vs_udp_nl.h"

/* Payload sizes of the fixed-size attributes of a nest (0: variable). */
static const u8 ip_vs_udp_nl_service_sizes[IPVS_UDP_A_SERVICE_MAX + 1] = {
	[IPVS_UDP_A_SERVICE_AF]		= 2,
	[IPVS_UDP_A_SERVICE_PROTOCOL]	= 2,
	[IPVS_UDP_A_SERVICE_PORT]	= 2,
	[IPVS_UDP_A_SERVICE_FWMARK]	= 4,
};

static const u8 ip_vs_udp_nl_dest_sizes[IPVS_UDP_A_DEST_MAX + 1] = {
	[IPVS_UDP_A_DEST_AF]		= 2,
	[IPVS_UDP_A_DEST_PORT]		= 2,
};

/*
 * Split a nest into tb[] (no policy: the generic netlink core validated
 * it already), rejecting unknown attributes and wrong sizes anyway.
 */
static int ip_vs_udp_nl_parse_nest(struct nlattr **tb, int max,
				   const struct nlattr *nest, const u8 *sizes,
				   struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem, type;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	nla_for_each_nested(a, nest, rem) {
		type = nla_type(a);
		if (type < 1 || type > max) {
			NL_SET_ERR_MSG_ATTR(extack, a, "unknown attribute");
			return -EINVAL;
		}
		if (sizes[type] && nla_len(a) != sizes[type]) {
			NL_SET_ERR_MSG_ATTR(extack, a, "attribute of the wrong size");
			return -EINVAL;
		}
		tb[type] = (struct nlattr *)a;
	}
	if (rem) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "trailing bytes in the nest");
		return -EINVAL;
	}
	return 0;
}

static bool ip_vs_udp_nl_af_ok(const struct nlattr *a,
			       struct netlink_ext_ack *extack)
{
	u16 af = nla_get_u16(a);

	if (af == AF_INET || af == AF_INET6)
		return true;
	NL_SET_ERR_MSG_ATTR(extack, a, "address family must be AF_INET or AF_INET6");
	return false;
}

/*
 * An address attribute: 4 bytes for AF_INET, 16 for AF_INET6; AF_INET
 * also takes IPVS's 16-byte union nf_inet_addr (ipvsadm sends that).
 */
static int ip_vs_udp_nl_addr(const struct nlattr *a, u16 af,
			     union nf_inet_addr *addr,
			     struct netlink_ext_ack *extack)
{
	int len = nla_len(a);

	memset(addr, 0, sizeof(*addr));
	if (af == AF_INET && (len == 4 || len == 16)) {
		memcpy(&addr->ip, nla_data(a), 4);
		return 0;
	}
	if (af == AF_INET6 && len == 16) {
		memcpy(&addr->in6, nla_data(a), 16);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, a,
			    "address must be 4 (AF_INET) or 16 bytes (AF_INET6)");
	return -EINVAL;
}

/**
 * ip_vs_udp_nl_parse_service - a service attribute to a key
 * @nest: the nest (already validated against ipvs_udp_service_nl_policy)
 * @k: result
 * @extack: error message
 *
 * As IPVS: af and fwmark, or af, protocol, addr and port.
 *
 * Return: 0 or -EINVAL with @extack set.
 */
int ip_vs_udp_nl_parse_service(const struct nlattr *nest,
			       struct ip_vs_udp_nl_svc_key *k,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPVS_UDP_A_SERVICE_MAX + 1];
	int ret;

	memset(k, 0, sizeof(*k));
	ret = ip_vs_udp_nl_parse_nest(tb, IPVS_UDP_A_SERVICE_MAX, nest,
				      ip_vs_udp_nl_service_sizes, extack);
	if (ret)
		return ret;
	if (!tb[IPVS_UDP_A_SERVICE_AF]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "service: af missing");
		return -EINVAL;
	}
	if (!ip_vs_udp_nl_af_ok(tb[IPVS_UDP_A_SERVICE_AF], extack))
		return -EINVAL;
	k->af = nla_get_u16(tb[IPVS_UDP_A_SERVICE_AF]);
	if (tb[IPVS_UDP_A_SERVICE_FWMARK]) {
		k->fwmark = nla_get_u32(tb[IPVS_UDP_A_SERVICE_FWMARK]);
		if (!k->fwmark) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IPVS_UDP_A_SERVICE_FWMARK],
					    "service: fwmark must not be 0");
			return -EINVAL;
		}
		if (tb[IPVS_UDP_A_SERVICE_ADDR] || tb[IPVS_UDP_A_SERVICE_PORT]) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "service: fwmark excludes addr and port");
			return -EINVAL;
		}
		return 0;
	}
	if (!tb[IPVS_UDP_A_SERVICE_PROTOCOL] || !tb[IPVS_UDP_A_SERVICE_ADDR] ||
	    !tb[IPVS_UDP_A_SERVICE_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "service: fwmark, or protocol, addr and port needed");
		return -EINVAL;
	}
	k->protocol = nla_get_u16(tb[IPVS_UDP_A_SERVICE_PROTOCOL]);
	k->port = nla_get_be16(tb[IPVS_UDP_A_SERVICE_PORT]);
	return ip_vs_udp_nl_addr(tb[IPVS_UDP_A_SERVICE_ADDR], k->af, &k->addr,
				 extack);
}

/* A dest attribute (af, addr, port, all needed) to a key. */
int ip_vs_udp_nl_parse_dest(const struct nlattr *nest,
			    struct ip_vs_udp_nl_dest_key *k,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IPVS_UDP_A_DEST_MAX + 1];
	int ret;

	memset(k, 0, sizeof(*k));
	ret = ip_vs_udp_nl_parse_nest(tb, IPVS_UDP_A_DEST_MAX, nest,
				      ip_vs_udp_nl_dest_sizes, extack);
	if (ret)
		return ret;
	if (!tb[IPVS_UDP_A_DEST_AF] || !tb[IPVS_UDP_A_DEST_ADDR] ||
	    !tb[IPVS_UDP_A_DEST_PORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "dest: af, addr and port needed");
		return -EINVAL;
	}
	if (!ip_vs_udp_nl_af_ok(tb[IPVS_UDP_A_DEST_AF], extack))
		return -EINVAL;
	k->af = nla_get_u16(tb[IPVS_UDP_A_DEST_AF]);
	k->port = nla_get_be16(tb[IPVS_UDP_A_DEST_PORT]);
	return ip_vs_udp_nl_addr(tb[IPVS_UDP_A_DEST_ADDR], k->af, &k->addr,
				 extack);
}

/* A Call-ID attribute: 1 to IPVS_UDP_CALLID_MAX bytes. Return: 0 or -EINVAL */
int ip_vs_udp_nl_parse_callid(const struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	if (nla_len(attr) < 1 || nla_len(attr) > IPVS_UDP_CALLID_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "call-id must be 1 to 255 bytes");
		return -EINVAL;
	}
	return 0;
}

void ip_vs_udp_nl_svc_key_of(const struct ip_vs_service *svc,
			     struct ip_vs_udp_nl_svc_key *k)
{
	memset(k, 0, sizeof(*k));
	k->af = svc->af;
	if (svc->fwmark) {
		k->fwmark = svc->fwmark;
		return;
	}
	k->protocol = svc->protocol;
	k->port = svc->port;
	ip_vs_addr_copy(svc->af, &k->addr, &svc->addr);
}

/* Is @svc the service @k names? Keys as IPVS hashes its services. */
bool ip_vs_udp_nl_svc_match(const struct ip_vs_udp_nl_svc_key *k,
			    const struct ip_vs_service *svc)
{
	if (svc->af != k->af)
		return false;
	if (k->fwmark || svc->fwmark)
		return svc->fwmark == k->fwmark;
	return svc->protocol == k->protocol && svc->port == k->port &&
	       ip_vs_addr_equal(k->af, &svc->addr, &k->addr);
}

/* A total order of service keys, for dumps that resume after a key. */
int ip_vs_udp_nl_svc_key_cmp(const struct ip_vs_udp_nl_svc_key *a,
			     const struct ip_vs_udp_nl_svc_key *b)
{
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	if (a->fwmark != b->fwmark)
		return a->fwmark < b->fwmark ? -1 : 1;
	if (a->protocol != b->protocol)
		return a->protocol < b->protocol ? -1 : 1;
	if (a->port != b->port)
		return ntohs(a->port) < ntohs(b->port) ? -1 : 1;
	return memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

bool ip_vs_udp_nl_dest_match(const struct ip_vs_udp_nl_dest_key *k,
			     const struct ip_vs_dest *d)
{
	return d->af == k->af && d->port == k->port &&
	       ip_vs_addr_equal(k->af, &d->addr, &k->addr);
}

static int ip_vs_udp_nl_put_addr(struct sk_buff *skb, int type, int af,
				 const union nf_inet_addr *addr)
{
	if (af == AF_INET6)
		return nla_put(skb, type, 16, &addr->in6);
	return nla_put_in_addr(skb, type, addr->ip);
}

int ip_vs_udp_nl_put_service(struct sk_buff *skb, int attrtype,
			     const struct ip_vs_udp_nl_svc_key *k)
{
	struct nlattr *nest = nla_nest_start(skb, attrtype);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, IPVS_UDP_A_SERVICE_AF, k->af))
		goto err;
	if (k->fwmark) {
		if (nla_put_u32(skb, IPVS_UDP_A_SERVICE_FWMARK, k->fwmark))
			goto err;
	} else if (nla_put_u16(skb, IPVS_UDP_A_SERVICE_PROTOCOL, k->protocol) ||
		   ip_vs_udp_nl_put_addr(skb, IPVS_UDP_A_SERVICE_ADDR, k->af,
					 &k->addr) ||
		   nla_put_be16(skb, IPVS_UDP_A_SERVICE_PORT, k->port)) {
		goto err;
	}
	nla_nest_end(skb, nest);
	return 0;
err:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

int ip_vs_udp_nl_put_dest(struct sk_buff *skb, int attrtype, int af,
			  const union nf_inet_addr *addr, __be16 port)
{
	struct nlattr *nest = nla_nest_start(skb, attrtype);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u16(skb, IPVS_UDP_A_DEST_AF, af) ||
	    ip_vs_udp_nl_put_addr(skb, IPVS_UDP_A_DEST_ADDR, af, addr) ||
	    nla_put_be16(skb, IPVS_UDP_A_DEST_PORT, port)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
